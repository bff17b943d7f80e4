/**
 * Bad input that used to slip through (issue #10, point 8), run through the bundled action
 * against the local ECS: each run fails naming the input or file, the field and the fix, sets
 * status=failed with the reason when a deployment was asked for, and makes no mutating call.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, ROOT, type ActionRun } from '../../scripts/run-action.js';
import { startSim, type Scenario, type Sim } from '../../sim/server.js';
import { webBlueGreenInputs } from '../../sim/seed.js';
import { FAST, VARS, revisionOf, why } from './sim-helpers.js';

let sim: Sim;
let s: Scenario;
beforeAll(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
  s = sim.scenario!;
});
afterAll(async () => {
  await sim.close();
});

const TEMPLATE = readFileSync(join(ROOT, 'examples/web.taskdef.json'), 'utf8');

/** A rolling deployment of web in prod, with `extra` inputs. */
const deploy = (extra: Record<string, string> = {}): Record<string, string> => ({
  'task-definition': 'examples/web.taskdef.json',
  vars: `${VARS}\ntag=v2`,
  cluster: 'prod',
  service: 'web',
  ...FAST,
  ...extra
});

/** A template file in a fresh directory: the example with `edit` applied to its text. */
function templateFile(edit: (text: string) => string | Buffer, name = 'web.json'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bad-input-')), name);
  writeFileSync(file, edit(TEMPLATE));
  return file;
}

/** Calls that change something, made by the action (the seed uses its own key). */
function mutatingCalls(): string[] {
  return sim
    .calls()
    .filter((c) => c.accessKeyId !== 'SIMSEED' && !/^(Describe|List|Get)/.test(c.operation))
    .map((c) => `${c.service}:${c.operation}`);
}

/** The log as the runner shows it: workflow commands escape %, CR and LF. */
const shown = (log: string): string => log.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

async function refused(
  inputs: Record<string, string>,
  message: RegExp,
  opts: { deploying?: boolean; timeoutMs?: number } = {}
): Promise<ActionRun> {
  const before = mutatingCalls().length;
  const run = await runAction({ endpoint: sim.url, inputs, post: false, timeoutMs: opts.timeoutMs ?? 60_000 });
  expect(run.exitCode).toBe(1);
  expect(shown(run.log)).toMatch(message);
  expect(mutatingCalls().slice(before)).toEqual([]);
  if (opts.deploying ?? true) {
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
    expect(why(run)).toMatch(message);
  } else {
    expect(run.outputs.status).toBeUndefined();
  }
  return run;
}

describe('bad templates and files: refused before anything is registered', () => {
  test('a YAML alias bomb fails at once instead of expanding to gigabytes', async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
      ['f', 'g'],
      ['g', 'h'],
      ['h', 'i']
    ]) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const file = templateFile(() => lines.join('\n'), 'bomb.yaml');
    expect(readFileSync(file).length).toBeLessThan(500);
    const started = Date.now();
    await refused(deploy({ 'task-definition': file }), /bomb\.yaml:\d+ \S+: expands YAML aliases more than 100 times \(an alias bomb\?\)/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test('rendered-path naming the template (through a symlink) is refused and the template is untouched', async () => {
    const file = templateFile((t) => t);
    const link = join(mkdtempSync(join(tmpdir(), 'link-')), 'rendered.json');
    symlinkSync(file, link);
    await refused(
      deploy({ 'task-definition': file, 'rendered-path': link }),
      /input `rendered-path` is ".*rendered\.json", the template itself \(writing there would replace the template/
    );
    expect(readFileSync(file, 'utf8')).toBe(TEMPLATE);
  });

  test('a FIFO as the template fails at once instead of hanging', async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'fifo-')), 'web.json');
    execFileSync('mkfifo', [fifo]);
    await refused(deploy({ 'task-definition': fifo }), /web\.json: is a FIFO \(named pipe\), not a regular file/, { timeoutMs: 20_000 });
  });

  test('a template under /proc is refused', async () => {
    await refused(
      deploy({ 'task-definition': '/proc/self/environ' }),
      /\/proc\/self\/environ: is \/proc\/\d+\/environ, a system file, not a template/
    );
  });

  test('bytes that are not UTF-8 are refused with their offset', async () => {
    const at = TEMPLATE.indexOf('{{ tag }}');
    const file = templateFile((t) => Buffer.concat([Buffer.from(t.slice(0, at)), Buffer.from([0xe9]), Buffer.from(t.slice(at))]));
    await refused(
      deploy({ 'task-definition': file }),
      new RegExp(`web\\.json:\\d+: is not UTF-8: invalid byte at offset ${Buffer.byteLength(TEMPLATE.slice(0, at))} \\(e9 `)
    );
  });

  test('a 400-digit number fails naming the path instead of registering null', async () => {
    const file = templateFile((t) => t.replace(/"containerPort": \d+/, `"containerPort": ${'9'.repeat(400)}`));
    await refused(
      deploy({ 'task-definition': file }),
      /containerDefinitions\[0\]\.portMappings\[0\]\.containerPort: is 9{20}…\(400 characters\), a number too large to represent/
    );
  });

  test('a definition over 64 KiB fails before RegisterTaskDefinition, with its size', async () => {
    const env = Array.from({ length: 700 }, (_, i) => `{ "name": "VAR_${i}", "value": "${'x'.repeat(100)}" }`).join(', ');
    const file = templateFile((t) => t.replace('"environment": [', `"environment": [${env}, `));
    await refused(
      deploy({ 'task-definition': file }),
      /the rendered task definition is \d+(\.\d)? KiB \(\d+ bytes\); RegisterTaskDefinition accepts at most 64 KiB/
    );
  });

  test('a __proto__ key is refused, not swallowed', async () => {
    const file = templateFile((t) => t.replace('"name": "web",', '"name": "web", "dockerLabels": { "__proto__": { "x": "y" } },'));
    await refused(deploy({ 'task-definition': file }), /containerDefinitions\[0\]\.dockerLabels: has a key "__proto__"/);
  });

  test('container memory: -512 fails with its path', async () => {
    const file = templateFile((t) => t.replace('"name": "web",', '"name": "web", "memory": -512,'));
    await refused(
      deploy({ 'task-definition': file }),
      /containerDefinitions\[0\]\.memory: is -512 \(use a whole number from 6 to 2147483647/
    );
  });
});

