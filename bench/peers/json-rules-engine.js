'use strict';
// The reference call R1-R8 in json-rules-engine: one rule per R, each with
// its conditions on facts precomputed in JS (totals in cents, dates as
// numbers), as ../shared/BENCH.md measured it. The trace is the engine's
// rule results (every condition with the fact value it read and its result).
const { Engine } = require('json-rules-engine');
const { run } = require('./common');

const day = (iso) => Number(iso.replaceAll('-', ''));

function facts(p) {
  let expenses = 0, equipment = 0, staff = 0;
  for (const e of p.expenses) {
    expenses += e.amount;
    if (e.category === 'equipment') equipment += e.amount;
    if (e.category === 'staff') staff += e.amount;
  }
  let resources = 0, earmarked = 0, mel = 0, pub = 0;
  for (const r of p.resources) {
    resources += r.amount;
    if (r.earmark === 'staff') earmarked += r.amount;
    if (r.financer === 'MEL') mel += r.amount;
    if (r.financer !== 'SELF') pub += r.amount;
  }
  // Cents below 2^53 times 100 stay exact in a double.
  return {
    status: p.status, commune: p.commune, start: day(p.start), end: day(p.end),
    expenses, resources, equipment, staff, earmarked,
    mel100: mel * 100, public100: pub * 100, expenses30: expenses * 30, expenses80: expenses * 80,
  };
}

function rules(ref) {
  const one = (name, all) => ({ name, conditions: { all }, event: { type: name } });
  return [
    one('R1', [{ fact: 'status', operator: 'in', value: ref.statuses }]),
    one('R2', [{ fact: 'commune', operator: 'in', value: ref.communes }]),
    one('R3', [
      { fact: 'start', operator: 'greaterThanInclusive', value: day(ref.periodStart) },
      { fact: 'end', operator: 'lessThanInclusive', value: day(ref.periodEnd) },
    ]),
    one('R4', [{ fact: 'expenses', operator: 'equal', value: { fact: 'resources' } }]),
    one('R5', [{ fact: 'equipment', operator: 'lessThanInclusive', value: ref.maxEquipment }]),
    one('R6', [{ fact: 'earmarked', operator: 'lessThanInclusive', value: { fact: 'staff' } }]),
    one('R7', [{ fact: 'mel100', operator: 'lessThanInclusive', value: { fact: 'expenses30' } }]),
    one('R8', [{ fact: 'public100', operator: 'lessThanInclusive', value: { fact: 'expenses80' } }]),
  ];
}

run({
  name: 'json-rules-engine',
  version: require('json-rules-engine/package.json').version,
  async prepare(ref) {
    const engine = new Engine(rules(ref), { allowUndefinedFacts: false });
    return async (p) => {
      const { results, failureResults } = await engine.run(facts(p));
      const trace = JSON.stringify({
        id: p.id,
        rules: results.concat(failureResults).map((r) => r.toJSON(false)),
      });
      return { failed: failureResults.map((r) => r.name), trace };
    };
  },
});
