'use strict';
// What both peers share: the reference call's constants (../shared/BENCH.md,
// the same as bench/reference/call.yaml), the streaming loop over the
// projects' JSON Lines, and the decisions and traces written out.
//
// A peer module exports { name, version, prepare(alter) -> decide }, where
// decide(project) resolves to { failed: ['R1', ...], trace: <string> }.
// Usage of a peer: node PEER.js PROJECTS.jsonl DECISIONS TRACES [--alter RULE]
// DECISIONS gets one line per project, in input order: `id outcome R1,R4`
// (`-` when no rule fails), the format bench/run.sh reads from eligo's store;
// TRACES gets the engine's trace of each project, one JSON line each.
// Prints one JSON line: engine, count, eligible, seconds (the loop alone,
// from the first line read to the last decision written).
const fs = require('fs');
const readline = require('readline');

const REFERENCE = Object.freeze({
  statuses: ['association', 'scic', 'scop'],
  communes: ['Emmerin', 'Faches-Thumesnil', 'Fretin', 'Houplin-Ancoisne', 'Lesquin', 'Lezennes',
    'Loos', 'Noyelles-lès-Seclin', 'Ronchin', 'Seclin', 'Templemars', 'Vendeville', 'Wattignies'],
  periodStart: '2025-01-01',
  periodEnd: '2026-12-31',
  maxEquipment: 8082000, // cents
  maxRateMel: 30, // percent, compared exactly: mel x 100 <= expenses x 30
  maxPublic: 80, // percent: every financer but SELF
});

// The rule --alter changes, for checking that bench/run.sh really compares:
// R5's cap one cent lower, so that projects exactly at the cap fail.
function referenceFor(alter) {
  if (!alter) return REFERENCE;
  if (alter !== 'R5') throw new Error(`--alter: only R5 can be altered, not ${alter}`);
  return { ...REFERENCE, maxEquipment: REFERENCE.maxEquipment - 1 };
}

const FLUSH = 1 << 20;

function writer(path) {
  const fd = fs.openSync(path, 'w');
  let parts = [], size = 0;
  const flush = () => {
    if (parts.length) fs.writeSync(fd, parts.join(''));
    parts = [];
    size = 0;
  };
  return {
    write(text) {
      parts.push(text);
      size += text.length;
      if (size >= FLUSH) flush();
    },
    close() {
      flush();
      fs.closeSync(fd);
    },
  };
}

async function main(peer) {
  const args = process.argv.slice(2);
  let alter = null;
  const i = args.indexOf('--alter');
  if (i >= 0) {
    alter = args[i + 1];
    args.splice(i, 2);
  }
  if (args.length !== 3) {
    console.error(`usage: node ${process.argv[1]} PROJECTS.jsonl DECISIONS TRACES [--alter R5]`);
    process.exit(2);
  }
  const [projects, decisionsPath, tracesPath] = args;
  const decide = await peer.prepare(referenceFor(alter));
  const decisions = writer(decisionsPath), traces = writer(tracesPath);
  const lines = readline.createInterface({
    input: fs.createReadStream(projects, { highWaterMark: 1 << 20 }),
    crlfDelay: Infinity,
  });
  let count = 0, eligible = 0;
  const t0 = process.hrtime.bigint();
  for await (const line of lines) {
    if (!line) continue;
    const project = JSON.parse(line);
    const { failed, trace } = await decide(project);
    failed.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    const outcome = failed.length ? 'ineligible' : 'eligible';
    if (!failed.length) eligible++;
    decisions.write(`${project.id} ${outcome} ${failed.length ? failed.join(',') : '-'}\n`);
    traces.write(trace + '\n');
    count++;
  }
  decisions.close();
  traces.close();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ engine: `${peer.name} ${peer.version}`, count, eligible, seconds }));
}

function run(peer) {
  main(peer).catch((e) => {
    console.error(`${peer.name}: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  });
}

module.exports = { run };