describe('bad inputs: refused before any AWS call, with status=failed and the reason', () => {
  test('a var given twice names the var', async () => {
    await refused(deploy({ vars: `${VARS}\ntag=v2\ntag=v3` }), /input `vars` sets "tag" twice \(lines \d+ and \d+\)/);
  });

  test('poll-interval: 600h is refused instead of overflowing into 1 ms polling', async () => {
    await refused(deploy({ 'poll-interval': '600h' }), /input `poll-interval` is 600h, longer than 5m \(use at most 5m\)/);
  });

  test('wait-for-minutes: 0 is refused instead of rolling back a healthy release', async () => {
    await refused(
      deploy({ 'poll-interval': '200ms', 'wait-for-minutes': '0' }),
      /input `wait-for-minutes` is 0 \(give the time a deployment may take/
    );
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('timeout: 0 is refused the same way', async () => {
    await refused(deploy({ timeout: '0' }), /input `timeout` is 0 \(give the time a deployment may take/);
  });

  test('desired-count above the 5000 tasks ECS allows per service is refused', async () => {
    await refused(deploy({ 'desired-count': '5001' }), /input `desired-count` is "5001" \(use a whole number from 0 to 5000\)/);
  });

  test('blue/green inputs without strategy: blue-green fail instead of only registering', async () => {
    const { strategy: _strategy, ...bg } = webBlueGreenInputs(s);
    await refused(
      { 'task-definition': 'examples/web.taskdef.json', vars: `${VARS}\ntag=v2`, ...bg },
      /input `blue-service`, input `green-service`, input `blue-target-group`, input `green-target-group`, input `listener-arn` are set but input `strategy` is rolling, which ignores them \(set strategy: blue-green/
    );
  });

  test('service with strategy: blue-green fails and says which inputs blue/green uses', async () => {
    await refused(
      { 'task-definition': 'examples/web.taskdef.json', vars: `${VARS}\ntag=v2`, ...webBlueGreenInputs(s), service: 'web' },
      /input `service` is set but input `strategy` is blue-green, which does not use it \(blue\/green deploys input `blue-service` and input `green-service`/
    );
  });

  test('several problems come back together, and still set status=failed', async () => {
    const run = await refused(deploy({ 'desired-count': '-1', 'poll-interval': 'soon', vars: 'a=1\na=2' }), /problems/);
    expect(why(run)).toMatch(/desired-count/);
    expect(why(run)).toMatch(/poll-interval/);
    expect(why(run)).toMatch(/sets "a" twice/);
  });

  test('a render-only run with bad input fails without a deployment verdict', async () => {
    await refused(
      { 'task-definition': 'examples/web.taskdef.json', vars: 'tag=a\ntag=b', register: 'false' },
      /input `vars` sets "tag" twice/,
      { deploying: false }
    );
  });
});
