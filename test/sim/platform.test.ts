import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DescribeAlarmsCommand, ListDashboardsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeSSLPoliciesCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  TargetGroupNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ScaledClock } from '../../sim/clock.js';
import { simClient } from '../../sim/client.js';
import type { Sim } from '../../sim/server.js';
import { clients, frozenSim, rejection, weightedAlb, type Clients } from './helpers.js';

let sim: Sim;
let c: Clients;

beforeAll(async () => {
  sim = await frozenSim();
  c = clients(sim);
});
afterAll(() => sim.close());
afterEach(() => sim.clearFaults());

describe('the clock', () => {
  it('runs timeScale times faster than real time, jumps on advance, and stays continuous when rescaled', () => {
    let real = 1_000_000;
    const clock = new ScaledClock(60, () => real);
    expect(clock.now()).toBe(1_000_000);
    real += 1000;
    expect(clock.now()).toBe(1_000_000 + 60_000);
    clock.setTimeScale(1);
    expect(clock.now()).toBe(1_060_000);
    real += 1000;
    expect(clock.now()).toBe(1_061_000);
    clock.advance(600_000);
    expect(clock.now()).toBe(1_661_000);
  });
});

describe('protocol and errors', () => {
  it.each([
    ['ELBv2', () => c.elb.send(new DescribeSSLPoliciesCommand({})), 'InvalidAction', /DescribeSSLPolicies is not implemented/],
    ['CloudWatch', () => c.cw.send(new ListDashboardsCommand({})), 'UnknownOperationException', /ListDashboards is not implemented/]
  ])('answers an operation it does not implement (%s) with a clear error, never a silent success', async (_svc, call, name, message) => {
    const error = await rejection(call());
    expect(error.name).toBe(name);
    expect(error.message).toMatch(message);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('sees no resources in a region other than its own, giving the errors AWS gives', async () => {
    const alb = await weightedAlb(c.elb, 'regional', [100, 0]);
    const west = clients(sim, { region: 'eu-west-1' });
    // ELBv2 rejects an ARN of another region as invalid (ValidationError), not as not found.
    const error = await rejection(west.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [alb.blue] })));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe(`'${alb.blue}' is not a valid target group ARN`);
    const own = alb.blue.replace(':us-east-1:', ':eu-west-1:');
    expect(await rejection(west.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [own] })))).toBeInstanceOf(
      TargetGroupNotFoundException
    );
    expect((await c.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [alb.blue] }))).TargetGroups).toHaveLength(1);
  });

  it("records every call with the caller's access key id and region", async () => {
    sim.clearCalls();
    const other = clients(sim, { accessKeyId: 'AKIDBENCH' });
    await other.cw.send(new DescribeAlarmsCommand({}));
    await other.cw.send(new DescribeAlarmsCommand({}));
    await c.cw.send(new DescribeAlarmsCommand({}));
    expect(sim.calls({ accessKeyId: 'AKIDBENCH' })).toHaveLength(2);
    expect(sim.calls()[0]).toMatchObject({
      service: 'cloudwatch',
      operation: 'DescribeAlarms',
      accessKeyId: 'AKIDBENCH',
      region: 'us-east-1'
    });
  });
});

