/**
 * Each root cause a user can meet, end to end: dist/index.js against the local ECS on a
 * ×300 clock, one bad release per class. The headline (≤ 160 characters) is the `reason`
 * output, the error annotation and the summary's first line; the ECS text stays below.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { startSim, type Sim } from '../../sim/server.js';
import { ROOT, runAction, type ActionRun } from '../../scripts/run-action.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST, VARS, heldLocks, revisionOf, runCli, weights } from './sim-helpers.js';
import { until, webInputs } from './blue-green-helpers.js';

let sim: Sim;
beforeEach(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
});
afterEach(async () => {
  await sim.close();
});

const rolling = (tag: string, extra: Record<string, string> = {}, vars = ''): Record<string, string> => ({
  'task-definition': 'examples/web.taskdef.json',
  vars: `${VARS}\ntag=${tag}\n${vars}`,
  cluster: 'prod',
  service: 'web',
  ...FAST,
  ...extra
});

/** The headline is the reason output, the `::error::` annotation and the summary's first line, and fits in 160 characters. */
function headlineOf(run: ActionRun): string {
  const reason = run.outputs.reason ?? '';
  expect(reason.length).toBeGreaterThan(0);
  expect(reason.length).toBeLessThanOrEqual(160);
  // The runner's command encoding escapes % as %25.
  expect(run.log).toContain(`::error::${reason.replace(/%/g, '%25')}`);
  expect(run.summary.split('\n')[0]).toContain(reason);
  // ECS's own long text never makes it into the sentence.
  expect(reason).not.toMatch(/ecs-svc\/\d+|arn:aws:ecs|circuit breaker: tasks failed/);
  return reason;
}

