/**
 * The local ECS's deployment dynamics, driven through its handlers on a hand-cranked
 * clock: rolling updates, the circuit breaker and its rollback, ELB health checks,
 * alarm-based rollback, and the events a user reads when something goes wrong.
 */
import { describe, expect, test } from '@jest/globals';
import { NETWORK, TG, harness } from './ecs-harness.js';

const MINUTE = 60_000;

interface Deployment {
  id: string;
  status: string;
  taskDefinition: string;
  rolloutState: string;
  rolloutStateReason: string;
  failedTasks: number;
  runningCount: number;
  desiredCount: number;
}

describe('rolling deployment', () => {
  test('a good release completes on the new revision with one deployment and says so once', () => {
    const h = harness();
    h.steadyWeb();
    const v2 = h.registerWeb('app:v2');
    const before = h.messages().filter((m) => m.endsWith('has reached a steady state.')).length;
    const oldTasks = h.call('ListTasks', { cluster: 'prod', serviceName: 'web' }).taskArns as string[];

    const updated = h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' }).service;
    expect(updated.deployments).toHaveLength(2);
    const primary = updated.deployments[0] as Deployment;
    expect(primary).toMatchObject({ status: 'PRIMARY', taskDefinition: v2.taskDefinitionArn, rolloutState: 'IN_PROGRESS' });
    expect(primary.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(primary.rolloutStateReason).toBe(`ECS deployment ${primary.id} in progress.`);
    expect(updated.deployments[1].status).toBe('ACTIVE');

    h.until(() => h.describe().deployments.length === 1, 10 * MINUTE, 'rollout');
    const svc = h.describe();
    expect(svc.taskDefinition).toBe(v2.taskDefinitionArn);
    expect(svc.deployments[0]).toMatchObject({
      id: primary.id,
      rolloutState: 'COMPLETED',
      rolloutStateReason: `ECS deployment ${primary.id} completed.`,
      runningCount: 2
    });
    expect(svc.runningCount).toBe(2);

    h.advance(2 * MINUTE);
    const messages = h.messages();
    expect(messages.filter((m) => m.endsWith('has reached a steady state.')).length).toBe(before + 1);
    expect(messages).toContain(`(service web) (deployment ${primary.id}) deployment completed.`);
    expect(messages.some((m) => /^\(service web\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/.test(m))).toBe(true);
    expect(messages).toContain(`(service web) registered 1 targets in (target-group ${TG})`);
    expect(messages).toContain(`(service web) deregistered 1 targets in (target-group ${TG})`);
    expect(messages.some((m) => /^\(service web\) has begun draining connections on \d tasks\.$/.test(m))).toBe(true);
    expect(messages.some((m) => m.startsWith('(service web) has stopped 1 running tasks: (task '))).toBe(true);
    // Newest first.
    expect(messages[0]).toBe('(service web) has reached a steady state.');

    const stopped = h.call('DescribeTasks', { cluster: 'prod', tasks: oldTasks }).tasks;
    for (const t of stopped) {
      expect(t).toMatchObject({
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: `Scaling activity initiated by (deployment ${primary.id})`
      });
    }
  });

  test('one jump of the clock is caught up as if the time had passed second by second', () => {
    const h = harness();
    h.steadyWeb();
    const v2 = h.registerWeb('app:v2');
    h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
    const jumpedFrom = h.now();
    h.advance(10 * MINUTE);
    const svc = h.describe();
    expect(svc.deployments).toHaveLength(1);
    expect(svc.taskDefinition).toBe(v2.taskDefinitionArn);
    const tasks = h.call('DescribeTasks', {
      cluster: 'prod',
      tasks: h.call('ListTasks', { cluster: 'prod', serviceName: 'web' }).taskArns
    }).tasks;
    for (const t of tasks) expect(t.startedAt.getTime() - jumpedFrom).toBeLessThan(MINUTE);
  });

  test('never drops below minimumHealthyPercent of healthy tasks while replacing them', () => {
    const h = harness();
    h.steadyWeb();
    h.registerWeb('app:v2');
    h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
    let lowest = Infinity;
    h.until(() => {
      const running = h.describe().deployments.reduce((n: number, d: Deployment) => n + d.runningCount, 0);
      lowest = Math.min(lowest, running);
      return h.describe().deployments.length === 1;
    }, 10 * MINUTE);
    expect(lowest).toBeGreaterThanOrEqual(2);
  });

  test('a desiredCount-only update scales the current deployment without a new one', () => {
    const h = harness();
    h.steadyWeb();
    const id = h.describe().deployments[0].id;
    const out = h.call('UpdateService', { cluster: 'prod', service: 'web', desiredCount: 3 }).service;
    expect(out.deployments).toHaveLength(1);
    expect(out.deployments[0].id).toBe(id);
    expect(out.desiredCount).toBe(3);
    h.until(() => h.describe().runningCount === 3, 3 * MINUTE, 'scale out');
    expect(h.describe().deployments.map((d: Deployment) => d.id)).toEqual([id]);
  });

  test('forceNewDeployment starts a new deployment on the same revision', () => {
    const h = harness();
    const { v1 } = h.steadyWeb();
    const out = h.call('UpdateService', { cluster: 'prod', service: 'web', forceNewDeployment: true }).service;
    expect(out.deployments).toHaveLength(2);
    expect(out.deployments[0].taskDefinition).toBe(v1.taskDefinitionArn);
    h.until(() => h.describe().deployments.length === 1, 10 * MINUTE);
  });
});

describe('circuit breaker', () => {
  test('a crashing release trips the breaker and ECS rolls back to the last completed deployment', () => {
    const h = harness();
    const { v1 } = h.steadyWeb();
    const completedId = h.describe().deployments[0].id;
    h.registerWeb('app:v2-crash');
    const failedId = h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' }).service.deployments[0].id;

    // Watch the way a poller would: the failed deployment is visible as FAILED while the rollback runs.
    let sawFailed: Deployment | undefined;
    let sawRollback: Deployment | undefined;
    h.until(
      () => {
        const deployments = h.describe().deployments as Deployment[];
        sawFailed ??= deployments.find((d) => d.id === failedId && d.rolloutState === 'FAILED');
        sawRollback ??= deployments.find((d) => d.status === 'PRIMARY' && d.id !== failedId && d.rolloutState === 'IN_PROGRESS');
        return deployments.length === 1 && deployments[0].rolloutState === 'COMPLETED';
      },
      15 * MINUTE,
      'rollback'
    );
    expect(sawFailed).toMatchObject({ status: 'ACTIVE', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' });
    expect(sawFailed!.failedTasks).toBeGreaterThanOrEqual(3);
    expect(sawRollback).toMatchObject({
      taskDefinition: v1.taskDefinitionArn,
      rolloutStateReason: `ECS deployment circuit breaker: rolling back to deploymentId ${completedId}.`
    });

    const svc = h.describe();
    expect(svc.taskDefinition).toBe(v1.taskDefinitionArn);
    expect(svc.runningCount).toBe(2);
    const messages = h.messages();
    expect(messages).toContain(`(service web) (deployment ${failedId}) deployment failed: tasks failed to start.`);
    expect(messages).toContain(`(service web) rolling back to deployment ${completedId}.`);

    const stoppedArns = h.call('ListTasks', { cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' }).taskArns;
    const ofFailed = (h.call('DescribeTasks', { cluster: 'prod', tasks: stoppedArns }).tasks as Record<string, any>[]).filter(
      (t) => t.startedBy === failedId
    );
    // The crashes tripped the breaker; tasks still starting then were stopped by the rollback.
    const crashed = ofFailed.filter((t) => t.stopCode === 'EssentialContainerExited');
    expect(crashed.length).toBeGreaterThanOrEqual(3);
    for (const t of crashed) {
      expect(t).toMatchObject({ stoppedReason: 'Essential container in task exited', group: 'service:web' });
      expect(t.containers[0]).toMatchObject({ name: 'app', exitCode: 1, lastStatus: 'STOPPED' });
    }
    for (const t of ofFailed.filter((x) => x.stopCode !== 'EssentialContainerExited')) {
      expect(t).toMatchObject({
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: expect.stringMatching(/^Scaling activity initiated by \(deployment ecs-svc\/\d+\)$/)
      });
    }
  });

  test.each([
    [1, 3],
    [10, 5],
    [500, 200]
  ])('the threshold for %i desired tasks is %i failed tasks', async (desired, threshold) => {
    const { circuitBreakerThreshold } = await import('../../sim/ecs/scheduler.js');
    expect(circuitBreakerThreshold(desired)).toBe(threshold);
  });

  test('without the circuit breaker a crashing release is replaced forever and never completes', () => {
    const h = harness();
    const { v1 } = h.steadyWeb({ deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false } } });
    h.registerWeb('app:v2-crash');
    h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
    h.advance(4 * MINUTE);
    const early = h.describe().deployments[0].failedTasks;
    h.advance(6 * MINUTE);
    const svc = h.describe();
    expect(svc.deployments).toHaveLength(2);
    expect(svc.deployments[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' });
    expect(svc.deployments[0].failedTasks).toBeGreaterThan(early);
    expect(early).toBeGreaterThanOrEqual(3);
    // The old revision keeps serving.
    expect(svc.deployments[1]).toMatchObject({ taskDefinition: v1.taskDefinitionArn, runningCount: 2 });
    // Its tasks reached RUNNING before they crashed: ECS's throttle logic never applies to them.
    expect(h.messages()).not.toContain('(service web) is unable to consistently start tasks successfully.');
  });

  test('the breaker counts consecutive failures: a task passing its health checks puts failedTasks back to 0', () => {
    // A 20-minute deregistration delay keeps the deployment IN_PROGRESS while the old tasks drain.
    const h = harness({ deregistrationDelaySeconds: 20 * 60 });
    h.steadyWeb();
    h.registerWeb('app:v2-memory-leak');
    const id = h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' }).service.deployments[0].id as string;
    // The leaking tasks pass their health checks, then are OOM-killed about 7 minutes after they started, twice over.
    const counts: number[] = [];
    for (let t = 0; t < 17 * MINUTE; t += 1000) {
      h.advance(1000);
      counts.push((h.describe().deployments as Deployment[]).find((x) => x.id === id)!.failedTasks);
    }
    const stopped = h.call('DescribeTasks', {
      cluster: 'prod',
      tasks: h.call('ListTasks', { cluster: 'prod', startedBy: id, desiredStatus: 'STOPPED' }).taskArns
    }).tasks as Record<string, any>[];
    expect(stopped.filter((t) => t.containers[0].exitCode === 137).length).toBeGreaterThanOrEqual(3);
    // Each kill shows (a poller sees the count rise), and the healthy replacements reset it before it reaches 3.
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...counts)).toBeLessThan(3);
    expect(counts.at(-1)).toBe(0);
    expect((h.describe().deployments as Deployment[]).find((x) => x.id === id)).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS'
    });
  });

  test('a failed deployment without rollback stays FAILED and launches nothing more', () => {
    const h = harness();
    h.steadyWeb({ deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } } });
    h.registerWeb('app:v2-crash');
    h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
    h.until(() => h.describe().deployments[0].rolloutState === 'FAILED', 10 * MINUTE, 'failure');
    // Tasks already starting when it failed still run their course.
    h.advance(MINUTE);
    const failed = h.describe().deployments[0].failedTasks;
    h.advance(5 * MINUTE);
    const svc = h.describe();
    expect(svc.deployments[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'FAILED', failedTasks: failed, runningCount: 0 });
    expect(svc.deployments[1].runningCount).toBe(2);
  });
});

