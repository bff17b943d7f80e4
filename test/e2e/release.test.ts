/**
 * Releases end to end: dist/index.js (main + post step) with the input `release`, against the
 * local ECS on a ×300 clock. Services are seeded by sim/seed-release.ts (one family each, on
 * revision 1); assertions read the services' state through the SDK.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type Sim } from '../../sim/server.js';
import { seedReleaseServices } from '../../sim/seed-release.js';
import { webBlueGreenInputs } from '../../sim/seed.js';
import { ROOT, runAction } from '../../scripts/run-action.js';
import { clients, heldLocks, revisionOf, runCli, service, weights } from './sim-helpers.js';

const TEMPLATE = 'test/release/fixtures/service.taskdef.json';

let sim: Sim;
beforeEach(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
  await seedReleaseServices(sim.world, ['auth', 'worker', 'front', 'jobs', 'mail']);
});
afterEach(async () => {
  await sim.close();
});

interface Svc {
  tag?: string;
  deps?: string[];
  extra?: Record<string, string>;
}

/** A release file in a temporary directory (its template path is relative to the repository, where the step runs). */
function releaseFile(
  services: Record<string, Svc>,
  top: Record<string, string> = {},
  template = TEMPLATE,
  defaults: Record<string, string> = {}
): string {
  const lines = [
    'cluster: prod',
    ...Object.entries(top).map(([k, v]) => `${k}: ${v}`),
    'defaults:',
    '  poll-interval: 200ms',
    `  task-definition: ${template}`,
    ...Object.entries(defaults).map(([k, v]) => `  ${k}: ${v}`),
    'services:'
  ];
  for (const [name, s] of Object.entries(services)) {
    lines.push(`  ${name}:`);
    // Without a load balancer a task runs at once, so a crashing image is seen by the bake, as it would be on ECS.
    if (!s.extra?.strategy) lines.push(`    vars: { name: ${name}, tag: ${s.tag ?? 'v2'} }`, '    bake-time: 1s');
    for (const [k, v] of Object.entries(s.extra ?? {})) lines.push(`    ${k}: ${JSON.stringify(v)}`);
    if (s.deps) lines.push(`    depends-on: [${s.deps.join(', ')}]`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'ecs-rollout-release-'));
  const path = join(dir, 'release.yml');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The order services started and finished in, from the log's "[name] started" / "[name] finished" lines. */
function timeline(log: string): Array<{ name: string; what: 'started' | 'finished' }> {
  return [...log.matchAll(/^\[([\w-]+)\] (started|finished)\b/gm)].map((m) => ({ name: m[1], what: m[2] as 'started' | 'finished' }));
}

function maxInFlight(log: string): number {
  let now = 0;
  let max = 0;
  for (const e of timeline(log)) {
    now += e.what === 'started' ? 1 : -1;
    max = Math.max(max, now);
  }
  return max;
}

const FIVE: Record<string, Svc> = {
  auth: {},
  worker: { deps: ['auth'] },
  front: { deps: ['auth'] },
  jobs: { deps: ['worker'] },
  mail: { deps: ['jobs'] }
};

describe('release', () => {
  test('waves run in dependency order; every service ends on its new revision; outputs and summary tell it', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: { release: releaseFile(FIVE) } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded', 'rolled-back': 'false' });
    const services = JSON.parse(run.outputs.services) as Record<string, Record<string, string>>;
    for (const name of Object.keys(FIVE)) {
      expect(services[name]).toMatchObject({ status: 'succeeded', strategy: 'rolling' });
      expect(services[name]['task-definition-arn']).toMatch(new RegExp(`task-definition/${name}:2$`));
      expect(services[name]['previous-task-definition-arn']).toMatch(new RegExp(`task-definition/${name}:1$`));
      expect(await revisionOf(sim.url, name)).toBe(`${name}:2`);
    }
    // A service starts only once everything it depends on has finished.
    const order = timeline(run.log);
    const at = (name: string, what: string): number => order.findIndex((e) => e.name === name && e.what === what);
    for (const [name, s] of Object.entries(FIVE))
      for (const dep of s.deps ?? []) expect(at(dep, 'finished')).toBeLessThan(at(name, 'started'));
    // worker and front share a wave: both started before either finished.
    expect(Math.max(at('worker', 'started'), at('front', 'started'))).toBeLessThan(
      Math.min(at('worker', 'finished'), at('front', 'finished'))
    );
    expect(run.summary).toMatch(/### ✅ Release succeeded/);
    expect(run.summary).toMatch(/\| auth \| 1 \| rolling \| auth:1 → auth:2 \| ✅ succeeded \|/);
    expect(run.summary).toMatch(/```mermaid\ngantt/);
    expect(run.post?.exitCode).toBe(0);
    expect(run.post?.log).toMatch(/nothing left to clean up/);
    expect(await heldLocks(sim.url, ['service:prod/auth', 'service:prod/mail'])).toEqual([]);
  });

  test('max-parallel bounds how many services deploy at once', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: { release: releaseFile({ auth: {}, worker: {}, front: {}, jobs: {}, mail: {} }, { 'max-parallel': '2' }) }
    });
    expect(run.outputs.status).toBe('succeeded');
    expect(timeline(run.log).filter((e) => e.what === 'started')).toHaveLength(5);
    expect(maxInFlight(run.log)).toBe(2);
  });

  test('a failure in the first wave: nothing else starts, the failed service is back on its revision', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: { release: releaseFile({ ...FIVE, auth: { tag: 'v2-crash' } }) } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(run.outputs.reason).toMatch(/service auth was rolled back/);
    const services = JSON.parse(run.outputs.services) as Record<string, Record<string, string>>;
    expect(services.auth).toMatchObject({ status: 'rolled-back' });
    expect(services.worker).toMatchObject({ status: 'not-started' });
    expect(
      timeline(run.log)
        .filter((e) => e.what === 'started')
        .map((e) => e.name)
    ).toEqual(['auth']);
    for (const name of Object.keys(FIVE)) expect(await revisionOf(sim.url, name)).toBe(`${name}:1`);
  });

  test('a failure in the second wave: the first wave is rolled back too, the third never starts; all five on their previous revisions', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: { release: releaseFile({ ...FIVE, worker: { tag: 'v2-crash', deps: ['auth'] } }) }
    });
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    const services = JSON.parse(run.outputs.services) as Record<string, Record<string, string>>;
    expect(services.auth).toMatchObject({ status: 'rolled-back' });
    expect(services.auth.reason).toMatch(/rolled back with the release/);
    expect(services.worker).toMatchObject({ status: 'rolled-back' });
    expect(services.jobs).toMatchObject({ status: 'not-started' });
    for (const name of Object.keys(FIVE)) expect(await revisionOf(sim.url, name)).toBe(`${name}:1`);
    expect((await service(sim.url, 'auth')).deployments).toHaveLength(1);
    expect(run.summary).toMatch(/### ↩️ Release rolled back/);
    expect(run.summary).toMatch(/\| auth \| 1 \| rolling \| auth:1 → auth:2 \| ↩️ rolled back with the release \|/);
  });

  test('a failure in the last wave rolls back every earlier wave, newest first', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: { release: releaseFile({ ...FIVE, mail: { tag: 'v2-crash', deps: ['jobs'] } }) }
    });
    expect(run.outputs.status).toBe('rolled-back');
    for (const name of Object.keys(FIVE)) expect(await revisionOf(sim.url, name)).toBe(`${name}:1`);
    // jobs (wave 3) goes back before worker and front (wave 2), which go back before auth (wave 1).
    const rolledBack = [...run.log.matchAll(/^\[([\w-]+)\] ── Rolling back service/gm)].map((m) => m[1]);
    expect(rolledBack.indexOf('jobs')).toBeLessThan(rolledBack.indexOf('worker'));
    expect(rolledBack.indexOf('worker')).toBeLessThan(rolledBack.indexOf('auth'));
    expect(rolledBack.indexOf('front')).toBeLessThan(rolledBack.indexOf('auth'));
  });

  test('a failure in the third wave: waves 1 and 2 go back, wave 4 never starts', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: { release: releaseFile({ ...FIVE, jobs: { tag: 'v2-crash', deps: ['worker'] } }) }
    });
    expect(run.outputs.status).toBe('rolled-back');
    const services = JSON.parse(run.outputs.services) as Record<string, Record<string, string>>;
    expect(services.jobs).toMatchObject({ status: 'rolled-back', wave: '3' });
    expect(services.mail).toMatchObject({ status: 'not-started' });
    for (const name of ['auth', 'worker', 'front']) expect(services[name]).toMatchObject({ status: 'rolled-back' });
    for (const name of Object.keys(FIVE)) expect(await revisionOf(sim.url, name)).toBe(`${name}:1`);
  });

  test('on-failure: keep keeps the services that succeeded', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: { release: releaseFile({ auth: {}, worker: { tag: 'v2-crash', deps: ['auth'] } }, { 'on-failure': 'keep' }) }
    });
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
    expect(run.outputs.reason).toMatch(/kept auth/);
    expect(await revisionOf(sim.url, 'auth')).toBe('auth:2');
    expect(await revisionOf(sim.url, 'worker')).toBe('worker:1');
  });

  test('a runner killed mid-release: the post step rolls every changed service back, under the release lock', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: { release: releaseFile({ ...FIVE, worker: { tag: 'v2-slow-start', deps: ['auth'] } }) },
      interrupt: { when: /^\[worker\] started/m, signal: 'SIGKILL', delayMs: 600 }
    });
    expect(run.signal).toBe('SIGKILL');
    expect(run.post?.exitCode).toBe(0);
    expect(run.post?.log).toMatch(/auth: rolled back with the release/);
    for (const name of Object.keys(FIVE)) expect(await revisionOf(sim.url, name)).toBe(`${name}:1`);
    expect(await heldLocks(sim.url, ['service:prod/auth', 'service:prod/worker'])).toEqual([]);
  });

  test('a cancelled workflow (SIGINT) mid-release: everything changed goes back, verified', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: { release: releaseFile({ ...FIVE, worker: { tag: 'v2-slow-start', deps: ['auth'] } }) },
      interrupt: { when: /^\[worker\] started/m, signal: 'SIGINT', delayMs: 600 }
    });
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(run.outputs.reason).toMatch(/SIGINT|cancel/i);
    for (const name of Object.keys(FIVE)) expect(await revisionOf(sim.url, name)).toBe(`${name}:1`);
    expect(run.post?.log).toMatch(/nothing left to clean up/);
  });

  test('a release with a blue/green service: a later failure moves its traffic back, verified', async () => {
    const sc = sim.scenario!;
    const bg = {
      ...webBlueGreenInputs(sc),
      'traffic-steps': '50,100',
      'step-bake': '1s',
      'final-bake': '1s',
      'termination-wait': '500ms',
      vars: 'name=web\ntag=v2'
    };
    delete (bg as Record<string, string>).cluster;
    const file = releaseFile({ web: { extra: bg }, auth: { tag: 'v2-crash', deps: ['web'] } });
    const run = await runAction({ endpoint: sim.url, inputs: { release: file } });
    expect(run.outputs.status).toBe('rolled-back');
    const services = JSON.parse(run.outputs.services) as Record<string, Record<string, string>>;
    expect(services.web).toMatchObject({ status: 'rolled-back', strategy: 'blue-green' });
    expect(services.web.reason).toMatch(/rolled back with the release/);
    const w = await weights(sim.url, sc.listeners['web-alb:80']);
    const live = Object.entries(w).find(([, v]) => v === 100)![0];
    expect(await revisionOf(sim.url, live)).toBe('web:1');
    expect(await revisionOf(sim.url, 'auth')).toBe('auth:1');
  });

  test('a runner killed while a blue/green service of the release is at 50/50: the post step puts its traffic back, then the rest', async () => {
    const sc = sim.scenario!;
    const bg = {
      ...webBlueGreenInputs(sc),
      'traffic-steps': '50,100',
      'step-bake': '2s',
      'final-bake': '1s',
      'termination-wait': '500ms',
      vars: 'name=web\ntag=v2'
    };
    delete (bg as Record<string, string>).cluster;
    const run = await runAction({
      endpoint: sim.url,
      inputs: { release: releaseFile({ auth: {}, web: { extra: bg, deps: ['auth'] } }) },
      interrupt: { when: /forwards 50\/50 to web-blue\/web-green \(verified\)/, signal: 'SIGKILL', delayMs: 100 }
    });
    expect(run.signal).toBe('SIGKILL');
    expect(run.post?.exitCode).toBe(0);
    expect(run.post?.log).toMatch(/web: .*rolled back/);
    expect(run.post?.log).toMatch(/auth: rolled back with the release/);
    expect(await weights(sim.url, sc.listeners['web-alb:80'])).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect(await revisionOf(sim.url, 'web-blue')).toBe('web:1');
    expect(await revisionOf(sim.url, 'auth')).toBe('auth:1');
  });

  test('the release-level gate: a top-level alarm going off mid-release rolls every changed service back', async () => {
    const { cw } = clients(sim.url);
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'release-errors',
        Namespace: 'Acme/Shop',
        MetricName: 'ErrorRate',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'ignore'
      })
    );
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'release-errors', StateValue: 'OK', StateReason: 'set by the test' }));
    let fired = false;
    const run = await runAction({
      endpoint: sim.url,
      inputs: { release: releaseFile({ ...FIVE, worker: { tag: 'v2-slow-start', deps: ['auth'] } }, { alarms: '[release-errors]' }) },
      onOutput: (chunk) => {
        if (fired || !/\[worker\] started/.test(chunk)) return;
        fired = true;
        void cw.send(
          new SetAlarmStateCommand({ AlarmName: 'release-errors', StateValue: 'ALARM', StateReason: 'error rate 9 % (set by the test)' })
        );
      }
    });
    if (run.outputs.status !== 'rolled-back') console.log(run.log);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true' });
    expect(run.outputs.reason).toMatch(/the release gate failed: .*release-errors/);
    for (const name of Object.keys(FIVE)) expect(await revisionOf(sim.url, name)).toBe(`${name}:1`);
    expect(run.summary).toMatch(/Release gate \*\*release alarms\*\* failed/);
  });

  test('ecs-rollout deploy --release, killed mid-release; ecs-rollout rollback finishes it from the state file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ecs-rollout-release-cli-'));
    const file = releaseFile({ ...FIVE, worker: { tag: 'v2-slow-start', deps: ['auth'] } }, {}, join(ROOT, TEMPLATE));
    const killed = await runCli(sim.url, ['deploy', '--release', file], { cwd, killWhen: /\[worker\] started/ });
    expect(killed.status).toBeNull();
    expect(await revisionOf(sim.url, 'auth')).toBe('auth:2');
    expect(readdirSync(join(cwd, '.ecs-rollout'))).toEqual([expect.stringMatching(/^prod-release-release\.\w+\.json$/)]);
    const rollback = await runCli(sim.url, ['rollback'], { cwd });
    expect(rollback.stderr).toMatch(/auth: rolled back with the release/);
    expect(rollback.status).toBe(0);
    for (const name of Object.keys(FIVE)) expect(await revisionOf(sim.url, name)).toBe(`${name}:1`);
    expect(await heldLocks(sim.url, ['service:prod/auth', 'service:prod/worker'])).toEqual([]);

    const good = await runCli(
      sim.url,
      ['deploy', '--release', releaseFile({ auth: {}, mail: { deps: ['auth'] } }, {}, join(ROOT, TEMPLATE))],
      { cwd }
    );
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^status=succeeded$/m);
    expect(await revisionOf(sim.url, 'mail')).toBe('mail:2');
    // The dead deploy's keys are taken over one by one, each after a lease (10 s here) of silence.
  }, 150_000);

  test('one service of the release locked by another run: the release waits, then gives up with nothing changed and no lock left', async () => {
    const db = new DynamoDBClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' },
      maxAttempts: 1
    });
    await db.send(
      new CreateTableCommand({
        TableName: 'ecs-rollout-locks',
        KeySchema: [{ AttributeName: 'LockKey', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'LockKey', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST'
      })
    );
    const item = {
      LockKey: { S: 'service:prod/worker' },
      Owner: { S: 'other-run' },
      Holder: { S: 'another workflow run' },
      Version: { S: 'v1' },
      LeaseMs: { N: '600000' }
    };
    for (let i = 0; i < 50; i++) {
      try {
        await db.send(new PutItemCommand({ TableName: 'ecs-rollout-locks', Item: item }));
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100)); // the table is still being created
      }
    }
    db.destroy();
    const run = await runAction({ endpoint: sim.url, inputs: { release: releaseFile(FIVE, {}, TEMPLATE, { 'lock-timeout': '1s' }) } });
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
    expect(run.outputs.reason).toMatch(/deployment lock service:prod\/worker is held by another workflow run.*Nothing was changed/);
    expect(sim.calls({ operation: 'UpdateService' }).filter((c) => c.accessKeyId !== 'SIMSEED')).toEqual([]);
    expect(await heldLocks(sim.url, ['service:prod/auth', 'service:prod/front', 'service:prod/jobs', 'service:prod/mail'])).toEqual([]);
    expect(await heldLocks(sim.url, ['service:prod/worker'])).toEqual(['service:prod/worker']);
  });

  test('a bad release file changes nothing and names every problem', async () => {
    const file = releaseFile({ auth: { extra: { 'poll-intervall': '1s' } }, worker: { deps: ['authh'] } });
    const run = await runAction({ endpoint: sim.url, inputs: { release: file } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.log).toMatch(/unknown key "poll-intervall" in service auth \(did you mean "poll-interval"\?\)/);
    expect(run.log).toMatch(/depends on authh, which is not a service of this release \(did you mean auth\?\)/);
    expect(sim.calls({ service: 'ecs' }).filter((c) => /^(Update|Register)/.test(c.operation) && c.accessKeyId !== 'SIMSEED')).toEqual([]);
  });
});
