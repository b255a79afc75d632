// Validates YAML documents with the JSON Schemas of schemas/ (Ajv, strict mode), as an editor
// would, and prints one verdict per document for tests/cli/test_schemas.sh to compare with the
// C reader's:
//   ok<TAB>FILE
//   refused<TAB>FILE<TAB>reason
// Usage: node validate.mjs SCHEMA_DIR FILE...
//        node validate.mjs --lint SCHEMA_DIR   the schemas compile in strict mode, each has an
//                                              $id, a title and a description, and every
//                                              field has its description
// A document is read as YAML 1.2 (the core schema, as the YAML language server reads it) into
// JSON; its `kind` chooses the schema. Amounts: a JSON number is a multiple of 0.01 (two
// decimals at most) up to floating-point noise, hence multipleOfPrecision.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parseAllDocuments } from "yaml";

const KINDS = ["financer", "call", "project", "award"];

function compile(dir) {
  const ajv = new Ajv2020({ strict: true, allErrors: false, multipleOfPrecision: 9 });
  addFormats(ajv);
  const validators = {};
  const schemas = {};
  for (const kind of KINDS) {
    const schema = JSON.parse(readFileSync(join(dir, `${kind}.schema.json`), "utf8"));
    schemas[kind] = schema;
    validators[kind] = ajv.compile(schema);
  }
  return { validators, schemas };
}

// Every entry of every `properties` has its own description, and so has every $defs entry.
function undescribed(node, path, out) {
  if (Array.isArray(node)) {
    node.forEach((v, i) => undescribed(v, `${path}/${i}`, out));
    return;
  }
  if (!node || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    if ((key === "properties" || key === "$defs") && value && typeof value === "object") {
      for (const [name, sub] of Object.entries(value)) {
        if (sub === true) continue;
        if (typeof sub.description !== "string" || sub.description.length === 0)
          out.push(`${path}/${key}/${name}`);
      }
    }
    if (key !== "examples") undescribed(value, `${path}/${key}`, out);
  }
  return out;
}

function lint(dir) {
  const { schemas } = compile(dir);
  let bad = 0;
  for (const kind of KINDS) {
    const s = schemas[kind];
    if (s.$id !== `urn:eligo:schema:${kind}`) {
      console.log(`${kind}.schema.json: $id ${s.$id}, expected urn:eligo:schema:${kind}`);
      bad++;
    }
    for (const key of ["title", "description"]) {
      if (typeof s[key] !== "string" || s[key].length === 0) {
        console.log(`${kind}.schema.json: no ${key}`);
        bad++;
      }
    }
    for (const p of undescribed(s, "#", [])) {
      console.log(`${kind}.schema.json: ${p} has no description`);
      bad++;
    }
  }
  return bad === 0 ? 0 : 1;
}

function verdict(validators, file) {
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(file));
  } catch (e) {
    return `not UTF-8 text (${e.message})`;
  }
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) return "no document";
  if (docs.length !== 1) return `${docs.length} YAML documents`;
  const doc = docs[0];
  if (doc.errors.length) return `YAML: ${doc.errors[0].message.split("\n")[0]}`;
  // An unresolved tag (!custom) is a warning for the parser and an error for the editor.
  if (doc.warnings.length) return `YAML: ${doc.warnings[0].message.split("\n")[0]}`;
  // An explicit !!timestamp is a date, written as the schema expects it.
  const value = doc.toJS({
    maxAliasCount: 100,
    reviver: (key, v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  });
  if (!value || typeof value !== "object" || Array.isArray(value)) return "not a mapping";
  if (!KINDS.includes(value.kind)) return `kind ${JSON.stringify(value.kind)}`;
  const validate = validators[value.kind];
  if (validate(value)) return null;
  const e = validate.errors[0];
  return `${e.instancePath || "/"}: ${e.message}`;
}

const args = process.argv.slice(2);
if (args[0] === "--lint") {
  process.exit(lint(args[1]));
}
const { validators } = compile(args[0]);
for (const file of args.slice(1)) {
  const reason = verdict(validators, file);
  console.log(reason === null ? `ok\t${file}` : `refused\t${file}\t${reason}`);
}
