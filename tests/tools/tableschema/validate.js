#!/usr/bin/env node
// Validates a CSV file against a Frictionless Table Schema with the tableschema
// library (the reference JavaScript implementation): the header against the
// schema's field names, then every cell against its field's type and
// constraints. Prints one line per error, "row R: column C (field): message"
// (R as the library numbers rows, the header being row 1), and exits 1 when
// there is any, 0 when the file is valid, 2 when it cannot be read.
// The schema's custom_checks (SIRET check digit, one of idBeneficiaire /
// rnaBeneficiaire) are not Table Schema: the library does not run them, and
// neither does this script.
'use strict';
const { Table } = require('tableschema');

async function main() {
  const [schemaPath, csvPath] = process.argv.slice(2);
  if (!schemaPath || !csvPath) {
    console.error('usage: validate.js SCHEMA.json FILE.csv');
    process.exit(2);
  }
  const schema = require(require('path').resolve(schemaPath));
  const table = await Table.load(csvPath, { schema });
  let errors = 0;
  const report = (line) => { errors++; console.log(line); };
  await table.read({ limit: 1 }).catch(() => {});
  const headers = table.headers || [];
  const names = table.schema.fieldNames;
  names.forEach((name, i) => {
    if (headers[i] !== name)
      report(`header: column ${i + 1} (${name}): found ${headers[i] === undefined ? 'nothing' : JSON.stringify(headers[i])}`);
  });
  for (let i = names.length; i < headers.length; i++)
    report(`header: column ${i + 1}: extra column ${JSON.stringify(headers[i])}`);
  // Cells: each column named as a schema field is cast by that field, with its
  // constraints (the library's Field.castValue), wherever the column stands:
  // a missing or misplaced column is reported above, not on every row.
  const source = await Table.load(csvPath);
  const rows = await source.read({ cast: false });
  rows.forEach((row, r) => {
    headers.forEach((name, c) => {
      const field = table.schema.getField(name);
      if (!field) return;
      try {
        field.castValue(row[c] === undefined ? '' : row[c]);
      } catch (e) {
        report(`row ${r + 2}: column ${c + 1} (${name}): ${e.message}`);
      }
    });
  });
  process.exit(errors ? 1 : 0);
}

main().catch((e) => { console.error(`validate.js: ${e.message}`); process.exit(2); });
