import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
  RuleNotFoundException,
  TargetGroupAssociationLimitException,
  TargetGroupNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import type { Sim } from '../../sim/server.js';
import type { TargetProbe } from '../../sim/types.js';
import { clients, frozenSim, rejection, weightedAlb, type Clients } from './helpers.js';

let sim: Sim;
let c: Clients;

beforeAll(async () => {
  sim = await frozenSim();
  c = clients(sim);
});
afterAll(() => sim.close());

const healthOf = async (tg: string): Promise<{ id?: string; state?: string; reason?: string; description?: string }[]> =>
  ((await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions ?? []).map((d) => ({
    id: d.Target?.Id,
    state: d.TargetHealth?.State,
    reason: d.TargetHealth?.Reason,
    description: d.TargetHealth?.Description
  }));

function probe(behaviour: { ok?: boolean; code?: number | 'timeout'; errorRate?: number }): TargetProbe & { ok: boolean } {
  const p = {
    ok: behaviour.ok ?? true,
    healthCheck: () => (p.ok ? { ok: true } : { ok: false, failureCode: behaviour.code }),
    errorRate: () => behaviour.errorRate ?? 0,
    responseTime: () => 0.02
  };
  return p;
}

describe('ELBv2 resources through the SDK', () => {
  it('creates and describes a load balancer, target group, listener and rule in the shapes AWS returns', async () => {
    const alb = await weightedAlb(c.elb, 'shapes', [100, 0]);
    const lbs = await c.elb.send(new DescribeLoadBalancersCommand({ Names: ['shapes'] }));
    expect(lbs.LoadBalancers![0]).toMatchObject({
      LoadBalancerArn: expect.stringMatching(
        /^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/shapes\/[0-9a-f]{16}$/
      ),
      LoadBalancerName: 'shapes',
      State: { Code: 'active' },
      Type: 'application'
    });
    expect(lbs.LoadBalancers![0].CreatedTime).toBeInstanceOf(Date);

    const tgs = await c.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [alb.blue] }));
    expect(tgs.TargetGroups![0]).toMatchObject({
      TargetGroupName: 'shapes-blue',
      Port: 8080,
      TargetType: 'ip',
      HealthCheckIntervalSeconds: 10,
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 2,
      LoadBalancerArns: [alb.lbArn]
    });
    const attrs = await c.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: alb.blue }));
    expect(attrs.Attributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '300' });
    await c.elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: alb.blue,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]
      })
    );
    const after = await c.elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: alb.blue }));
    expect(after.Attributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '30' });

    const listeners = await c.elb.send(new DescribeListenersCommand({ LoadBalancerArn: alb.lbArn }));
    expect(listeners.Listeners![0].DefaultActions![0].ForwardConfig).toEqual({
      TargetGroups: [
        { TargetGroupArn: alb.blue, Weight: 100 },
        { TargetGroupArn: alb.green, Weight: 0 }
      ],
      TargetGroupStickinessConfig: { Enabled: false }
    });
  });

  it('answers a forward to one target group with both TargetGroupArn and ForwardConfig, like AWS', async () => {
    const lb = await c.elb.send(new CreateLoadBalancerCommand({ Name: 'single', Subnets: ['s'] }));
    const tg = await c.elb.send(new CreateTargetGroupCommand({ Name: 'single-tg', Protocol: 'HTTP', Port: 80, TargetType: 'ip' }));
    const tgArn = tg.TargetGroups![0].TargetGroupArn!;
    const out = await c.elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancers![0].LoadBalancerArn,
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }]
      })
    );
    expect(out.Listeners![0].DefaultActions![0]).toEqual({
      Type: 'forward',
      TargetGroupArn: tgArn,
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } }
    });
  });

  it('modifies listener weights and rule actions and reads them back', async () => {
    const alb = await weightedAlb(c.elb, 'modify', [100, 0]);
    const mod = await c.elb.send(
      new ModifyListenerCommand({
        ListenerArn: alb.listenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: alb.blue, Weight: 50 },
                { TargetGroupArn: alb.green, Weight: 50 }
              ]
            }
          }
        ]
      })
    );
    expect(mod.Listeners![0].DefaultActions![0].ForwardConfig!.TargetGroups!.map((g) => g.Weight)).toEqual([50, 50]);
    const read = await c.elb.send(new DescribeListenersCommand({ ListenerArns: [alb.listenerArn] }));
    expect(read.Listeners![0].DefaultActions![0].ForwardConfig!.TargetGroups!.map((g) => g.Weight)).toEqual([50, 50]);

    const rule = await c.elb.send(
      new CreateRuleCommand({
        ListenerArn: alb.listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: alb.blue }]
      })
    );
    const ruleArn = rule.Rules![0].RuleArn!;
    await c.elb.send(
      new ModifyRuleCommand({
        RuleArn: ruleArn,
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: alb.blue, Weight: 10 },
                { TargetGroupArn: alb.green, Weight: 90 }
              ]
            }
          }
        ]
      })
    );
    const rules = await c.elb.send(new DescribeRulesCommand({ ListenerArn: alb.listenerArn }));
    expect(rules.Rules!.map((r) => [r.Priority, r.IsDefault])).toEqual([
      ['10', false],
      ['default', true]
    ]);
    expect(rules.Rules![0].Conditions![0]).toMatchObject({
      Field: 'path-pattern',
      Values: ['/api/*'],
      PathPatternConfig: { Values: ['/api/*'] }
    });
    expect(rules.Rules![0].Actions![0].ForwardConfig!.TargetGroups!.map((g) => g.Weight)).toEqual([10, 90]);
    await c.elb.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
    const gone = await rejection(c.elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] })));
    expect(gone).toBeInstanceOf(RuleNotFoundException);
  });

  it.each([
    [
      'an unknown listener',
      () =>
        c.elb.send(
          new DescribeListenersCommand({ ListenerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2'] })
        ),
      ListenerNotFoundException,
      'ListenerNotFound'
    ],
    [
      'an unknown rule',
      () =>
        c.elb.send(
          new ModifyRuleCommand({ RuleArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/x/1/2/3', Actions: [] })
        ),
      RuleNotFoundException,
      'RuleNotFound'
    ],
    [
      'an unknown target group',
      () =>
        c.elb.send(
          new DescribeTargetHealthCommand({ TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/x/1' })
        ),
      TargetGroupNotFoundException,
      'TargetGroupNotFound'
    ],
    [
      'an unknown load balancer',
      () =>
        c.elb.send(
          new DescribeLoadBalancersCommand({
            LoadBalancerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1']
          })
        ),
      LoadBalancerNotFoundException,
      'LoadBalancerNotFound'
    ]
  ])('rejects %s with the typed SDK error', async (_what, call, type, code) => {
    const error = await rejection(call());
    expect(error).toBeInstanceOf(type);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.name).toBe(`${code}Exception`);
  });

  it.each([
    ['a weight above 999', [1000, 0], /less than or equal to 999/],
    ['a negative weight', [-1, 100], /greater than or equal to 0/]
  ])('rejects %s as a ValidationError', async (_what, weights, message) => {
    const alb = await weightedAlb(c.elb, `w${Math.abs(weights[0])}`, [100, 0]);
    const error = await rejection(
      c.elb.send(
        new ModifyListenerCommand({
          ListenerArn: alb.listenerArn,
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: alb.blue, Weight: weights[0] },
                  { TargetGroupArn: alb.green, Weight: weights[1] }
                ]
              }
            }
          ]
        })
      )
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toMatch(message);
  });

  it('rejects more than 5 target groups in one forward action', async () => {
    const alb = await weightedAlb(c.elb, 'six', [100, 0]);
    const extra: string[] = [];
    for (let i = 0; i < 4; i++) {
      extra.push(
        (await c.elb.send(new CreateTargetGroupCommand({ Name: `six-${i}`, Protocol: 'HTTP', Port: 80, TargetType: 'ip' })))
          .TargetGroups![0].TargetGroupArn!
      );
    }
    const error = await rejection(
      c.elb.send(
        new ModifyListenerCommand({
          ListenerArn: alb.listenerArn,
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: { TargetGroups: [alb.blue, alb.green, ...extra].map((arn) => ({ TargetGroupArn: arn, Weight: 1 })) }
            }
          ]
        })
      )
    );
    expect(error.name).toBe('ValidationError');
  });

  it('lets a target group serve only one load balancer', async () => {
    const first = await weightedAlb(c.elb, 'owner', [100, 0]);
    const other = await c.elb.send(new CreateLoadBalancerCommand({ Name: 'thief', Subnets: ['s'] }));
    const error = await rejection(
      c.elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: other.LoadBalancers![0].LoadBalancerArn,
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: first.blue }]
        })
      )
    );
    expect(error).toBeInstanceOf(TargetGroupAssociationLimitException);
  });
});

