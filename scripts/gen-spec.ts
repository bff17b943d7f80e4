/**
 * action.yml is the single source of truth for inputs and outputs. This writes
 * src/generated/action-spec.ts (used by the CLI for flags, defaults and help, and
 * by the action for defaults) and the README's input/output tables.
 * `--check` fails when either is stale instead of writing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { OFFICIAL_INPUTS, OFFICIAL_OUTPUTS, OFFICIAL_VERSIONS, type OfficialAction, type Treatment } from '../src/compat/official.js';

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

// The compat spec (src/compat/official.ts) → the migration tables. Every official input it accepts must be in action.yml.
const ours = new Set(Object.keys(spec.inputs).map((n) => n.toLowerCase()));
for (const i of OFFICIAL_INPUTS) {
  // The runner matches input names case-insensitively (run-task-assign-public-IP).
  if (!ours.has(i.name.toLowerCase())) throw new Error(`compat spec: official input ${i.name} is not in action.yml`);
  if (i.treatment.kind === 'mapped')
    for (const t of i.treatment.to) if (!ours.has(t)) throw new Error(`compat spec: ${i.name} maps to ${t}, which is not in action.yml`);
}
for (const o of OFFICIAL_OUTPUTS) {
  if (!spec.outputs[o.name]) throw new Error(`compat spec: official output ${o.name} is not in action.yml`);
}

function verdict(t: Treatment): string {
  switch (t.kind) {
    case 'same':
      return 'same';
    case 'mapped':
      return `caps ${t.to.map((n) => `\`${n}\``).join(', ')}`;
    case 'different-default':
      return `same, default **${t.ours}**`;
    case 'unsupported':
      return t.error ? '**fails the step** (not supported yet)' : 'not supported yet';
  }
}
const note = (t: Treatment): string => cell(('note' in t && t.note) || '');
const officialDefault = (d: string): string => (d ? `\`${cell(d)}\`` : '');
const actionName = (a: OfficialAction): string => `amazon-ecs-${a}-task-definition ${OFFICIAL_VERSIONS[a]}`;

function compatTable(action: OfficialAction): string {
  return [
    `| \`${actionName(action)}\` input | official default | ecs-rollout | notes |`,
    '| --- | --- | --- | --- |',
    ...OFFICIAL_INPUTS.filter((i) => i.action === action).map(
      (i) => `| \`${i.name}\` | ${officialDefault(i.officialDefault)} | ${verdict(i.treatment)} | ${note(i.treatment)} |`
    )
  ].join('\n');
}
const outputsTable = [
  '| official output | action | ecs-rollout | notes |',
  '| --- | --- | --- | --- |',
  ...OFFICIAL_OUTPUTS.map((o) => `| \`${o.name}\` | ${o.action} | ${verdict(o.treatment)} | ${note(o.treatment)} |`)
].join('\n');
const marker = '(generated from src/compat/official.ts by `npm run gen`)';
const migrationBlocks: Record<string, string> = {
  'compat-render': compatTable('render'),
  'compat-deploy': compatTable('deploy'),
  'compat-outputs': outputsTable
};
const readmeCompat = [
  '| official input | ecs-rollout |',
  '| --- | --- |',
  ...(['render', 'deploy'] as const).map(
    (action) =>
      `| **${actionName(action)}** | ${(['same', 'different-default', 'mapped', 'unsupported'] as const)
        .map((kind) => {
          const names = OFFICIAL_INPUTS.filter((i) => i.action === action && i.treatment.kind === kind).map((i) => `\`${i.name}\``);
          if (names.length === 0) return '';
          const what = {
            same: 'same meaning and default',
            'different-default': 'same meaning, other default',
            mapped: 'accepted, mapped',
            unsupported: 'fail the step (not yet)'
          }[kind];
          return `${what}: ${names.join(', ')}`;
        })
        .filter(Boolean)
        .join('<br>')} |`
  )
].join('\n');

function replaceBlock(text: string, name: string, body: string, file: string): string {
  const re = new RegExp(`<!-- ${name}:start[^>]*-->[\\s\\S]*?<!-- ${name}:end -->`);
  if (!re.test(text)) throw new Error(`${file} has no <!-- ${name}:start --> … <!-- ${name}:end --> block`);
  return text.replace(re, `<!-- ${name}:start ${marker} -->\n${body}\n<!-- ${name}:end -->`);
}

const readmePath = 'README.md';
const readme = readFileSync(readmePath, 'utf8');
const re = /<!-- inputs:start[\s\S]*<!-- outputs:end -->/;
if (!re.test(readme)) throw new Error('README.md has no <!-- inputs:start --> … <!-- outputs:end --> block');
const newReadme = replaceBlock(readme.replace(re, table), 'compat', readmeCompat, readmePath);
const migrationPath = 'docs/migration.md';
const migration = readFileSync(migrationPath, 'utf8');
const newMigration = Object.entries(migrationBlocks).reduce(
  (text, [name, body]) => replaceBlock(text, name, body, migrationPath),
  migration
);
const tsPath = 'src/generated/action-spec.ts';
let old = '';
try {
  old = readFileSync(tsPath, 'utf8');
} catch {
  // first run
}

if (check) {
  const stale = [old !== ts && tsPath, newReadme !== readme && readmePath, newMigration !== migration && migrationPath].filter(Boolean);
  if (stale.length) {
    console.error(`stale: ${stale.join(', ')} — run npm run gen`);
    process.exit(1);
  }
  console.log('action.yml, the compat spec, README and docs/migration.md tables and src/generated/action-spec.ts agree');
} else {
  writeFileSync(tsPath, ts);
  writeFileSync(readmePath, newReadme);
  writeFileSync(migrationPath, newMigration);
}
