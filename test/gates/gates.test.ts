import { describe, expect, it } from '@jest/globals';
import type { Service } from '@aws-sdk/client-ecs';
import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ElbApi } from '../../src/aws/clients.js';
import { serviceGate } from '../../src/gates/service.js';
import { smokeTestGate, targetHealthGate, type Fetch } from '../../src/gates/targets.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/2222222222222222';
const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:8';

function elbWith(health: TargetHealthDescription[], calls: string[]): Pick<ElbApi, 'describeTargetHealth'> & ElbApi {
  const unused = async (): Promise<never> => Promise.reject(new Error('not used'));
  return {
    describeListener: unused,
    modifyListenerDefaultActions: unused,
    describeRule: unused,
    modifyRuleActions: unused,
    describeTargetGroups: unused,
    describeTargetHealth: async (arn) => {
      calls.push(arn);
      return health;
    }
  };
}

describe('targetHealthGate', () => {
  it('reads the target group once per check and reports each unhealthy target’s cause', async () => {
    const calls: string[] = [];
    const health: TargetHealthDescription[] = [
      {
        Target: { Id: '10.0.1.17', Port: 8080 },
        TargetHealth: {
          State: 'unhealthy',
          Reason: 'Target.ResponseCodeMismatch',
          Description: 'Health checks failed with these codes: [500]'
        }
      },
      { Target: { Id: '10.0.2.9', Port: 8080 }, TargetHealth: { State: 'healthy' } }
    ];
    const gate = targetHealthGate(TG, () => 2, { aws: { elb: elbWith(health, calls) } });
    expect(await gate.check()).toEqual({
      phase: 'fail',
      reason:
        '1 of 2 targets in web-green unhealthy: Target.ResponseCodeMismatch — Health checks failed with these codes: [500] (10.0.1.17:8080)'
    });
    expect(calls).toEqual([TG]);
  });

  it('passes when every target is healthy and matches the running count from the caller', async () => {
    const health: TargetHealthDescription[] = [{ Target: { Id: '10.0.1.17', Port: 8080 }, TargetHealth: { State: 'healthy' } }];
    const gate = targetHealthGate(TG, async () => 1, { aws: { elb: elbWith(health, []) } });
    expect((await gate.check()).phase).toBe('pass');
  });
});

describe('serviceGate', () => {
  it('analyses whatever description the caller’s batched poll last saw, making no call itself', async () => {
    let latest: Service = {
      serviceName: 'web-green',
      deployments: [{ status: 'PRIMARY', taskDefinition: TD, desiredCount: 2, runningCount: 1 }]
    };
    const gate = serviceGate(() => latest, TD);
    expect((await gate.check()).phase).toBe('inconclusive');
    latest = { serviceName: 'web-green', deployments: [{ status: 'PRIMARY', taskDefinition: TD, desiredCount: 2, runningCount: 2 }] };
    expect(await gate.check()).toEqual({ phase: 'pass', reason: 'service web-green is steady on web:8 (2 of 2 running)' });
  });

  it('serving traffic, a task of the new revision that fails after the first check fails the gate at once', async () => {
    const at = (running: number, failed: number): Service => ({
      serviceName: 'web-green',
      deployments: [{ status: 'PRIMARY', taskDefinition: TD, desiredCount: 2, runningCount: running, failedTasks: failed }]
    });
    let latest = at(2, 1); // one failure while it started: before traffic, not counted
    const gate = serviceGate(() => latest, TD, 'service', true);
    expect((await gate.check()).phase).toBe('pass');
    latest = at(1, 2); // OOM-killed while serving; ECS is already starting its replacement
    expect(await gate.check()).toEqual({
      phase: 'fail',
      reason: '1 task of web:8 failed in service web-green while it served traffic (ECS counts 2 failed in the deployment)'
    });
    // Before traffic moves, the same description only holds.
    expect((await serviceGate(() => at(1, 2), TD).check()).phase).toBe('inconclusive');
  });
});

describe('smokeTestGate', () => {
  const url = 'http://test.internal:8080/health';
  const answering =
    (status: number): Fetch =>
    async () => ({ status });
  it.each([
    [200, 'pass', `GET ${url} answered 200`],
    [204, 'pass', `GET ${url} answered 204`],
    [302, 'fail', `GET ${url} answered 302, not 2xx`],
    [503, 'fail', `GET ${url} answered 503, not 2xx`]
  ])('%d → %s', async (status, phase, reason) => {
    expect(await smokeTestGate(url, 1000, answering(status)).check()).toEqual({ phase, reason });
  });

  it('no answer is inconclusive, naming the cause', async () => {
    const refused: Fetch = async () =>
      Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED 10.0.0.1:8080') }));
    expect(await smokeTestGate(url, 1000, refused).check()).toEqual({
      phase: 'inconclusive',
      reason: `GET ${url}: connect ECONNREFUSED 10.0.0.1:8080`
    });
  });

  it('a timeout is inconclusive', async () => {
    const hang: Fetch = (_u, init) =>
      new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason as Error)));
    expect(await smokeTestGate(url, 20, hang).check()).toEqual({ phase: 'inconclusive', reason: `GET ${url}: no answer within 20 ms` });
  });
});