describe('load balancer health', () => {
  test('targets failing health checks get their tasks stopped with the ELB reason, then ECS rolls back', () => {
    const h = harness();
    const { v1 } = h.steadyWeb();
    h.registerWeb('app:v2-unhealthy');
    const failedId = h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' }).service.deployments[0].id;
    h.until(() => h.describe().deployments.length === 1, 20 * MINUTE, 'rollback');
    expect(h.describe().taskDefinition).toBe(v1.taskDefinitionArn);

    const stopped = h.call('DescribeTasks', {
      cluster: 'prod',
      tasks: h.call('ListTasks', { cluster: 'prod', startedBy: failedId, desiredStatus: 'STOPPED' }).taskArns
    }).tasks as Record<string, any>[];
    const failedChecks = stopped.filter((t) => t.stoppedReason.startsWith('Task failed ELB'));
    expect(failedChecks.length).toBeGreaterThanOrEqual(3);
    for (const t of failedChecks)
      expect(t).toMatchObject({
        stoppedReason: `Task failed ELB health checks in (target-group ${TG})`,
        stopCode: 'ServiceSchedulerInitiated'
      });
    expect(h.messages()).toContain(
      `(service web) (port 8080) is unhealthy in (target-group ${TG}) due to (reason Health checks failed with these codes: [500]).`
    );
  });

  test('the health check grace period holds off ELB-driven stops', () => {
    const h = harness();
    h.steadyWeb({ healthCheckGracePeriodSeconds: 300 });
    h.registerWeb('app:v2-unhealthy');
    h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
    h.advance(3 * MINUTE);
    expect(h.describe().deployments[0].failedTasks).toBe(0);
    h.advance(4 * MINUTE);
    expect(h.describe().deployments.find((d: Deployment) => d.taskDefinition.endsWith(':2'))!.failedTasks).toBeGreaterThan(0);
  });

  test('service tasks are registered by IP on the container port', () => {
    const h = harness();
    h.steadyWeb();
    const arns = h.call('ListTasks', { cluster: 'prod', serviceName: 'web' }).taskArns;
    const tasks = h.call('DescribeTasks', { cluster: 'prod', tasks: arns }).tasks as Record<string, any>[];
    const ips = tasks.map((t) => t.attachments[0].details.find((d: { name: string }) => d.name === 'privateIPv4Address').value).sort();
    expect(h.elb.registrations.map((r) => r.id).sort()).toEqual(ips);
    expect(new Set(h.elb.registrations.map((r) => r.port))).toEqual(new Set([8080]));
  });
});

