/**
 * The bundled CLI's housekeeping commands against the local ECS: rollback on demand (rolling
 * and blue/green), revisions and deregister, checked by the state they leave (the revision a
 * service runs, the listener's weights, the revisions still ACTIVE).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeregisterTaskDefinitionCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { ROOT } from '../../scripts/run-action.js';
import { startSim, type Sim } from '../../sim/server.js';
import { webBlueGreenInputs } from '../../sim/seed.js';
import { VARS, clients, revisionOf, runCli, weights, type CliRun } from './sim-helpers.js';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
});
afterAll(async () => {
  await sim.close();
});

const cli = (args: string[], cwd = mkdtempSync(join(tmpdir(), 'cli-rb-'))): Promise<CliRun> => runCli(sim.url, args, { cwd });
const template = ['--task-definition', join(ROOT, 'examples/web.taskdef.json'), '--vars', VARS];
const fast = ['--poll-interval', '200ms'];
const rolling = ['--cluster', 'prod', '--service', 'web'];
const bakes = ['--step-bake', '300ms', '--final-bake', '300ms', '--termination-wait', '300ms', '--traffic-steps', '50,100'];
const blueGreen = (): string[] => Object.entries(webBlueGreenInputs(sim.scenario!)).flatMap(([k, v]) => [`--${k}`, v]);

/** The one JSON object a --json run prints, failing the test if stdout holds anything else. */
function json(run: CliRun): Record<string, unknown> {
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

const short = (arn: unknown): string => String(arn).split('/').pop() ?? '';

async function activeRevisions(family: string): Promise<string[]> {
  const out = await clients(sim.url).ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, maxResults: 100 }));
  return (out.taskDefinitionArns ?? []).map(short);
}

async function deployed(tag: string, extra: string[] = rolling): Promise<string> {
  const r = await cli(['deploy', ...template, '--vars', `tag=${tag}`, ...extra, ...fast, '--json']);
  expect(r.stderr).not.toMatch(/^error/m);
  expect(r.status).toBe(0);
  return short(json(r)['task-definition-arn']);
}

