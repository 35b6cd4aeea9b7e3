#!/usr/bin/env node
// Renders one template (k8s/templates/*.yaml, infra-scripts/iam/*.json): every ${NAME} is replaced
// by the value given as NAME=value. A placeholder without a value, a value no placeholder uses, or a
// value that could change the file's structure is an error, so a typo in a script can never ship a
// half-rendered manifest or policy.
//
//   node infra-scripts/lib/render-template.mjs k8s/templates/order-api.yaml PREFIX=ts ... > out.yaml
import { readFileSync } from 'node:fs';

const PLACEHOLDER = /\$\{([A-Z][A-Z0-9_]*)\}/g;
// Names, image references, ARNs, host names and numbers; nothing that YAML reads as syntax.
const SAFE_VALUE = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;

function fail(message) {
  process.stderr.write(`render: ${message}\n`);
  process.exit(2);
}

const [templatePath, ...assignments] = process.argv.slice(2);
if (!templatePath) fail('usage: render-template.mjs <template.yaml> NAME=value ...');

const values = new Map();
for (const assignment of assignments) {
  const eq = assignment.indexOf('=');
  if (eq <= 0) fail(`not NAME=value: "${assignment}"`);
  const name = assignment.slice(0, eq);
  const value = assignment.slice(eq + 1);
  if (!SAFE_VALUE.test(value)) fail(`${name}: value "${value}" has characters a manifest cannot take unquoted`);
  values.set(name, value);
}

const template = readFileSync(templatePath, 'utf8');
const used = new Set();
const missing = new Set();
const rendered = template.replace(PLACEHOLDER, (_, name) => {
  if (!values.has(name)) {
    missing.add(name);
    return '';
  }
  used.add(name);
  return values.get(name);
});
if (missing.size > 0) fail(`${templatePath}: no value for ${[...missing].join(', ')}`);
const unused = [...values.keys()].filter((name) => !used.has(name));
if (unused.length > 0) fail(`${templatePath}: ${unused.join(', ')} not used by this template`);
process.stdout.write(rendered);