describe('alarm-based rollback', () => {
  test('an alarm going off during the deployment fails it and ECS rolls back', () => {
    const h = harness();
    const { v1 } = h.steadyWeb({
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true }
      }
    });
    const completedId = h.describe().deployments[0].id;
    h.alarms.set('web-5xx', 'OK');
    h.registerWeb('app:v2-http-5xx');
    const failedId = h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' }).service.deployments[0].id;
    h.advance(90_000);
    expect(h.describe().deployments[0].id).toBe(failedId);
    h.alarms.set('web-5xx', 'ALARM');
    h.advance(2000);
    const deployments = h.describe().deployments as Deployment[];
    expect(deployments[0]).toMatchObject({ status: 'PRIMARY', taskDefinition: v1.taskDefinitionArn });
    expect(deployments.find((d) => d.id === failedId)).toMatchObject({ rolloutState: 'FAILED' });
    expect(h.messages()).toContain(`(service web) (deployment ${failedId}) deployment failed: alarm detected.`);
    expect(h.messages()).toContain(`(service web) rolling back to deployment ${completedId}.`);
    h.until(() => h.describe().deployments.length === 1, 10 * MINUTE, 'rollback');
    expect(h.describe().taskDefinition).toBe(v1.taskDefinitionArn);
  });

  test('the deployment stays IN_PROGRESS through the bake, and an alarm then still rolls it back', () => {
    const h = harness();
    h.steadyWeb({ deploymentConfiguration: { alarms: { alarmNames: ['cpu'], enable: true, rollback: true } } });
    h.registerWeb('app:v2');
    h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
    // Old tasks are gone, but the bake keeps the deployment open.
    h.until(
      () =>
        h.describe().deployments.length === 2 &&
        h.describe().deployments[1].runningCount === 0 &&
        h.describe().deployments[0].runningCount === 2,
      10 * MINUTE
    );
    h.advance(40_000);
    expect(h.describe().deployments[0].rolloutState).toBe('IN_PROGRESS');
    h.alarms.set('cpu', 'ALARM');
    h.advance(2000);
    expect(h.describe().deployments[1].rolloutState).toBe('FAILED');
  });
});