describe('rollback on demand (rolling)', () => {
  test('goes back to the revision the service ran before, through a gated deployment; again goes one further back', async () => {
    const first = await revisionOf(sim.url, 'web');
    const good = await deployed('rb-good');
    const bad = await deployed('rb-bad');
    expect(await revisionOf(sim.url, 'web')).toBe(bad);

    const dir = mkdtempSync(join(tmpdir(), 'cli-rb-'));
    const r = await cli(['rollback', ...rolling, ...fast, '--json'], dir);
    expect(r.stderr).toMatch(new RegExp(`Rolling back: ${bad} → ${good}`));
    expect(r.status).toBe(0);
    const out = json(r);
    expect(out).toMatchObject({ status: 'succeeded', 'exit-code': 0 });
    expect(short(out['rollback-from'])).toBe(bad);
    expect(short(out['rollback-to'])).toBe(good);
    expect(short(out['task-definition-arn'])).toBe(good);
    expect(await revisionOf(sim.url, 'web')).toBe(good);
    // Deployed as it is: no revision was registered for the rollback.
    expect(out['task-definition-reused']).toBe('true');
    // Its state file is gone once it succeeded, like a deploy's.
    expect(readdirSync(join(dir, '.ecs-rollout'))).toEqual([]);

    // "Previous" is older than what runs, so a second rollback does not bring the bad release back.
    const again = await cli(['rollback', ...rolling, ...fast]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^status=succeeded$/m);
    expect(again.stdout).toMatch(new RegExp(`^rollback-to=.*/${first}$`, 'm'));
    expect(await revisionOf(sim.url, 'web')).toBe(first);
  });

  test('--deregister deregisters the revision rolled back from', async () => {
    const before = await deployed('rb-dereg-a');
    const from = await deployed('rb-dereg-b');
    const r = await cli(['rollback', ...rolling, ...fast, '--deregister']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^deregistered=.*/${from}$`, 'm'));
    expect(await revisionOf(sim.url, 'web')).toBe(before);
    expect(await activeRevisions('web')).not.toContain(from);
  });

  test('after a deploy that rolled itself back (its state file left behind), rollback still goes back on demand', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-rb-'));
    const good = await deployed('rb-left-a');
    const current = await deployed('rb-left-b');
    const failed = await cli(['deploy', ...template, '--vars', 'tag=rb-left-crash', ...rolling, ...fast], dir);
    expect(failed.status).toBe(1);
    expect(await revisionOf(sim.url, 'web')).toBe(current);
    expect(readdirSync(join(dir, '.ecs-rollout'))).toHaveLength(1);

    const r = await cli(['rollback', ...rolling, ...fast], dir);
    expect(r.stderr).toMatch(/nothing was left to finish in the recorded state; rolling back on demand/);
    expect(r.status).toBe(0);
    expect(await revisionOf(sim.url, 'web')).toBe(good);
    expect(readdirSync(join(dir, '.ecs-rollout'))).toEqual([]);
  });

  test('a previous revision deregistered by hand is skipped (ECS would refuse it): back to the one that ran before it', async () => {
    const older = await deployed('rb-inactive-a');
    const previous = await deployed('rb-inactive-b');
    await deployed('rb-inactive-c');
    await clients(sim.url).ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: previous }));
    const r = await cli(['rollback', ...rolling, ...fast]);
    expect(r.stderr).toMatch(new RegExp(`${previous}, which service web ran before, is INACTIVE \\(deregistered\\): looking further back`));
    expect(r.status).toBe(0);
    expect(await revisionOf(sim.url, 'web')).toBe(older);
  });

  test('a service that is not there is a flag problem: exit 2, naming --service, nothing changed', async () => {
    const r = await cli(['rollback', '--cluster', 'prod', '--service', 'nope', '--json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/service nope not found in cluster prod .*check --service, --cluster and --region; nothing was changed/);
    expect(json(r)).toMatchObject({ status: 'failed', 'exit-code': 2 });
  });

  test('without a target and with no state file there is nothing to do, and it says how to roll back on demand', async () => {
    const r = await cli(['rollback']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/pass --cluster and --service \(or the blue\/green inputs\)/);
  });
});

describe('rollback on demand (blue/green)', () => {
  test('shifts traffic back to the idle colour that still runs the older revision, gated and verified', async () => {
    const sc = sim.scenario!;
    const listener = sc.listeners['web-alb:80'];
    const before = await revisionOf(sim.url, 'web-blue');
    expect(await weights(sim.url, listener)).toMatchObject({ 'web-blue': 100, 'web-green': 0 });
    const released = await deployed('rb-bg', [...blueGreen(), ...bakes]);
    expect(await weights(sim.url, listener)).toMatchObject({ 'web-blue': 0, 'web-green': 100 });
    expect(await revisionOf(sim.url, 'web-green')).toBe(released);

    const r = await cli(['rollback', ...blueGreen(), ...bakes, ...fast, '--json']);
    expect(r.status).toBe(0);
    const out = json(r);
    expect(out).toMatchObject({ status: 'succeeded', 'live-service': 'web-blue' });
    expect(short(out['rollback-to'])).toBe(before);
    expect(await weights(sim.url, listener)).toMatchObject({ 'web-blue': 100, 'web-green': 0 });
    expect(await revisionOf(sim.url, 'web-blue')).toBe(before);
    // Shifted in the steps asked for, each verified.
    expect(r.stderr).toMatch(/50 %/);

    // revisions shows the colours and their shares of the traffic (strategy is not one of its flags).
    const where = blueGreen().filter((_, i, all) => all[i] !== '--strategy' && all[i - 1] !== '--strategy');
    const listed = await cli(['revisions', ...where]);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${before}\\s+ACTIVE\\s+.*blue web-blue \\(PRIMARY, 2/2 running, 100 % of traffic\\)`, 'm'));
    expect(listed.stdout).toMatch(
      new RegExp(`^${released}\\s+ACTIVE\\s+.*green web-green \\(PRIMARY, 0/0 running, 0 % of traffic\\)`, 'm')
    );

    // Now the idle colour holds the newer release: there is nothing older to go back to.
    const again = await cli(['rollback', ...blueGreen(), ...bakes, ...fast]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/holds no older revision of the same family to go back to .*nothing was changed/);
    expect(await weights(sim.url, listener)).toMatchObject({ 'web-blue': 100, 'web-green': 0 });
  });
});

describe('rollback on demand is gated like a deploy', () => {
  test('blue/green: an alarm in ALARM stops the rollback before any traffic moves; production stays where it was', async () => {
    const listener = sim.scenario!.listeners['web-alb:80'];
    const live = await deployed('rb-gated', [...blueGreen(), ...bakes]);
    const liveName = (await weights(sim.url, listener))['web-green'] === 100 ? 'web-green' : 'web-blue';
    expect(await revisionOf(sim.url, liveName)).toBe(live);
    const before = await weights(sim.url, listener);

    // A user's alarm on a metric nobody publishes: with TreatMissingData ignore the state set here holds.
    const { cw } = clients(sim.url);
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'rb-checkout-errors',
        Namespace: 'Acme/Web',
        MetricName: 'CheckoutErrors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'ignore'
      })
    );
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'rb-checkout-errors', StateValue: 'ALARM', StateReason: 'set by the test' }));

    const r = await cli([
      'rollback',
      ...blueGreen(),
      ...bakes,
      ...fast,
      '--alarms',
      'rb-checkout-errors',
      '--alarm-mode',
      'strict',
      '--json'
    ]);
    expect(r.status).toBe(1);
    expect(json(r)).toMatchObject({ 'exit-code': 1 });
    expect(String(json(r).reason)).toMatch(/rb-checkout-errors/);
    expect(await weights(sim.url, listener)).toEqual(before);
    expect(await revisionOf(sim.url, liveName)).toBe(live);
  });
});