describe('fault injection', () => {
  it.each([
    ['ecs' as const, () => c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })), 'ThrottlingException'],
    ['elbv2' as const, () => c.elb.send(new DescribeTargetGroupsCommand({})), 'Throttling'],
    ['cloudwatch' as const, () => c.cw.send(new DescribeAlarmsCommand({})), 'Throttling']
  ])('throttles %s in its own wire format', async (service, call, name) => {
    sim.addFault({ kind: 'throttle', service });
    const error = await rejection(call());
    expect(error.name).toBe(name);
    expect(error.message).toBe('Rate exceeded');
  });

  it('lets the SDK retry through a throttle that hits only the first call', async () => {
    sim.addFault({ kind: 'throttle', service: 'elbv2', operation: 'DescribeTargetGroups', count: 1 });
    const patient = clients(sim, { maxAttempts: 3 });
    const out = await patient.elb.send(new DescribeTargetGroupsCommand({}));
    expect(out.$metadata.attempts).toBe(2);
  });

  it('answers 500 for an error fault and denies with the real AccessDenied wording', async () => {
    sim.addFault({ kind: 'error', service: 'elbv2' });
    const failed = await rejection(c.elb.send(new DescribeTargetGroupsCommand({})));
    expect(failed.$metadata?.httpStatusCode).toBe(500);
    expect(failed.name).toBe('InternalFailure');
    sim.clearFaults();

    sim.addFault({ kind: 'deny', service: 'ecs', operation: 'UpdateService', accessKeyId: 'AKIDSIMTEST' });
    const denied = await rejection(c.ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: 3 })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/ecs-rollout-deployer/AKIDSIMTEST is not authorized to perform: ecs:UpdateService ' +
        'on resource: arn:aws:ecs:us-east-1:123456789012:service/prod/web because no identity-based policy allows the ecs:UpdateService action'
    );
  });

  it('drops the connection and adds latency', async () => {
    sim.addFault({ kind: 'drop', service: 'cloudwatch', count: 1 });
    const dropped = await rejection(c.cw.send(new DescribeAlarmsCommand({})));
    expect(dropped.$metadata?.httpStatusCode).toBeUndefined();
    sim.addFault({ kind: 'latency', service: 'cloudwatch', latencyMs: 150 });
    const started = Date.now();
    await c.cw.send(new DescribeAlarmsCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('ignores a ModifyListener: success is answered but the weights do not change', async () => {
    const alb = await weightedAlb(c.elb, 'ignored', [100, 0]);
    sim.addFault({ kind: 'ignore', service: 'elbv2', operation: 'ModifyListener', count: 1 });
    const shifted = {
      ListenerArn: alb.listenerArn,
      DefaultActions: [
        {
          Type: 'forward' as const,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: alb.blue, Weight: 0 },
              { TargetGroupArn: alb.green, Weight: 100 }
            ]
          }
        }
      ]
    };
    const answer = await c.elb.send(new ModifyListenerCommand(shifted));
    expect(answer.Listeners![0].DefaultActions![0].ForwardConfig!.TargetGroups!.map((g) => g.Weight)).toEqual([0, 100]);
    const weights = async (): Promise<(number | undefined)[]> =>
      (
        await c.elb.send(new DescribeListenersCommand({ ListenerArns: [alb.listenerArn] }))
      ).Listeners![0].DefaultActions![0].ForwardConfig!.TargetGroups!.map((g) => g.Weight);
    expect(await weights()).toEqual([100, 0]);
    await c.elb.send(new ModifyListenerCommand(shifted));
    expect(await weights()).toEqual([0, 100]);
  });

  it('throttles ECS reads with a token bucket only when enabled', async () => {
    sim.setEcsReadThrottle({ ratePerSecond: 1, burst: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
    );
    const throttled = results.filter((r) => r.status === 'rejected' && (r.reason as Error).name === 'ThrottlingException');
    expect(throttled).toHaveLength(2);
    sim.setEcsReadThrottle(undefined);
  });
});

describe('admin API over HTTP', () => {
  it('advances the clock, lists calls and manages faults for another process', async () => {
    const admin = simClient(sim.url);
    const before = await admin.clock();
    const after = await admin.advance(90_000);
    expect(after.nowMs - before.nowMs).toBe(90_000);
    await admin.clearCalls();
    await c.cw.send(new DescribeAlarmsCommand({}));
    expect(await admin.calls({ service: 'cloudwatch' })).toHaveLength(1);
    const rule = await admin.addFault({ kind: 'throttle', service: 'cloudwatch' });
    expect((await rejection(c.cw.send(new DescribeAlarmsCommand({})))).name).toBe('Throttling');
    await admin.removeFault(rule.id);
    await c.cw.send(new DescribeAlarmsCommand({}));
    const state = await admin.state();
    expect(state).toMatchObject({ region: 'us-east-1', timeScale: 0 });
  });
});