describe('target health on the sim clock', () => {
  it('goes initial → healthy after HealthyThresholdCount checks at the interval', async () => {
    const alb = await weightedAlb(c.elb, 'health', [100, 0], { interval: 10, healthy: 3 });
    await c.elb.send(new RegisterTargetsCommand({ TargetGroupArn: alb.blue, Targets: [{ Id: '10.0.1.1', Port: 8080 }] }));
    expect(await healthOf(alb.blue)).toEqual([
      { id: '10.0.1.1', state: 'initial', reason: 'Elb.RegistrationInProgress', description: 'Target registration is in progress' }
    ]);
    sim.advance(10_000);
    expect((await healthOf(alb.blue))[0]).toMatchObject({ state: 'initial', reason: 'Elb.InitialHealthChecking' });
    sim.advance(19_000);
    expect((await healthOf(alb.blue))[0].state).toBe('initial');
    sim.advance(1_000);
    expect(await healthOf(alb.blue)).toEqual([{ id: '10.0.1.1', state: 'healthy', reason: undefined, description: undefined }]);
  });

  it.each([
    [500, 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [500]'],
    ['timeout' as const, 'Target.Timeout', 'Request timed out'],
    [undefined, 'Target.FailedHealthChecks', 'Health checks failed']
  ])('turns unhealthy after UnhealthyThresholdCount failures (%s → %s)', async (code, reason, description) => {
    const alb = await weightedAlb(c.elb, `unhealthy-${String(code)}`, [100, 0], { interval: 10, healthy: 2, unhealthy: 2 });
    const p = probe({ code });
    sim.world.models().elbv2.forEcs.registerTarget(alb.blue, { id: '10.0.2.1', port: 8080 }, p);
    sim.advance(20_000);
    expect((await healthOf(alb.blue))[0].state).toBe('healthy');
    p.ok = false;
    sim.advance(10_000);
    expect((await healthOf(alb.blue))[0].state).toBe('healthy');
    sim.advance(10_000);
    expect((await healthOf(alb.blue))[0]).toMatchObject({ state: 'unhealthy', reason, description });
  });

  it('drains a deregistered target for the deregistration delay, then forgets it', async () => {
    const alb = await weightedAlb(c.elb, 'drain', [100, 0]);
    await c.elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: alb.blue,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]
      })
    );
    await c.elb.send(new RegisterTargetsCommand({ TargetGroupArn: alb.blue, Targets: [{ Id: '10.0.3.1' }] }));
    sim.advance(30_000);
    await c.elb.send(new DeregisterTargetsCommand({ TargetGroupArn: alb.blue, Targets: [{ Id: '10.0.3.1' }] }));
    expect((await healthOf(alb.blue))[0]).toMatchObject({ state: 'draining', reason: 'Target.DeregistrationInProgress' });
    sim.advance(29_000);
    expect(await healthOf(alb.blue)).toHaveLength(1);
    sim.advance(1_000);
    expect(await healthOf(alb.blue)).toEqual([]);
  });

  it('reports targets of a group no listener uses as unused (Target.NotInUse)', async () => {
    const tg = await c.elb.send(new CreateTargetGroupCommand({ Name: 'lonely', Protocol: 'HTTP', Port: 8080, TargetType: 'ip' }));
    const arn = tg.TargetGroups![0].TargetGroupArn!;
    await c.elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: '10.0.4.1' }] }));
    sim.advance(60_000);
    expect((await healthOf(arn))[0]).toMatchObject({ state: 'unused', reason: 'Target.NotInUse' });
  });
});