describe('service API', () => {
  test('an unknown service is a MISSING failure, an unknown cluster an exception, another region sees nothing', () => {
    const h = harness();
    h.steadyWeb();
    const out = h.call('DescribeServices', { cluster: 'prod', services: ['web', 'nope'] });
    expect(out.services.map((s: { serviceName: string }) => s.serviceName)).toEqual(['web']);
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/nope', reason: 'MISSING' }]);
    expect(() => h.call('DescribeServices', { cluster: 'staging', services: ['web'] })).toThrow(
      expect.objectContaining({ code: 'ClusterNotFoundException' })
    );
    expect(() => h.call('DescribeServices', { cluster: 'prod', services: ['web'] }, 'eu-west-1')).toThrow(
      expect.objectContaining({ code: 'ClusterNotFoundException' })
    );
  });

  test.each([
    ['an unknown service', 'ServiceNotFoundException', { service: 'nope' }],
    ['an unknown revision', 'ClientException', { service: 'web', taskDefinition: 'web:99' }],
    ['a negative desired count', 'InvalidParameterException', { service: 'web', desiredCount: -1 }],
    ['a maximumPercent under 100', 'InvalidParameterException', { service: 'web', deploymentConfiguration: { maximumPercent: 50 } }],
    [
      'a container port the task definition lacks',
      'InvalidParameterException',
      { service: 'web', loadBalancers: [{ targetGroupArn: TG, containerName: 'app', containerPort: 9999 }] }
    ]
  ])('UpdateService with %s is %s', (_what, code, input) => {
    const h = harness();
    h.steadyWeb();
    expect(() => h.call('UpdateService', { cluster: 'prod', ...input })).toThrow(expect.objectContaining({ code }));
  });

  test('a deleted service drains, turns INACTIVE, and can no longer be updated', () => {
    const h = harness();
    h.steadyWeb();
    expect(() => h.call('DeleteService', { cluster: 'prod', service: 'web' })).toThrow(
      expect.objectContaining({ code: 'InvalidParameterException' })
    );
    expect(h.call('DeleteService', { cluster: 'prod', service: 'web', force: true }).service.status).toBe('DRAINING');
    h.until(() => h.describe().status === 'INACTIVE', 5 * MINUTE, 'drain');
    expect(() => h.call('UpdateService', { cluster: 'prod', service: 'web', desiredCount: 1 })).toThrow(
      expect.objectContaining({ code: 'ServiceNotActiveException' })
    );
  });

  test('CreateService needs a network configuration for awsvpc and refuses a duplicate name', () => {
    const h = harness();
    h.steadyWeb();
    const base = { cluster: 'prod', serviceName: 'api', taskDefinition: 'web:1', desiredCount: 1 };
    expect(() => h.call('CreateService', base)).toThrow(
      expect.objectContaining({
        code: 'InvalidParameterException',
        message: "Network Configuration must be provided when networkMode 'awsvpc' is specified."
      })
    );
    expect(() => h.call('CreateService', { ...base, serviceName: 'web', networkConfiguration: NETWORK })).toThrow(
      expect.objectContaining({ code: 'InvalidParameterException', message: 'Creation of service was not idempotent.' })
    );
  });

  test('tags: on create with include TAGS, and through the tagging operations', () => {
    const h = harness();
    h.steadyWeb({ tags: [{ key: 'team', value: 'payments' }] });
    const arn = h.describe().serviceArn;
    expect(h.call('DescribeServices', { cluster: 'prod', services: ['web'], include: ['TAGS'] }).services[0].tags).toEqual([
      { key: 'team', value: 'payments' }
    ]);
    h.call('TagResource', { resourceArn: arn, tags: [{ key: 'env', value: 'prod' }] });
    h.call('UntagResource', { resourceArn: arn, tagKeys: ['team'] });
    expect(h.call('ListTagsForResource', { resourceArn: arn }).tags).toEqual([{ key: 'env', value: 'prod' }]);
  });
});

