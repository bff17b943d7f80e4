/**
 * The command-line adapter, bundled (dist/cli/index.js), against the local ECS: the same
 * engine and settings as the action, flags named like its inputs.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/run-action.js';
import { startSim, type Sim } from '../../sim/server.js';
import { VARS, revisionOf, runCli, type CliRun } from './sim-helpers.js';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
});
afterAll(async () => {
  await sim.close();
});

const cli = (args: string[], cwd = ROOT, killWhen?: RegExp): Promise<CliRun> =>
  runCli(sim.url, args, { cwd, ...(killWhen ? { killWhen } : {}) });

const template = ['--task-definition', join(ROOT, 'examples/web.taskdef.json'), '--vars', VARS];

describe('ecs-rollout CLI', () => {
  test('render prints the rendered definition; no AWS call', async () => {
    const before = sim.calls({ accessKeyId: 'AKIDCLI' }).length;
    const r = await cli(['render', ...template, '--vars', 'tag=v7']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).containerDefinitions[0].image).toBe('registry.example.com/web:v7');
    expect(sim.calls({ accessKeyId: 'AKIDCLI' })).toHaveLength(before);
  });

  test('register registers once, then reuses the identical revision', async () => {
    const first = await cli(['register', ...template, '--vars', 'tag=v11']);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^task-definition-reused=false$/m);
    const again = await cli(['register', ...template, '--vars', 'tag=v11']);
    expect(again.stdout).toMatch(/^task-definition-reused=true$/m);
    expect(again.stdout.match(/^task-definition-arn=(.*)$/m)?.[1]).toBe(first.stdout.match(/^task-definition-arn=(.*)$/m)?.[1]);
  });

  test('diff shows only real changes against what the service runs', async () => {
    const r = await cli(['diff', ...template, '--vars', 'tag=v7', '--cluster', 'prod', '--service', 'web']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/image: "registry.example.com\/web:v1" → "registry.example.com\/web:v7"/);
    expect(r.stdout).toMatch(/environment/);
  });

  test('deploy runs the rolling strategy, writes the summary, and cleans up its state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const summary = join(dir, 'summary.md');
    const r = await cli(
      [
        'deploy',
        ...template,
        '--vars',
        'tag=v8',
        '--cluster',
        'prod',
        '--service',
        'web',
        '--poll-interval',
        '200ms',
        '--summary-file',
        summary
      ],
      dir
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^status=succeeded$/m);
    expect(readFileSync(summary, 'utf8')).toMatch(/^### ✅ Deployment succeeded/);
    // Its own state file (one per deployment, under .ecs-rollout/) is gone once it succeeded.
    expect(readdirSync(join(dir, '.ecs-rollout'))).toEqual([]);
    expect(await revisionOf(sim.url, 'web')).toBe(/web:\d+$/.exec(r.stdout.match(/^task-definition-arn=(.*)$/m)?.[1] ?? '')?.[0]);
  });

  test('a failed deploy exits 1 and says why', async () => {
    const r = await cli(
      ['deploy', ...template, '--vars', 'tag=v9-crash', '--cluster', 'prod', '--service', 'web', '--poll-interval', '200ms'],
      mkdtempSync(join(tmpdir(), 'cli-'))
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^status=rolled-back$/m);
    // The verdict line names the cause (the crashing container), whichever wording the headline takes.
    expect(r.stderr).toMatch(/^(rolled-back|Rolled back): .*(exited with code 1|ECS rolled the service back)/m);
  });

  test('a deploy killed half-way is finished by `ecs-rollout rollback` from its state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const before = await revisionOf(sim.url, 'web');
    const killed = await cli(
      ['deploy', ...template, '--vars', 'tag=v10-slow-start', '--cluster', 'prod', '--service', 'web', '--poll-interval', '200ms'],
      dir,
      /Updated service web/
    );
    expect(killed.status).toBeNull();
    const [file] = readdirSync(join(dir, '.ecs-rollout'));
    expect(file).toMatch(/^prod-web\.[0-9a-f]{8}\.json$/);
    // The killed deploy's lock is still in DynamoDB: rollback waits for its lease to run out, then takes it over.
    const r = await cli(['rollback'], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/took over deployment lock service:prod\/web/);
    expect(r.stderr).toMatch(/rolled back/);
    expect(await revisionOf(sim.url, 'web')).toBe(before);
    expect(readdirSync(join(dir, '.ecs-rollout'))).toEqual([]);
  });

  test('status tells which colour is live', async () => {
    const sc = sim.scenario!;
    const r = await cli([
      'status',
      '--strategy',
      'blue-green',
      '--cluster',
      'prod',
      '--blue-service',
      'web-blue',
      '--green-service',
      'web-green',
      '--blue-target-group',
      sc.targetGroups['web-blue'],
      '--green-target-group',
      sc.targetGroups['web-green'],
      '--listener-arn',
      sc.listeners['web-alb:80']
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^live: blue \(web-blue\), idle: green \(web-green\)$/m);
    expect(r.stdout).toMatch(/forwards 100 % to web-blue, 0 % to web-green/);
    expect(r.stdout).toMatch(/^blue\s+web-blue\s+web:\d+\s+2\/2 running; targets: 2 healthy/m);
  });

  test('bad flags exit 2 with a suggestion', async () => {
    const r = await cli(['deploy', '--clustr', 'prod']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/did you mean --cluster\?/);
  });

  test('--json: one JSON object with every output on stdout, the log on stderr, for a failure too', async () => {
    const r = await cli(
      ['deploy', ...template, '--vars', 'tag=v12-crash', '--cluster', 'prod', '--service', 'web', '--poll-interval', '200ms', '--json'],
      mkdtempSync(join(tmpdir(), 'cli-'))
    );
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true', 'exit-code': 1 });
    expect(Object.keys(out)).toEqual(
      expect.arrayContaining(['task-definition-arn', 'previous-task-definition-arn', 'reason', 'deployment-id'])
    );
    expect(r.stderr).toMatch(/▸ Register the revision/);

    const bad = await cli(['deploy', '--clustr', 'prod', '--json']);
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stdout)).toEqual({
      status: 'failed',
      reason: 'unknown flag --clustr (did you mean --cluster?)',
      errors: ['unknown flag --clustr (did you mean --cluster?)'],
      'exit-code': 2
    });
  });

  test('--version is the package version; each command has its own help, from action.yml', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const v = await cli(['--version']);
    expect(v).toMatchObject({ status: 0, stdout: `${pkg.version}\n` });
    const a = await cli(['deregister', '--help']);
    const b = await cli(['help', 'deregister']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^ {2}--keep N\s+how many/m);
    expect(a.stdout).toMatch(/^ {2}--cluster\s+ECS cluster name\. \[default\]$/m);
    expect(a.stdout).toMatch(/^ {2}2 {2}bad command line/m);
    const general = await cli(['--help']);
    expect(general.stdout).toMatch(/^ {2}rollback\s+roll a service/m);
  });
});
