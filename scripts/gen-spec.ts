/**
 * action.yml is the single source of truth for inputs and outputs. This writes
 * src/generated/action-spec.ts (used by the CLI for flags, defaults and help, and
 * by the action for defaults) and the README's input/output tables.
 * `--check` fails when either is stale instead of writing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

interface Spec {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
}

const check = process.argv.includes('--check');
const spec = parse(readFileSync('action.yml', 'utf8')) as Spec;

const inputs = Object.entries(spec.inputs).map(([name, i]) => ({
  name,
  description: i.description,
  // Expressions such as ${{ github.token }} only exist on a runner.
  ...(i.default !== undefined && !String(i.default).includes('${{') ? { default: String(i.default) } : {})
}));
const outputs = Object.entries(spec.outputs).map(([name, o]) => ({ name, description: o.description }));

const ts = `// Generated from action.yml by scripts/gen-spec.ts: do not edit.
export interface InputSpec {
  name: string;
  description: string;
  default?: string;
}
export interface OutputSpec {
  name: string;
  description: string;
}
export const INPUTS: readonly InputSpec[] = ${JSON.stringify(inputs, null, 2)};
export const OUTPUTS: readonly OutputSpec[] = ${JSON.stringify(outputs, null, 2)};
`;

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = [
  '<!-- inputs:start (generated from action.yml by `npm run gen`) -->',
  '| input | default | description |',
  '| --- | --- | --- |',
  ...Object.entries(spec.inputs).map(
    ([n, i]) => `| \`${n}\` | ${i.default !== undefined ? `\`${cell(String(i.default))}\`` : ''} | ${cell(i.description)} |`
  ),
  '<!-- inputs:end -->',
  '',
  '<!-- outputs:start -->',
  '| output | description |',
  '| --- | --- |',
  ...outputs.map((o) => `| \`${o.name}\` | ${cell(o.description)} |`),
  '<!-- outputs:end -->'
].join('\n');

const readmePath = 'README.md';
const readme = readFileSync(readmePath, 'utf8');
const re = /<!-- inputs:start[\s\S]*<!-- outputs:end -->/;
if (!re.test(readme)) throw new Error('README.md has no <!-- inputs:start --> … <!-- outputs:end --> block');
const newReadme = readme.replace(re, table);
const tsPath = 'src/generated/action-spec.ts';
let old = '';
try {
  old = readFileSync(tsPath, 'utf8');
} catch {
  // first run
}

if (check) {
  const stale = [old !== ts && tsPath, newReadme !== readme && readmePath].filter(Boolean);
  if (stale.length) {
    console.error(`stale: ${stale.join(', ')} — run npm run gen`);
    process.exit(1);
  }
  console.log('action.yml, README tables and src/generated/action-spec.ts agree');
} else {
  writeFileSync(tsPath, ts);
  writeFileSync(readmePath, newReadme);
}