describe('metrics', () => {
  test('each simulated minute AWS/ECS CPU and memory per service and per cluster', () => {
    const h = harness();
    h.steadyWeb();
    h.metrics.length = 0;
    h.advance(3 * MINUTE);
    const cpu = h.metrics.filter(
      (m) => m.namespace === 'AWS/ECS' && m.metricName === 'CPUUtilization' && m.dimensions.ServiceName === 'web'
    );
    expect(cpu.length).toBe(3);
    for (const m of cpu) {
      expect(m.dimensions).toEqual({ ClusterName: 'prod', ServiceName: 'web' });
      expect(m.value).toBeGreaterThanOrEqual(15);
      expect(m.value).toBeLessThanOrEqual(25);
      expect(m.timestamp % MINUTE).toBe(0);
    }
    expect(
      h.metrics.some((m) => m.metricName === 'MemoryUtilization' && m.dimensions.ServiceName === 'web' && m.value > 25 && m.value < 35)
    ).toBe(true);
    expect(
      h.metrics.some(
        (m) => m.metricName === 'CPUUtilization' && m.dimensions.ServiceName === undefined && m.dimensions.ClusterName === 'prod'
      )
    ).toBe(true);
  });

  test('a cpu-spike release climbs past 90 % about two minutes after it starts', () => {
    const h = harness();
    h.steadyWeb();
    h.registerWeb('app:v2-cpu-spike');
    h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
    h.until(() => h.describe().deployments.length === 1, 10 * MINUTE);
    h.metrics.length = 0;
    h.advance(4 * MINUTE);
    const last = h.metrics.filter((m) => m.metricName === 'CPUUtilization' && m.dimensions.ServiceName === 'web').at(-1);
    expect(last!.value).toBeGreaterThan(90);
  });
});