describe('headlines, rolling', () => {
  test('failing ELB health checks: the HTTP code, and the service back on the previous revision; the 500s in the container log', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: rolling('v2-unhealthy') });
    expect(run.outputs.status).toBe('rolled-back');
    expect(headlineOf(run)).toBe('Rolled back: web:2 failed its ELB health checks (HTTP 500) — web is back on web:1');
    expect(run.summary).toMatch(/#### Last log lines of container web in task \w+ \(\/ecs\/web, web\/web\/\w+\)/);
    expect(run.summary).toMatch(/"GET \/health HTTP\/1\.1" 500/);
    expect(run.summary).toMatch(
      /\[log stream web\/web\/\w+\]\(https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#logsV2:log-groups\/log-group\/\$252Fecs\$252Fweb\/log-events\/web\$252Fweb\$252F\w+\)/
    );
    // The full story stays below the headline.
    expect(run.summary).toMatch(/#### Why the deployment did not go through/);
  });

  test('an essential container that exits: its name and exit code; the stack trace from CloudWatch Logs', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: rolling('v2-crash') });
    expect(headlineOf(run)).toBe('Rolled back: web:2 essential container web exited with code 1 — web is back on web:1');
    expect(run.log).toMatch(/TypeError: Cannot read properties of undefined \(reading 'split'\)/);
    expect(run.log).toMatch(/at parseConfig \(\/app\/dist\/config\.js:41:27\)/);
    expect(run.log).toMatch(/FATAL web: exiting with code 1/);
    expect(await revisionOf(sim.url, 'web')).toBe('web:1');
  });

  test('container output is masked like everything else: a secret var the crash prints stays hidden in the log and the summary', async () => {
    const secret = 'pa55-w0rd-in-log';
    const run = await runAction({
      endpoint: sim.url,
      inputs: {
        ...rolling('v2-crash', { 'secret-vars': 'greeting' }),
        vars: `${VARS.replace(/^greeting=.*$/m, `greeting=${secret}`)}\ntag=v2-crash`
      }
    });
    expect(run.outputs.status).toBe('rolled-back');
    expect(run.summary).toMatch(/DEBUG web: config (GREETING|COMMIT)=/);
    expect(run.summary).toMatch(/GREETING=\*\*\*/);
    expect(run.summary).not.toContain(secret);
    expect(run.log.split(secret)).toHaveLength(2); // only the ::add-mask:: line, which the runner consumes
  });

  test("the CLI ends with the same headline (only the lock's release follows it)", async () => {
    const cli = await runCli(
      sim.url,
      [
        'deploy',
        '--task-definition',
        join(ROOT, 'examples/web.taskdef.json'),
        '--vars',
        VARS,
        '--vars',
        'tag=v2-crash',
        '--cluster',
        'prod',
        '--service',
        'web',
        '--poll-interval',
        '200ms'
      ],
      {
        cwd: mkdtempSync(join(tmpdir(), 'headline-cli-'))
      }
    );
    expect(cli.status).toBe(1);
    const lines = cli.stderr
      .trim()
      .split('\n')
      .filter((l) => !/deployment lock/.test(l));
    expect(lines.at(-1)).toBe('Rolled back: web:2 essential container web exited with code 1 — web is back on web:1');
    expect(cli.stdout).toMatch(/^reason=Rolled back: web:2 essential container web exited with code 1 — web is back on web:1$/m);
  });

  test('log-lines: 0 reads no logs at all', async () => {
    const run = await runAction({ endpoint: sim.url, accessKeyId: 'AKIDNOLOGS', inputs: rolling('v2-crash', { 'log-lines': '0' }) });
    expect(headlineOf(run)).toMatch(/^Rolled back: web:2 essential container web exited with code 1/);
    expect(sim.calls({ accessKeyId: 'AKIDNOLOGS', service: 'logs' })).toEqual([]);
    expect(run.summary).not.toMatch(/Last log lines/);
  });

  test('an OOM kill during the bake fails the service gate at once, naming the container; the log shows the heap running out', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: rolling('v2-memory-leak', { 'bake-time': '10s' }) });
    expect(run.outputs.status).toBe('rolled-back');
    expect(headlineOf(run)).toBe('Rolled back: web:2 container web was OOM-killed (out of memory, exit 137) — web is back on web:1');
    expect(run.log).toMatch(
      /gate service: FAILS: container web of web:2 was OOM-killed \(exit 137: OutOfMemoryError: Container killed due to memory usage\) in \d tasks?/
    );
    expect(run.log).toMatch(/FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory/);
  });

  test('an image that cannot be pulled: the image named, ECS text (CannotPullContainerError) in the evidence only', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: rolling('v2-image-pull-fail') });
    expect(headlineOf(run)).toBe(
      'Rolled back: web:2 could not pull image registry.example.com/web:v2-image-pull-fail — web is back on web:1'
    );
    expect(run.summary).toMatch(
      /CannotPullContainerError: pull image manifest has been retried 5 time\(s\): failed to resolve ref registry\.example\.com\/web:v2-image-pull-fail/
    );
    expect(run.summary).toMatch(/TaskFailedToStart/);
  });

  test('a secret the execution role cannot read: the secret named', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: rolling('v2-secret-fail') });
    expect(headlineOf(run)).toMatch(/^Rolled back: web:2 could not fetch secret web\/db-password-Ab12Cd — web is back on web:1$/);
    expect(run.summary).toMatch(/ResourceInitializationError: unable to pull secrets or registry auth/);
  });

  test('no capacity: ECS cannot place the tasks, the timeout ends it and the headline says why', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: rolling('v2-no-capacity', { timeout: '1500ms' }) });
    expect(run.outputs.status).toBe('rolled-back');
    expect(headlineOf(run)).toBe('Rolled back: web:2 could not be placed: no capacity for its tasks — web is back on web:1');
    expect(run.summary).toMatch(/was unable to place a task\. Reason: Capacity is unavailable at this time/);
  });

  test('still starting at the timeout: how many tasks were running', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: rolling('v2-slow-start', { timeout: '400ms' }) });
    expect(headlineOf(run)).toMatch(
      /^Rolled back: web:2 was still starting at the timeout \(\S+\): 0 of 2 tasks running — web is back on web:1$/
    );
  });

  test('a temporary CPU alarm fires during the bake: the alarm, its value and threshold', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: rolling('v2-cpu-spike', { 'cpu-alarm-threshold': '80', 'bake-time': '3s' }) });
    expect(run.outputs.status).toBe('rolled-back');
    expect(headlineOf(run)).toMatch(
      /^Rolled back: web:2 set off alarm ecs-rollout-prod-web-cpu-\S+ \([\d.]+ vs threshold 80\) — web is back on web:1$/
    );
  });

  test('cancelled (SIGTERM) while rolling out', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: rolling('v2-slow-start'),
      interrupt: { when: /Updated service web/, signal: 'SIGTERM' }
    });
    expect(headlineOf(run)).toBe('Rolled back: web:2 was cancelled (SIGTERM) — web is back on web:1');
  });

  test('the deployment lock held by another run: nothing changed, the holder named', async () => {
    const slow = runAction({ endpoint: sim.url, accessKeyId: 'AKIDHOLDER', inputs: rolling('v2-slow-start') });
    await until('the first run holds the lock', async () => (await heldLocks(sim.url, ['service:prod/web'])).length > 0);
    const refused = await runAction({ endpoint: sim.url, accessKeyId: 'AKIDREFUSED', inputs: rolling('v3', { 'lock-timeout': '0' }) });
    expect(refused.outputs.status).toBe('failed');
    expect(headlineOf(refused)).toMatch(/^Not deployed: deployment lock service:prod\/web is held by \S+ — nothing changed$/);
    // The whole message is still in the log.
    expect(refused.log).toMatch(/lock-timeout is 0: not waiting/);
    await slow;
  });
});

describe('headlines, blue/green', () => {
  test('failing ELB health checks in the new colour: 100 % stays on the live colour, on the previous revision', async () => {
    const s = sim.scenario!;
    const run = await runAction({ endpoint: sim.url, inputs: webInputs(s, {}, 'tag=v2-unhealthy') });
    expect(run.outputs.status).toBe('rolled-back');
    expect(headlineOf(run)).toBe('Rolled back: web:2 failed its ELB health checks (HTTP 500) — 100 % stays on web-blue (web:1)');
    expect(await weights(sim.url, s.listeners['web-alb:80'])).toEqual({ 'web-blue': 100, 'web-green': 0 });
  });

  test('a release answering 5xx: the metric gate, the share and the limit', async () => {
    const s = sim.scenario!;
    const run = await runAction({
      endpoint: sim.url,
      inputs: webInputs(s, { 'max-error-rate': '1%', 'step-bake': '1s' }, 'tag=v2-http-5xx')
    });
    expect(run.outputs.status).toBe('rolled-back');
    expect(headlineOf(run)).toMatch(
      /^Rolled back: web:2 failed max-error-rate \(5xx [\d.]+ % > 1 %\) — 100 % stays on web-blue \(web:1\)$/
    );
  });

  test('a crash while the new colour serves: the container gate fails at once with the exit code', async () => {
    const s = sim.scenario!;
    const run = await runAction({ endpoint: sim.url, inputs: webInputs(s, {}, 'tag=v2-crash') });
    expect(headlineOf(run)).toBe('Rolled back: web:2 essential container web exited with code 1 — 100 % stays on web-blue (web:1)');
  });
});