describe('revisions and deregister', () => {
  test('revisions lists the family newest first with who runs each and the rollback target', async () => {
    const r = await cli(['revisions', '--cluster', 'prod', '--service', 'web']);
    expect(r.status).toBe(0);
    const web = await revisionOf(sim.url, 'web');
    expect(r.stdout).toMatch(new RegExp(`^${web}\\s+ACTIVE\\s+.*\\bweb \\(PRIMARY, \\d+/\\d+ running\\)`, 'm'));
    expect(r.stdout).toMatch(/web-(blue|green) \(PRIMARY, 2\/2 running\)/);
    expect(r.stdout).toMatch(/rollback target of web\b/);
    const listed = [...r.stdout.matchAll(/^web:(\d+)/gm)].map((m) => Number(m[1]));
    expect(listed).toEqual([...listed].sort((a, b) => b - a));

    // A family whose name starts with another's is its own: ListTaskDefinitions takes the whole family name.
    const worker = await cli(['register', ...template, '--vars', 'tag=rb-worker', '--family', 'web-worker']);
    expect(worker.status).toBe(0);
    const workers = json(await cli(['revisions', '--family', 'web-worker', '--cluster', 'prod', '--json']));
    expect((workers.revisions as Array<{ arn: string; usedBy: unknown[] }>).map((x) => [short(x.arn), x.usedBy])).toEqual([
      ['web-worker:1', []]
    ]);

    const asJson = json(await cli(['revisions', '--family', 'web', '--cluster', 'prod', '--json']));
    expect(asJson.family).toBe('web');
    expect((asJson.revisions as Array<{ arn: string }>).map((x) => short(x.arn))).toEqual(listed.map((n) => `web:${n}`));
  });

  test('deregister --keep N keeps the newest N, every revision in use and every rollback target; --dry-run changes nothing', async () => {
    const before = await activeRevisions('web');
    const inUse = new Set([
      await revisionOf(sim.url, 'web'),
      await revisionOf(sim.url, 'web-blue'),
      await revisionOf(sim.url, 'web-green')
    ]);
    const dry = await cli(['deregister', '--family', 'web', '--cluster', 'prod', '--keep', '1', '--dry-run', '--json']);
    expect(dry.status).toBe(0);
    const plan = json(dry);
    const would = (plan['would-deregister'] as string[]).map(short);
    expect(would.length).toBeGreaterThan(0);
    expect(await activeRevisions('web')).toEqual(before);

    const kept = (plan.kept as Array<{ arn: string; why: string }>).map((k) => short(k.arn));
    const rollbackTargets = (plan.kept as Array<{ arn: string; why: string }>)
      .filter((k) => /rollback target of web\b/.test(k.why))
      .map((k) => short(k.arn));
    expect(rollbackTargets.length).toBeGreaterThan(0);
    for (const r of inUse) expect(kept).toContain(r);
    expect(kept).toContain(before[before.length - 1]);

    const real = await cli(['deregister', '--family', 'web', '--cluster', 'prod', '--keep', '1']);
    expect(real.status).toBe(0);
    const after = await activeRevisions('web');
    expect(after.sort()).toEqual(kept.sort());
    for (const gone of would) expect(after).not.toContain(gone);

    // What was kept is what a rollback needs: it still works.
    const r = await cli(['rollback', ...rolling, ...fast]);
    expect(r.status).toBe(0);
    expect(rollbackTargets).toContain(await revisionOf(sim.url, 'web'));
  });

  test.each([
    [['deregister', '--family', 'web', '--cluster', 'prod'], /--keep is required \(say how many/],
    [['deregister', '--family', 'web:3', '--keep', '2'], /--family is "web:3", not a task definition family/],
    [['revisions', '--cluster', 'prod'], /no family to look at \(pass --family FAMILY, or --service/],
    [['revisions', '--cluster', 'prod', '--cluster', 'other', '--service', 'web'], /--cluster is given 2 times with --service/]
  ])('%j exits 2 naming the flag and the fix', async (argv, message) => {
    const r = await cli(argv);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });
});