describe('throttle logic (tasks that never start)', () => {
  const THROTTLED = '(service web) is unable to consistently start tasks successfully.';

  test('relaunches ever more slowly, says so once, and a new revision launches at once', () => {
    const h = harness();
    h.steadyWeb({ deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false } } });
    h.registerWeb('app:v2-image-pull-fail');
    const id = h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:2' }).service.deployments[0].id as string;
    const launched: number[] = [];
    const seen = new Set<string>();
    for (let t = 0; t < 30 * MINUTE; t += 1000) {
      h.advance(1000);
      for (const desiredStatus of ['RUNNING', 'STOPPED']) {
        for (const arn of h.call('ListTasks', { cluster: 'prod', startedBy: id, desiredStatus }).taskArns as string[]) {
          if (!seen.has(arn)) launched.push(h.now());
          seen.add(arn);
        }
      }
    }
    // Unthrottled, two tasks every ~15 s would be some 250 launches in 30 minutes.
    expect(launched.length).toBeGreaterThanOrEqual(6);
    expect(launched.length).toBeLessThan(20);
    const gaps = launched
      .slice(1)
      .map((t, i) => t - launched[i])
      .filter((g) => g > 0);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(8 * MINUTE);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(27 * MINUTE);
    expect(h.messages().filter((m) => m === THROTTLED)).toHaveLength(1);
    const failedToStart = h.call('DescribeTasks', { cluster: 'prod', tasks: [...seen].slice(0, 100) }).tasks as Record<string, any>[];
    expect(failedToStart.every((t) => t.stopCode === 'TaskFailedToStart' || t.lastStatus !== 'STOPPED')).toBe(true);

    // "If you update your service to use a new task definition, your service returns to a normal, non-throttled state immediately."
    h.registerWeb('app:v3');
    const next = h.call('UpdateService', { cluster: 'prod', service: 'web', taskDefinition: 'web:3' }).service.deployments[0].id as string;
    h.advance(2000);
    expect(h.call('ListTasks', { cluster: 'prod', startedBy: next }).taskArns).toHaveLength(2);
    h.until(
      () => h.describe().deployments.length === 1 && h.describe().deployments[0].rolloutState === 'COMPLETED',
      5 * MINUTE,
      'v3 completed'
    );
  });
});
