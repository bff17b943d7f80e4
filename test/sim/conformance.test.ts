/**
 * The local ECS answers as AWS does where a deploy tool's correctness depends on it (issue #10,
 * point 9): paging (DescribeAlarms, DescribeTargetGroups / Listeners / Rules, ListTasks,
 * ListServices), ELBv2's ValidationError for ARNs it will not accept, ECS refusing a target
 * group no load balancer uses, `unused` targets not counting as healthy — plus the fault kinds
 * and the traffic accounting the chaos benchmark relies on. All through the real SDK v3 clients.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DescribeAlarmsCommand, paginateDescribeAlarms, PutCompositeAlarmCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ListClustersCommand,
  ListServicesCommand,
  ListTasksCommand,
  paginateListTasks,
  RunTaskCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs';
import {
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  paginateDescribeTargetGroups,
  TargetGroupNotFoundException
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { simClient } from '../../sim/client.js';
import { startSim, type Scenario, type Sim } from '../../sim/server.js';
import { clients, rejection, type Clients } from './helpers.js';

let sim: Sim;
let c: Clients;

afterEach(async () => {
  for (const client of Object.values(c)) client.destroy();
  await sim.close();
});

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const pad = (n: number): string => String(n).padStart(3, '0');

describe('CloudWatch DescribeAlarms paging', () => {
  beforeEach(async () => {
    sim = await startSim({ timeScale: 0 });
    c = clients(sim);
  });

  const metricAlarm = (name: string) =>
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'Test',
      MetricName: 'CPU',
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 90,
      ComparisonOperator: 'GreaterThanThreshold'
    });

  async function putAlarms(metric: number, composite: number): Promise<void> {
    for (let i = 0; i < metric; i++) await c.cw.send(metricAlarm(`a-${pad(i)}`));
    // Composite names sort between the metric ones, so one page mixes both kinds.
    for (let i = 0; i < composite; i++)
      await c.cw.send(new PutCompositeAlarmCommand({ AlarmName: `a-${pad(i * 10)}-c`, AlarmRule: `ALARM("a-${pad(i)}")` }));
  }

  it('answers 50 alarms per page by default with a NextToken, and the SDK paginator gets every alarm once', async () => {
    await putAlarms(120, 0);
    const first = await c.cw.send(new DescribeAlarmsCommand({}));
    expect(first.MetricAlarms).toHaveLength(50);
    expect(first.NextToken).toEqual(expect.any(String));
    const pages = await all(paginateDescribeAlarms({ client: c.cw }, {}));
    expect(pages.map((p) => p.MetricAlarms!.length)).toEqual([50, 50, 20]);
    expect(pages.at(-1)!.NextToken).toBeUndefined();
    const names = pages.flatMap((p) => p.MetricAlarms!.map((a) => a.AlarmName));
    expect(names).toEqual(Array.from({ length: 120 }, (_, i) => `a-${pad(i)}`));
  });

  it('pages a list of 60 alarm names too (a gate that asks by name sees only 50 without NextToken)', async () => {
    await putAlarms(60, 0);
    const names = Array.from({ length: 60 }, (_, i) => `a-${pad(i)}`);
    const first = await c.cw.send(new DescribeAlarmsCommand({ AlarmNames: names }));
    expect(first.MetricAlarms).toHaveLength(50);
    const second = await c.cw.send(new DescribeAlarmsCommand({ AlarmNames: names, NextToken: first.NextToken }));
    expect(second.MetricAlarms!.map((a) => a.AlarmName)).toEqual(names.slice(50));
    expect(second.NextToken).toBeUndefined();
  });

  it('pages metric and composite alarms as one name-ordered sequence when both types are asked for', async () => {
    await putAlarms(30, 3);
    const pages = await all(paginateDescribeAlarms({ client: c.cw, pageSize: 10 }, { AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    expect(pages.map((p) => p.MetricAlarms!.length + p.CompositeAlarms!.length)).toEqual([10, 10, 10, 3]);
    expect(pages[1]).toMatchObject({ CompositeAlarms: [expect.objectContaining({ AlarmName: 'a-010-c' })] });
    // Each page holds the next names in order, whichever kind they are.
    const names = pages.flatMap((p) => [...p.MetricAlarms!, ...p.CompositeAlarms!].map((a) => a.AlarmName!).sort());
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(33);
    // Without AlarmTypes only metric alarms are described, as the API reference says.
    expect((await all(paginateDescribeAlarms({ client: c.cw }, {}))).flatMap((p) => p.CompositeAlarms ?? [])).toEqual([]);
  });

  it.each([
    [
      0,
      "1 validation error detected: Value '0' at 'maxRecords' failed to satisfy constraint: Member must have value greater than or equal to 1"
    ],
    [
      101,
      "1 validation error detected: Value '101' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100"
    ]
  ])('rejects MaxRecords %i with ValidationError', async (maxRecords, message) => {
    const error = await rejection(c.cw.send(new DescribeAlarmsCommand({ MaxRecords: maxRecords })));
    // The JSON protocol names the exception; the query-compatible code (what boto3 and the CLI show) is ValidationError.
    expect(error.Code).toBe('ValidationError');
    expect(error.message).toBe(message);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it.each(['garbage', 'c2ltLWFsYXJtcy12MTp4', '!!'])('answers InvalidNextToken for a token it never issued (%j)', async (token) => {
    await putAlarms(3, 0);
    const error = await rejection(c.cw.send(new DescribeAlarmsCommand({ NextToken: token })));
    expect(error.name).toBe('InvalidNextToken');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});

describe('ELBv2 paging and ARN validation', () => {
  let s: Scenario;
  beforeEach(async () => {
    sim = await startSim({ timeScale: 0 });
    s = await sim.seed();
    c = clients(sim);
  });

  it('pages DescribeTargetGroups with PageSize / NextMarker; the SDK paginator sees each group once', async () => {
    // Nine seeded groups (shop-blue/-green and pay-blue/-green included) and 16 more: 25.
    for (let i = 0; i < 16; i++)
      await c.elb.send(new CreateTargetGroupCommand({ Name: `extra-${pad(i)}`, Protocol: 'HTTP', Port: 80, TargetType: 'ip' }));
    const everything = await c.elb.send(new DescribeTargetGroupsCommand({}));
    expect(everything.TargetGroups).toHaveLength(25);
    expect(everything.NextMarker).toBeUndefined();
    const first = await c.elb.send(new DescribeTargetGroupsCommand({ PageSize: 10 }));
    expect(first.TargetGroups).toHaveLength(10);
    expect(first.NextMarker).toEqual(expect.any(String));
    const pages = await all(paginateDescribeTargetGroups({ client: c.elb }, { PageSize: 7 }));
    expect(pages.map((p) => p.TargetGroups!.length)).toEqual([7, 7, 7, 4]);
    expect(pages.flatMap((p) => p.TargetGroups!.map((t) => t.TargetGroupArn))).toEqual(
      everything.TargetGroups!.map((t) => t.TargetGroupArn)
    );
  });

  it('pages DescribeListeners and DescribeRules the same way', async () => {
    const lb = s.loadBalancers['web-alb'].arn;
    const l1 = await c.elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb, PageSize: 1 }));
    expect(l1.Listeners).toHaveLength(1);
    const l2 = await c.elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb, PageSize: 1, Marker: l1.NextMarker }));
    expect(l2.Listeners).toHaveLength(1);
    expect(l2.NextMarker).toBeUndefined();
    expect(new Set([l1.Listeners![0].Port, l2.Listeners![0].Port])).toEqual(new Set([80, 81]));
    const r1 = await c.elb.send(new DescribeRulesCommand({ ListenerArn: s.listeners['api-alb:80'], PageSize: 1 }));
    expect(r1.Rules).toMatchObject([{ Priority: '10' }]);
    const r2 = await c.elb.send(new DescribeRulesCommand({ ListenerArn: s.listeners['api-alb:80'], PageSize: 1, Marker: r1.NextMarker }));
    expect(r2.Rules).toMatchObject([{ Priority: 'default', IsDefault: true }]);
    expect(r2.NextMarker).toBeUndefined();
  });

  it.each([
    [{ PageSize: 0 }, "Value '0' at 'pageSize' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    [{ PageSize: 401 }, "Value '401' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400"],
    [{ Marker: 'not-a-marker' }, "The marker 'not-a-marker' is not valid"]
  ])('rejects %j with ValidationError', async (input, message) => {
    const error = await rejection(c.elb.send(new DescribeTargetGroupsCommand(input)));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toContain(message);
  });

  it('answers ValidationError for a malformed ARN or one of another account or region, and TargetGroupNotFound only for a well-formed own ARN', async () => {
    const blue = s.targetGroups['web-blue'];
    const cases: [string, string][] = [
      ['web-blue', 'a name, not an ARN'],
      [blue.replace(':123456789012:', ':210987654321:'), 'another account'],
      [blue.replace(':us-east-1:', ':eu-west-1:'), 'another region'],
      [s.loadBalancers['web-alb'].arn, 'a load balancer ARN']
    ];
    for (const [arn] of cases) {
      for (const call of [
        () => c.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] })),
        () => c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))
      ]) {
        const error = await rejection(call());
        expect({ arn, name: error.name, message: error.message }).toEqual({
          arn,
          name: 'ValidationError',
          message: `'${arn}' is not a valid target group ARN`
        });
      }
    }
    const unknown = blue.replace(/\/[0-9a-f]+$/, '/0123456789abcdef');
    expect(await rejection(c.elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [unknown] })))).toBeInstanceOf(
      TargetGroupNotFoundException
    );
  });

  it('answers ValidationError for listener and rule ARNs of another account, and in forward actions, changing nothing', async () => {
    const otherListener = s.listeners['web-alb:80'].replace(':123456789012:', ':210987654321:');
    const l = await rejection(c.elb.send(new DescribeListenersCommand({ ListenerArns: [otherListener] })));
    expect([l.name, l.message]).toEqual(['ValidationError', `'${otherListener}' is not a valid listener ARN`]);
    const otherRule = s.rules['api-alb:80:10'].replace(':us-east-1:', ':us-west-2:');
    const r = await rejection(
      c.elb.send(new ModifyRuleCommand({ RuleArn: otherRule, Actions: [{ Type: 'forward', TargetGroupArn: s.targetGroups['api-blue'] }] }))
    );
    expect([r.name, r.message]).toEqual(['ValidationError', `'${otherRule}' is not a valid rule ARN`]);
    const foreignGroup = s.targetGroups['web-green'].replace(':123456789012:', ':210987654321:');
    const f = await rejection(
      c.elb.send(
        new ModifyListenerCommand({
          ListenerArn: s.listeners['web-alb:80'],
          DefaultActions: [{ Type: 'forward', TargetGroupArn: foreignGroup }]
        })
      )
    );
    expect([f.name, f.message]).toEqual(['ValidationError', `'${foreignGroup}' is not a valid target group ARN`]);
    const listener = (await c.elb.send(new DescribeListenersCommand({ ListenerArns: [s.listeners['web-alb:80']] }))).Listeners![0];
    expect(listener.DefaultActions![0].ForwardConfig!.TargetGroups!.map((g) => g.Weight)).toEqual([100, 0]);
  });
});

describe('ECS', () => {
  let s: Scenario;
  beforeEach(async () => {
    sim = await startSim({ timeScale: 0 });
    s = await sim.seed();
    c = clients(sim);
  });

  const lonelyGroup = async (): Promise<string> =>
    (await c.elb.send(new CreateTargetGroupCommand({ Name: 'no-listener', Protocol: 'HTTP', Port: 8080, TargetType: 'ip' })))
      .TargetGroups![0].TargetGroupArn!;
  const network = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } };

  it("refuses CreateService and UpdateService onto a target group no listener forwards to, with ECS's message", async () => {
    const arn = await lonelyGroup();
    const loadBalancers = [{ targetGroupArn: arn, containerName: 'web', containerPort: 8080 }];
    const expected = `The target group with targetGroupArn ${arn} does not have an associated load balancer.`;
    const created = await rejection(
      c.ecs.send(
        new CreateServiceCommand({
          cluster: 'prod',
          serviceName: 'orphan',
          taskDefinition: 'web:1',
          desiredCount: 1,
          launchType: 'FARGATE',
          networkConfiguration: network,
          loadBalancers
        })
      )
    );
    expect([created.name, created.message]).toEqual(['InvalidParameterException', expected]);
    const updated = await rejection(c.ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', loadBalancers })));
    expect([updated.name, updated.message]).toEqual(['InvalidParameterException', expected]);
    const web = await c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web', 'orphan'] }));
    expect(web.services!.map((x) => x.loadBalancers![0].targetGroupArn)).toEqual([s.targetGroups['web-rolling']]);
    expect(web.failures).toMatchObject([{ reason: 'MISSING' }]);
  });

  it('pages ListTasks (100 by default, maxResults, nextToken) and ListServices (10 by default)', async () => {
    for (let i = 0; i < 11; i++) {
      await c.ecs.send(
        new RunTaskCommand({
          cluster: 'prod',
          taskDefinition: 'api:1',
          count: 10,
          launchType: 'FARGATE',
          networkConfiguration: network,
          startedBy: 'paging'
        })
      );
    }
    const first = await c.ecs.send(new ListTasksCommand({ cluster: 'prod', startedBy: 'paging' }));
    expect(first.taskArns).toHaveLength(100);
    const second = await c.ecs.send(new ListTasksCommand({ cluster: 'prod', startedBy: 'paging', nextToken: first.nextToken }));
    expect(second.taskArns).toHaveLength(10);
    expect(second.nextToken).toBeUndefined();
    const pages = await all(paginateListTasks({ client: c.ecs, pageSize: 30 }, { cluster: 'prod', startedBy: 'paging' }));
    expect(pages.map((p) => p.taskArns!.length)).toEqual([30, 30, 30, 20]);
    expect(new Set(pages.flatMap((p) => p.taskArns)).size).toBe(110);
    expect((await rejection(c.ecs.send(new ListTasksCommand({ cluster: 'prod', maxResults: 101 })))).name).toBe(
      'InvalidParameterException'
    );
    expect((await rejection(c.ecs.send(new ListTasksCommand({ cluster: 'prod', nextToken: 'garbage' })))).name).toBe(
      'InvalidParameterException'
    );

    // Seven seeded services (shop and pay included) and five idle ones: 12.
    for (let i = 0; i < 5; i++)
      await c.ecs.send(
        new CreateServiceCommand({
          cluster: 'prod',
          serviceName: `idle-${i}`,
          taskDefinition: 'api:1',
          desiredCount: 0,
          launchType: 'FARGATE',
          networkConfiguration: network
        })
      );
    const services = await c.ecs.send(new ListServicesCommand({ cluster: 'prod' }));
    expect(services.serviceArns).toHaveLength(10);
    const rest = await c.ecs.send(new ListServicesCommand({ cluster: 'prod', nextToken: services.nextToken }));
    expect(rest.serviceArns).toHaveLength(2);
    expect(rest.nextToken).toBeUndefined();
  });

  it("reports a service's targets in a group no listener uses as unused, and never completes a rollout on them", async () => {
    const rolling = s.listeners['web-alb:81'];
    await c.elb.send(
      new ModifyListenerCommand({
        ListenerArn: rolling,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }]
      })
    );
    const health = async () =>
      (await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: s.targetGroups['web-rolling'] }))).TargetHealthDescriptions!;
    expect((await health()).map((d) => [d.TargetHealth!.State, d.TargetHealth!.Reason])).toEqual([
      ['unused', 'Target.NotInUse'],
      ['unused', 'Target.NotInUse']
    ]);
    await c.ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', forceNewDeployment: true }));
    sim.advance(10 * 60_000);
    const stuck = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services![0];
    expect(stuck.deployments!.map((d) => [d.status, d.rolloutState])).toEqual([
      ['PRIMARY', 'IN_PROGRESS'],
      ['ACTIVE', 'COMPLETED']
    ]);
    expect((await health()).every((d) => d.TargetHealth!.State === 'unused')).toBe(true);

    // Forwarding to the group again health-checks the new tasks, and the rollout finishes.
    await c.elb.send(
      new ModifyListenerCommand({
        ListenerArn: rolling,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: s.targetGroups['web-rolling'] }]
      })
    );
    sim.advance(5 * 60_000);
    const done = (await c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }))).services![0];
    expect(done.deployments!.map((d) => [d.status, d.rolloutState])).toEqual([['PRIMARY', 'COMPLETED']]);
  });
});

describe('traffic to a colour without healthy targets', () => {
  it('is counted per target group in requestsWithoutHealthyTarget, through sim.traffic() and GET /_sim/traffic', async () => {
    sim = await startSim({ timeScale: 0 });
    const s = await sim.seed();
    c = clients(sim);
    const byName = (t: ReturnType<Sim['traffic']>) => Object.fromEntries(t.targetGroups.map((g) => [g.name, g]));
    const before = byName(sim.traffic());
    sim.advance(20_000);
    const steady = byName(sim.traffic());
    expect(steady['web-blue'].requests).toBeGreaterThan(before['web-blue'].requests);
    expect(steady['web-blue'].requestsWithoutHealthyTarget).toBe(before['web-blue'].requestsWithoutHealthyTarget);

    // Half the traffic to web-green, which runs no task: every request it gets is an ELB 503.
    await c.elb.send(
      new ModifyListenerCommand({
        ListenerArn: s.listeners['web-alb:80'],
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: s.targetGroups['web-blue'], Weight: 50 },
                { TargetGroupArn: s.targetGroups['web-green'], Weight: 50 }
              ]
            }
          }
        ]
      })
    );
    sim.advance(10_000);
    const after = byName(await simClient(sim.url).traffic());
    const green = after['web-green'];
    const sent = green.requests - steady['web-green'].requests;
    expect(sent).toBe(250);
    expect(green.requestsWithoutHealthyTarget - steady['web-green'].requestsWithoutHealthyTarget).toBe(sent);
    expect(green.elb5xx - steady['web-green'].elb5xx).toBe(sent);
    expect(after['web-blue'].requestsWithoutHealthyTarget).toBe(steady['web-blue'].requestsWithoutHealthyTarget);
  });
});

describe('fault injection', () => {
  it('lost-answer applies UpdateService and then resets the connection; drop resets before applying', async () => {
    sim = await startSim({ timeScale: 0 });
    await sim.seed();
    c = clients(sim);
    const desired = async () =>
      (await c.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web-green'] }))).services![0].desiredCount;

    sim.addFault({ kind: 'drop', service: 'ecs', operation: 'UpdateService', count: 1 });
    await rejection(c.ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web-green', desiredCount: 1 })));
    expect(await desired()).toBe(0);

    sim.addFault({ kind: 'lost-answer', service: 'ecs', operation: 'UpdateService', count: 1 });
    const lost = await rejection(c.ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web-green', desiredCount: 2 })));
    expect(lost.$metadata?.httpStatusCode).toBeUndefined();
    expect(await desired()).toBe(2);
    expect(sim.calls({ operation: 'UpdateService' }).map((r) => [r.fault, r.error])).toEqual([
      ['drop', 'ConnectionDropped'],
      ['lost-answer', 'ConnectionDropped']
    ]);
  });

  it('rolls every rate from the seeded generator: the same seed replays the same faults, another seed does not', async () => {
    const run = async (randomSeed: number): Promise<string[]> => {
      const local = await startSim({ timeScale: 0, randomSeed });
      const cl = clients(local);
      const pattern = async (calls: number): Promise<string> => {
        let out = '';
        for (let i = 0; i < calls; i++) {
          out += await cl.ecs.send(new ListClustersCommand({})).then(
            () => '.',
            (error: Error) => (error.name === 'ThrottlingException' ? 'T' : 'L')
          );
        }
        return out;
      };
      local.addFault({ kind: 'throttle', service: 'ecs', operation: 'ListClusters', rate: 0.5 });
      local.addFault({ kind: 'lost-answer', service: 'ecs', operation: 'ListClusters', rate: 0.3 });
      const mixed = await pattern(40);
      // reset() forgets the rules and starts the rolls again from the seed.
      const afterReset: string[] = [];
      for (let i = 0; i < 2; i++) {
        local.reset();
        local.addFault({ kind: 'throttle', service: 'ecs', operation: 'ListClusters', rate: 0.5 });
        afterReset.push(await pattern(12));
      }
      for (const client of Object.values(cl)) client.destroy();
      await local.close();
      return [mixed, ...afterReset];
    };
    sim = await startSim({ timeScale: 0 });
    c = clients(sim);
    const [a, b, other] = [await run(7), await run(7), await run(8)];
    expect(a).toEqual(b);
    expect(a[0]).not.toBe(other[0]);
    expect(a[0]).toMatch(/T/);
    expect(a[0]).toMatch(/L/);
    expect(a[0]).toMatch(/\./);
    expect(a[1]).toBe(a[2]);
  });
});
