import { describe, expect, it } from '@jest/globals';
import type { Deployment, Service } from '@aws-sdk/client-ecs';
import {
  InconclusiveTracker,
  analyseAlarms,
  analyseService,
  analyseServingService,
  analyseServingTargets,
  analyseTargets,
  combineResults,
  holdInconclusive,
  metricValue,
  type AlarmObservation,
  type TargetObservation
} from '../../src/gates/analysis.js';
import type { GateResult } from '../../src/gates/types.js';

const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:8';
const OLD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7';

describe('analyseService', () => {
  const dep = (d: Partial<Deployment>): Deployment => ({
    status: 'PRIMARY',
    taskDefinition: TD,
    desiredCount: 2,
    runningCount: 2,
    rolloutState: 'COMPLETED',
    ...d
  });
  const svc = (deployments: Deployment[], extra: Partial<Service> = {}): Service => ({
    serviceName: 'web-green',
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    deployments,
    ...extra
  });
  it.each<[string, Service, GateResult['phase'], RegExp]>([
    ['steady on the new revision', svc([dep({})]), 'pass', /service web-green is steady on web:8 \(2 of 2 running\)/],
    ['ARN and family:revision forms compare equal', svc([dep({ taskDefinition: 'web:8' })]), 'pass', /steady/],
    [
      'still starting',
      svc([dep({ runningCount: 1, failedTasks: 1 })]),
      'inconclusive',
      /1 of 2 tasks of web:8 running, 1 task failed to start so far/
    ],
    [
      'old deployment still draining',
      svc([dep({}), dep({ status: 'ACTIVE', taskDefinition: OLD, runningCount: 1 })]),
      'inconclusive',
      /still draining web:7 \(1 running\)/
    ],
    [
      'ECS rolled back (PRIMARY on the old revision)',
      svc([dep({ taskDefinition: OLD })]),
      'fail',
      /runs web:7, not web:8: ECS rolled back/
    ],
    [
      'deployment failed',
      svc([dep({ rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' })]),
      'fail',
      /the deployment of web:8 failed: ECS deployment circuit breaker/
    ],
    ['desired 0', svc([dep({ desiredCount: 0, runningCount: 0 })], { desiredCount: 0 }), 'fail', /wants 0 tasks/],
    ['service draining', svc([dep({})], { status: 'DRAINING' }), 'fail', /service web-green is DRAINING/],
    ['no deployment yet', svc([]), 'inconclusive', /no PRIMARY deployment/]
  ])('%s → %s', (_name, service, phase, reason) => {
    const r = analyseService(service, TD);
    expect(r.phase).toBe(phase);
    expect(r.reason).toMatch(reason);
  });
});

describe('analyseTargets', () => {
  const t = (id: string, state: string, reason?: string, description?: string): TargetObservation => ({
    id,
    state,
    ...(reason ? { reason } : {}),
    ...(description ? { description } : {})
  });
  const mismatch = ['Target.ResponseCodeMismatch', 'Health checks failed with these codes: [500]'] as const;
  it.each<[string, TargetObservation[], number, GateResult['phase'], string | RegExp]>([
    [
      'all healthy, count matches',
      [t('10.0.0.1:80', 'healthy'), t('10.0.0.2:80', 'healthy')],
      2,
      'pass',
      'all 2 targets in web-green healthy'
    ],
    [
      'unhealthy targets, grouped by cause',
      [t('10.0.0.1:80', 'unhealthy', ...mismatch), t('10.0.0.2:80', 'unhealthy', ...mismatch)],
      2,
      'fail',
      '2 of 2 targets in web-green unhealthy: Target.ResponseCodeMismatch — Health checks failed with these codes: [500] (10.0.0.1:80, 10.0.0.2:80)'
    ],
    [
      'two different causes',
      [t('a:80', 'unhealthy', 'Target.Timeout', 'Request timed out'), t('b:80', 'unhealthy', ...mismatch), t('c:80', 'healthy')],
      3,
      'fail',
      /^2 of 3 targets .*Target.Timeout — Request timed out \(a:80\); Target.ResponseCodeMismatch .*\(b:80\)$/
    ],
    [
      'unavailable fails',
      [t('a:80', 'unavailable', 'Elb.InternalError')],
      1,
      'fail',
      /unhealthy or unavailable: Elb.InternalError \(a:80\)/
    ],
    [
      'initial is inconclusive',
      [t('a:80', 'initial', 'Elb.InitialHealthChecking'), t('b:80', 'healthy')],
      2,
      'inconclusive',
      /1 of 2 targets in web-green still initial: Elb.InitialHealthChecking \(a:80\)/
    ],
    [
      'fewer healthy than running tasks',
      [t('a:80', 'healthy')],
      2,
      'inconclusive',
      'web-green has 1 healthy target, the service runs 2 tasks'
    ],
    [
      'draining and unused are ignored for the count but mentioned',
      [t('a:80', 'healthy'), t('b:80', 'draining', 'Target.DeregistrationInProgress'), t('c:80', 'unused', 'Target.NotInUse')],
      1,
      'pass',
      'all 1 target in web-green healthy (also 1 draining, 1 unused)'
    ],
    ['an empty group while tasks run', [], 2, 'inconclusive', /has 0 healthy targets, the service runs 2 tasks/],
    ['no tasks yet', [], 0, 'inconclusive', /runs no tasks yet/]
  ])('%s → %s', (_name, targets, expected, phase, reason) => {
    const r = analyseTargets(targets, expected, 'web-green');
    expect(r.phase).toBe(phase);
    if (typeof reason === 'string') expect(r.reason).toBe(reason);
    else expect(r.reason).toMatch(reason);
  });
});

describe('a service and target group that receive traffic', () => {
  const t = (id: string, state: string, reason?: string): TargetObservation => ({ id, state, ...(reason ? { reason } : {}) });
  it.each<[string, TargetObservation[], GateResult['phase'], RegExp]>([
    // Its tasks were OOM-killed: the replacements still start while the load balancer answers 503.
    [
      'no healthy target left: fails at once',
      [t('a:80', 'draining'), t('b:80', 'draining'), t('c:80', 'initial', 'Elb.InitialHealthChecking')],
      'fail',
      /no healthy target in web-green while it receives traffic: Elb.InitialHealthChecking \(c:80\)/
    ],
    ['one healthy target left: held like any start', [t('a:80', 'healthy'), t('c:80', 'initial')], 'inconclusive', /still initial/],
    ['nothing registered yet: as before', [], 'inconclusive', /no tasks yet|0 healthy targets/]
  ])('%s', (_name, targets, phase, reason) => {
    const r = analyseServingTargets(targets, targets.length ? 2 : 0, 'web-green');
    expect(r.phase).toBe(phase);
    expect(r.reason).toMatch(reason);
    // The same targets before any traffic moves only hold.
    if (phase === 'fail') expect(analyseTargets(targets, 2, 'web-green').phase).toBe('inconclusive');
  });

  it('a serving service with none of its tasks running fails at once; one still running holds', () => {
    const svc = (running: number): Service => ({
      serviceName: 'web',
      status: 'ACTIVE',
      desiredCount: 2,
      deployments: [
        { status: 'PRIMARY', taskDefinition: TD, desiredCount: 2, runningCount: running, failedTasks: 2, rolloutState: 'COMPLETED' }
      ]
    });
    expect(analyseServingService(svc(0), TD)).toEqual({
      phase: 'fail',
      reason: 'service web runs none of its 2 tasks of web:8 while it serves traffic (2 tasks failed so far)'
    });
    expect(analyseService(svc(0), TD).phase).toBe('inconclusive');
    expect(analyseServingService(svc(1), TD).phase).toBe('inconclusive');
  });
});

describe('analyseAlarms', () => {
  const START = Date.UTC(2024, 4, 1, 12, 0, 0);
  const reasonData = JSON.stringify({ version: '1.0', statistic: 'Average', period: 60, recentDatapoints: [71.5, 95.24], threshold: 80.0 });
  const alarm = (name: string, state: string, extra: Partial<AlarmObservation> = {}): AlarmObservation => ({
    name,
    type: 'metric',
    state,
    updatedAt: START,
    ...extra
  });
  const firing = alarm('web-cpu', 'ALARM', {
    reason: 'Threshold Crossed: 1 out of the last 1 datapoints [95.24 (01/05/24 12:04:00)] was greater than the threshold (80.0)',
    reasonData,
    updatedAt: START + 240_000
  });

  it.each<[string, AlarmObservation[], Parameters<typeof analyseAlarms>[2], 'transitions' | 'strict', GateResult['phase'], RegExp]>([
    ['all OK', [alarm('web-cpu', 'OK'), alarm('web-5xx', 'OK')], {}, 'transitions', 'pass', /^all 2 alarms OK$/],
    [
      'ALARM names the alarm, its reason and the value',
      [firing],
      { 'web-cpu': { state: 'OK', updatedAt: START } },
      'transitions',
      'fail',
      /^alarm web-cpu is ALARM: Threshold Crossed: .* \(latest value 95.24, threshold 80\)$/
    ],
    ['a temporary alarm with no baseline fails on ALARM', [firing], {}, 'transitions', 'fail', /^alarm web-cpu is ALARM/],
    [
      'pre-existing ALARM, no transition since the start (transitions): reported, not a failure',
      [alarm('web-cpu', 'ALARM', { updatedAt: START })],
      { 'web-cpu': { state: 'ALARM', updatedAt: START } },
      'transitions',
      'pass',
      /alarm web-cpu has been in ALARM since before the deployment started \(alarm-mode transitions: it fails only if it fires again\)/
    ],
    [
      'pre-existing ALARM that transitioned again after the start (transitions): fails',
      [firing],
      { 'web-cpu': { state: 'ALARM', updatedAt: START } },
      'transitions',
      'fail',
      /alarm web-cpu is ALARM \(fired again after the deployment started\)/
    ],
    [
      'pre-existing ALARM in strict mode: fails',
      [alarm('web-cpu', 'ALARM', { updatedAt: START, reason: 'r' })],
      { 'web-cpu': { state: 'ALARM', updatedAt: START } },
      'strict',
      'fail',
      /alarm web-cpu is ALARM \(already in ALARM at the start; alarm-mode strict\): r/
    ],
    [
      'a failure elsewhere still reports the pre-existing one',
      [alarm('old', 'ALARM'), { ...firing, name: 'new' }],
      { old: { state: 'ALARM', updatedAt: START } },
      'transitions',
      'fail',
      /^alarm new is ALARM.*; alarm old has been in ALARM since before/
    ],
    [
      'INSUFFICIENT_DATA is inconclusive',
      [alarm('web-cpu', 'INSUFFICIENT_DATA', { reason: 'Unchecked: Initial alarm creation' })],
      {},
      'transitions',
      'inconclusive',
      /^alarm web-cpu has INSUFFICIENT_DATA \(Unchecked: Initial alarm creation\)$/
    ],
    [
      'ALARM beats INSUFFICIENT_DATA',
      [alarm('a', 'INSUFFICIENT_DATA'), { ...firing, name: 'b' }],
      {},
      'transitions',
      'fail',
      /^alarm b is ALARM/
    ],
    [
      'composite alarm in ALARM',
      [
        {
          name: 'web-health',
          type: 'composite',
          state: 'ALARM',
          reason: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-5xx transitioned to ALARM'
        }
      ],
      {},
      'transitions',
      'fail',
      /^composite alarm web-health is ALARM: arn:.*web-5xx transitioned to ALARM$/
    ]
  ])('%s', (_name, observed, baseline, mode, phase, reason) => {
    const r = analyseAlarms(
      observed.map((a) => a.name),
      observed,
      baseline,
      mode
    );
    expect(r.phase).toBe(phase);
    expect(r.reason).toMatch(reason);
  });

  it('a watched alarm that disappeared fails', () => {
    expect(analyseAlarms(['web-cpu'], [], {}, 'transitions')).toEqual({
      phase: 'fail',
      reason: 'alarm web-cpu no longer exists: it was deleted during the deployment'
    });
  });

  it.each([
    [JSON.stringify({ evaluatedDatapoints: [{ timestamp: 't', value: 91.123 }], threshold: 90 }), 'latest value 91.12, threshold 90'],
    ['not json', undefined],
    [JSON.stringify({ foo: 1 }), undefined]
  ])('metricValue(%s) → %s', (data, text) => expect(metricValue(data)).toBe(text));
});

describe('InconclusiveTracker', () => {
  const i: GateResult = { phase: 'inconclusive', reason: 'alarm web-cpu has INSUFFICIENT_DATA' };
  it('holds up to the limit, then fails by default', () => {
    const tracker = new InconclusiveTracker({ limit: 3, decide: 'fail' });
    expect(tracker.apply(i)).toEqual({ phase: 'inconclusive', reason: 'alarm web-cpu has INSUFFICIENT_DATA (inconclusive 1 of 3)' });
    expect(tracker.apply(i).phase).toBe('inconclusive');
    expect(tracker.apply(i)).toEqual({ phase: 'fail', reason: 'inconclusive for 3 checks (limit 3): alarm web-cpu has INSUFFICIENT_DATA' });
  });
  it('on-inconclusive pass lets it through, saying so', () => {
    const tracker = new InconclusiveTracker({ limit: 1, decide: 'pass' });
    expect(tracker.apply(i)).toEqual({
      phase: 'pass',
      reason: 'inconclusive for 1 check (limit 1): alarm web-cpu has INSUFFICIENT_DATA; passing because on-inconclusive is pass'
    });
  });
  it('a conclusive result resets the count', () => {
    const tracker = new InconclusiveTracker({ limit: 2, decide: 'fail' });
    tracker.apply(i);
    expect(tracker.apply({ phase: 'pass', reason: 'ok' })).toEqual({ phase: 'pass', reason: 'ok' });
    expect(tracker.apply(i).phase).toBe('inconclusive');
  });
  it('holdInconclusive wraps a gate', async () => {
    const gate = holdInconclusive({ name: 'alarms', check: async () => i }, { limit: 2, decide: 'fail' });
    expect(gate.name).toBe('alarms');
    expect((await gate.check()).phase).toBe('inconclusive');
    expect((await gate.check()).phase).toBe('fail');
  });
});

describe('combineResults', () => {
  const r = (phase: GateResult['phase'], reason: string) => ({ gate: reason, result: { phase, reason } });
  it.each<[string, ReturnType<typeof r>[], GateResult]>([
    ['all pass', [r('pass', 'a'), r('pass', 'b')], { phase: 'pass', reason: 'a; b' }],
    ['inconclusive holds', [r('pass', 'a'), r('inconclusive', 'b')], { phase: 'inconclusive', reason: 'b' }],
    ['fail wins', [r('inconclusive', 'a'), r('fail', 'b'), r('fail', 'c')], { phase: 'fail', reason: 'b; c' }]
  ])('%s', (_n, results, expected) => expect(combineResults(results)).toEqual(expected));
});
