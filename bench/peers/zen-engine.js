'use strict';
// The reference call R1-R8 as a GoRules decision graph (JDM): the project
// goes in as it is; an expression node computes its figures (totals in
// cents, exact decimals in zen), a decision table (hit policy `collect`)
// has one row per R that matches when the rule fails. Evaluated with
// trace: true and awaited project by project; the trace is zen's (every
// node's input, output and what each expression or row gave).
const { ZenEngine } = require('@gorules/zen-engine');
const { run } = require('./common');

const q = (s) => JSON.stringify(s);
const list = (xs) => `[${xs.map(q).join(', ')}]`;
const sumOf = (arr, cond) => `sum(map(filter(${arr}, ${cond}), #.amount))`;

function graph(ref) {
  const figures = [
    ['status', 'status'],
    ['commune', 'commune'],
    ['start', 'date(start)'],
    ['end', 'date(end)'],
    ['expenses', 'sum(map(expenses, #.amount))'],
    ['resources', 'sum(map(resources, #.amount))'],
    ['equipment', sumOf('expenses', '#.category == "equipment"')],
    ['staff', sumOf('expenses', '#.category == "staff"')],
    ['earmarked', sumOf('resources', '#.earmark == "staff"')],
    ['mel', sumOf('resources', '#.financer == "MEL"')],
    ['public', sumOf('resources', '#.financer != "SELF"')],
  ];
  const fails = [
    ['R1', `not (status in ${list(ref.statuses)})`],
    ['R2', `not (commune in ${list(ref.communes)})`],
    ['R3', `start < date(${q(ref.periodStart)}) or end > date(${q(ref.periodEnd)})`],
    ['R4', 'expenses != resources'],
    ['R5', `equipment > ${ref.maxEquipment}`],
    ['R6', 'earmarked > staff'],
    ['R7', `mel * 100 > expenses * ${ref.maxRateMel}`],
    ['R8', `public * 100 > expenses * ${ref.maxPublic}`],
  ];
  return {
    contentType: 'application/vnd.gorules.decision',
    nodes: [
      { id: 'project', type: 'inputNode', name: 'project', position: { x: 0, y: 0 } },
      {
        id: 'figures', type: 'expressionNode', name: 'figures', position: { x: 200, y: 0 },
        content: { expressions: figures.map(([key, value]) => ({ id: key, key, value })) },
      },
      {
        id: 'rules', type: 'decisionTableNode', name: 'rules', position: { x: 400, y: 0 },
        content: {
          hitPolicy: 'collect',
          inputs: [{ id: 'fails', name: 'the rule fails', field: '' }],
          outputs: [{ id: 'rule', name: 'rule', field: 'rule' }],
          rules: fails.map(([rule, when]) => ({ _id: rule, fails: when, rule: q(rule) })),
        },
      },
      { id: 'decision', type: 'outputNode', name: 'decision', position: { x: 600, y: 0 } },
    ],
    edges: [
      { id: 'e1', sourceId: 'project', targetId: 'figures', type: 'edge' },
      { id: 'e2', sourceId: 'figures', targetId: 'rules', type: 'edge' },
      { id: 'e3', sourceId: 'rules', targetId: 'decision', type: 'edge' },
    ],
  };
}

run({
  name: 'zen-engine',
  version: require('@gorules/zen-engine/package.json').version,
  async prepare(ref) {
    const decision = new ZenEngine().createDecision(graph(ref));
    return async (p) => {
      const { result, trace } = await decision.evaluate(p, { trace: true });
      return { failed: result.map((r) => r.rule), trace: JSON.stringify(trace) };
    };
  },
});
