// Checks HTTP exchanges with the GitHub fake against GitHub's published OpenAPI description (@octokit/openapi,
// dereferenced), and makes minimal valid response bodies from it, so the fake's answers start from the real shapes.
//   node openapi.mjs validate exchanges.json   -> prints one line per finding; exit 1 when any
//   node openapi.mjs examples wanted.json      -> prints {"METHOD /template STATUS": instance, ...}
import { readFileSync } from "node:fs";
import Ajv from "ajv";

const spec = JSON.parse(readFileSync(new URL("./node_modules/@octokit/openapi/generated/api.github.com.deref.json", import.meta.url)));
const templates = Object.keys(spec.paths).map((t) => ({
  template: t,
  literal: t.split("/").filter((s) => s && !s.startsWith("{")).length,
  regex: new RegExp("^" + t.replace(/\{[^}]+\}/g, "[^/]+") + "$"),
}));

function operation(method, path) {
  const match = templates.filter((t) => t.regex.test(path) && spec.paths[t.template][method.toLowerCase()])
    .sort((a, b) => b.literal - a.literal)[0];
  return match ? { template: match.template, op: spec.paths[match.template][method.toLowerCase()] } : null;
}

const json = (content) => content?.["application/json"]?.schema;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map();
function check(schema, value) {
  if (!compiled.has(schema)) compiled.set(schema, ajv.compile(schema));
  const validate = compiled.get(schema);
  return validate(value) ? [] : validate.errors.slice(0, 20).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

function validate(exchanges) {
  const findings = [];
  for (const x of exchanges) {
    const at = `${x.method} ${x.path} -> ${x.status}`;
    const found = operation(x.method, x.path);
    if (!found) { findings.push(`${at}: no such operation in GitHub's API`); continue; }
    if (x.request != null) {
      const schema = json(found.op.requestBody?.content);
      if (!schema) findings.push(`${at}: ${found.template} takes no JSON body`);
      else for (const e of check(schema, x.request)) findings.push(`${at}: request ${e}`);
    } else if (found.op.requestBody?.required) findings.push(`${at}: ${found.template} needs a body`);
    // An injected rate limit, 5xx or refusal: GitHub documents those for every operation, not per operation.
    if (x.fault) continue;
    const response = found.op.responses[String(x.status)];
    if (!response) { findings.push(`${at}: GitHub does not answer ${found.template} with ${x.status}`); continue; }
    const schema = json(response.content);
    if (schema && x.response != null) for (const e of check(schema, x.response)) findings.push(`${at}: response ${e}`);
  }
  return findings;
}

// A minimal instance of a schema: required properties only, the first choice of every anyOf/oneOf.
function example(schema, depth = 0) {
  if (!schema || depth > 40) return null;
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => example(s, depth + 1)));
  if (schema.anyOf || schema.oneOf) return example((schema.anyOf ?? schema.oneOf)[0], depth + 1);
  if (schema.enum) return schema.enum[0];
  if (schema.nullable && depth > 0) return null;
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case "object": case undefined: {
      const o = {};
      for (const k of schema.required ?? []) o[k] = example(schema.properties?.[k] ?? {}, depth + 1);
      return o;
    }
    case "array": return [];
    case "integer": case "number": return schema.minimum ?? 1;
    case "boolean": return false;
    case "string": return schema.format === "date-time" ? "2026-01-01T00:00:00Z" : schema.format === "uri" ? "https://example.invalid/x" : "x";
    default: return null;
  }
}

const [command, file] = process.argv.slice(2);
const input = JSON.parse(readFileSync(file, "utf8"));
if (command === "validate") {
  const findings = validate(input);
  for (const f of findings) console.log(f);
  console.log(`${input.length} exchange(s) checked, ${findings.length} finding(s)`);
  process.exit(findings.length ? 1 : 0);
} else if (command === "examples") {
  const out = {};
  for (const w of input) {
    const found = operation(w.method, w.path);
    const schema = found && json(found.op.responses[String(w.status)]?.content);
    if (!schema) throw new Error(`no JSON response for ${w.method} ${w.path} ${w.status}`);
    out[`${w.method} ${w.path} ${w.status}`] = example(schema.type === "array" ? schema.items : schema);
  }
  console.log(JSON.stringify(out));
} else { console.error("usage: node openapi.mjs validate|examples FILE"); process.exit(2); }