describe('synthetic traffic', () => {
  it('divides requests by the listener weights and counts 5xx per target group', async () => {
    const alb = await weightedAlb(c.elb, 'traffic', [90, 10]);
    const elb = sim.world.models().elbv2.forEcs;
    elb.registerTarget(alb.blue, { id: '10.0.5.1', port: 8080 }, probe({}));
    elb.registerTarget(alb.green, { id: '10.0.5.2', port: 8080 }, probe({ errorRate: 0.5 }));
    sim.advance(30_000);
    const before = trafficOf(alb);
    sim.advance(120_000);
    const after = trafficOf(alb);
    const blue = after.blue.requests - before.blue.requests;
    const green = after.green.requests - before.green.requests;
    expect(blue + green).toBe(50 * 120);
    expect(blue / (blue + green)).toBeCloseTo(0.9, 2);
    expect(after.green.target5xx - before.green.target5xx).toBeCloseTo(green / 2, -1);
    expect(after.blue.target5xx).toBe(0);

    const lbName = alb.lbArn.split(':loadbalancer/')[1];
    const tgName = alb.green.split(':')[5];
    // ALB minutes reach CloudWatch 60–120 s after they end (the sim's default ingestion delay).
    sim.advance(120_000);
    const stats = await c.cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [
          { Name: 'TargetGroup', Value: tgName },
          { Name: 'LoadBalancer', Value: lbName }
        ],
        StartTime: new Date(sim.now() - 600_000),
        EndTime: new Date(sim.now()),
        Period: 60,
        Statistics: ['Sum']
      })
    );
    expect(stats.Datapoints!.length).toBeGreaterThanOrEqual(1);
    expect(stats.Datapoints!.every((d) => (d.Sum ?? 0) > 0)).toBe(true);
  });

  it('sends traffic to every target when none is healthy (fail open), and 503s when there are none', async () => {
    const alb = await weightedAlb(c.elb, 'failopen', [50, 50]);
    sim.world.models().elbv2.forEcs.registerTarget(alb.blue, { id: '10.0.6.1', port: 8080 }, probe({ ok: false, code: 503 }));
    sim.advance(60_000);
    const t = trafficOf(alb);
    expect(t.blue.requests).toBeGreaterThan(0);
    expect(t.blue.elb5xx).toBe(0);
    expect(t.green.elb5xx).toBe(t.green.requests);
  });
});

function trafficOf(alb: {
  blue: string;
  green: string;
}): Record<'blue' | 'green', { requests: number; target5xx: number; elb5xx: number }> {
  const all = (sim.traffic() as { targetGroups: { arn: string; requests: number; target5xx: number; elb5xx: number }[] }).targetGroups;
  const find = (arn: string): { requests: number; target5xx: number; elb5xx: number } => all.find((g) => g.arn === arn)!;
  return { blue: find(alb.blue), green: find(alb.green) };
}
