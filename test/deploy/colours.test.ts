import { describe, expect, it } from '@jest/globals';
import type { Action, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  discoverColours,
  loadBalancerOf,
  olderColour,
  planInterrupted,
  targetGroupProblems,
  type Discovery
} from '../../src/deploy/colours.js';

const PREFIX = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const BLUE = `${PREFIX}:targetgroup/web-blue/1111111111111111`;
const GREEN = `${PREFIX}:targetgroup/web-green/2222222222222222`;
const OTHER = `${PREFIX}:targetgroup/admin/3333333333333333`;
const LB = `${PREFIX}:loadbalancer/app/web/50dc6c495c0c9188`;
const LISTENER = `${PREFIX}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const RULE = `${PREFIX}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
const tgs = { blue: BLUE, green: GREEN };

const weighted = (...pairs: Array<[string, number]>): Action[] => [
  { Type: 'forward', ForwardConfig: { TargetGroups: pairs.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })) } }
];

describe('discoverColours', () => {
  const cases: Array<[string, Action[], Partial<Discovery> & { kind: Discovery['kind'] }, RegExp | null]> = [
    [
      '100/0 weighted',
      weighted([BLUE, 100], [GREEN, 0]),
      { kind: 'settled', live: 'blue', idle: 'green', percent: { blue: 100, green: 0 } },
      null
    ],
    [
      '0/100 weighted',
      weighted([BLUE, 0], [GREEN, 1]),
      { kind: 'settled', live: 'green', idle: 'blue', percent: { blue: 0, green: 100 } },
      null
    ],
    ['single TargetGroupArn', [{ Type: 'forward', TargetGroupArn: GREEN }], { kind: 'settled', live: 'green', idle: 'blue' }, null],
    [
      'TargetGroupArn and a one-group ForwardConfig (as DescribeListeners returns it)',
      [{ Type: 'forward', TargetGroupArn: BLUE, ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: 1 }] } }],
      { kind: 'settled', live: 'blue', idle: 'green' },
      null
    ],
    [
      'only blue listed, no weight given (ELB default 1)',
      [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE }] } }],
      { kind: 'settled', live: 'blue' },
      null
    ],
    [
      'authentication before the forward',
      [
        { Type: 'authenticate-cognito', Order: 1 },
        { ...weighted([BLUE, 0], [GREEN, 100])[0], Order: 2 }
      ],
      { kind: 'settled', live: 'green' },
      null
    ],
    [
      '50/50',
      weighted([BLUE, 50], [GREEN, 50]),
      { kind: 'interrupted', percent: { blue: 50, green: 50 } },
      /listener .* forwards 50 % to web-blue and 50 % to web-green: a previous deployment was interrupted; re-run with `on-interrupted: rollback`.*`on-interrupted: resume`/
    ],
    [
      '1:3 relative weights',
      weighted([BLUE, 1], [GREEN, 3]),
      { kind: 'interrupted', percent: { blue: 25, green: 75 } },
      /25 % to web-blue and 75 % to web-green/
    ],
    [
      'missing: forwards to neither colour',
      [{ Type: 'forward', TargetGroupArn: OTHER }],
      { kind: 'invalid' },
      /forwards to admin, not to web-blue or web-green: check blue-target-group and green-target-group/
    ],
    [
      'a third target group',
      weighted([BLUE, 100], [GREEN, 0], [OTHER, 0]),
      { kind: 'invalid' },
      /also forwards to admin, which is neither web-blue nor web-green/
    ],
    ['no forward action', [{ Type: 'fixed-response' }], { kind: 'invalid' }, /has no forward action \(it has fixed-response\)/],
    ['no actions at all', [], { kind: 'invalid' }, /has no forward action \(it has no actions\)/],
    ['weight 0 on both', weighted([BLUE, 0], [GREEN, 0]), { kind: 'invalid' }, /weight 0 to both web-blue and web-green/]
  ];
  it.each(cases)('%s', (_name, actions, expected, message) => {
    const d = discoverColours(actions, tgs, { where: `listener ${LISTENER}` });
    expect(d).toMatchObject(expected);
    if (message) expect('message' in d ? d.message : '').toMatch(message);
  });

  it('refuses blue and green on the same target group', () => {
    const d = discoverColours(weighted([BLUE, 100]), { blue: BLUE, green: BLUE }, { where: 'listener x' });
    expect(d).toMatchObject({ kind: 'invalid', message: expect.stringContaining('same target group') });
  });

  it('names a listener rule in its messages', () => {
    const d = discoverColours(weighted([BLUE, 90], [GREEN, 10]), tgs, { where: `listener rule ${RULE}` });
    expect(d.kind === 'interrupted' && d.message).toContain(`listener rule ${RULE} forwards 90 % to web-blue and 10 % to web-green`);
  });
});

describe('loadBalancerOf', () => {
  it.each([
    [LISTENER, LB],
    [RULE, LB],
    [
      `arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:listener/net/api/abc/def`,
      'arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/net/api/abc'
    ],
    ['not-an-arn', undefined]
  ])('%s → %s', (arn, lb) => expect(loadBalancerOf(arn)).toBe(lb));
});

describe('targetGroupProblems', () => {
  const onLb = (arn: string, lbs = [LB]): TargetGroup => ({ TargetGroupArn: arn, LoadBalancerArns: lbs });
  it('accepts both target groups on the listener’s load balancer', () => {
    expect(targetGroupProblems([onLb(BLUE), onLb(GREEN)], tgs, LB, 'listener x')).toEqual([]);
  });
  it('names a target group that does not exist', () => {
    expect(targetGroupProblems([onLb(BLUE)], tgs, LB, 'listener x')).toEqual([
      expect.stringMatching(/^green-target-group .*web-green.* does not exist/)
    ]);
  });
  it('names a target group on another load balancer, and one on none', () => {
    const problems = targetGroupProblems([onLb(BLUE, [`${PREFIX}:loadbalancer/app/other/1`]), onLb(GREEN, [])], tgs, LB, 'listener x');
    expect(problems).toEqual([
      expect.stringMatching(
        /blue-target-group web-blue is not on the load balancer of listener x .*: it is attached to .*loadbalancer\/app\/other\/1/
      ),
      expect.stringMatching(/green-target-group web-green .*it is not attached to any load balancer/)
    ]);
  });
  it('refuses the same target group for both colours', () => {
    expect(targetGroupProblems([onLb(BLUE)], { blue: BLUE, green: BLUE }, LB, 'x')[0]).toMatch(/both .*web-blue/);
  });
});

describe('interrupted deployments', () => {
  const interrupted = discoverColours(weighted([BLUE, 50], [GREEN, 50]), tgs, { where: 'listener x' });
  if (interrupted.kind !== 'interrupted') throw new Error('expected an interrupted discovery');
  const revisions = {
    blue: { taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7' },
    green: { taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:8' }
  };

  it('fail (the default) refuses with the discovery message', () => {
    expect(planInterrupted(interrupted, 'fail', revisions)).toEqual({ kind: 'fail', message: interrupted.message });
  });
  it('rollback puts 100 % back on the colour with the older revision', () => {
    expect(planInterrupted(interrupted, 'rollback', revisions)).toMatchObject({ kind: 'rollback', live: 'blue', idle: 'green' });
  });
  it('resume continues into the newer colour from its current share', () => {
    expect(planInterrupted(interrupted, 'resume', revisions, 'web:8')).toMatchObject({
      kind: 'resume',
      live: 'blue',
      idle: 'green',
      fromPercent: 50
    });
  });
  it('resume refuses when the newer colour does not run the revision being deployed', () => {
    expect(planInterrupted(interrupted, 'resume', revisions, 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:9')).toMatchObject({
      kind: 'fail',
      message: expect.stringMatching(/cannot resume: green runs .*web:8 but this run deploys .*web:9; use `on-interrupted: rollback`/)
    });
  });
  it('falls back on the deployments’ createdAt from ECS when the families differ', () => {
    expect(
      olderColour({
        blue: { taskDefinition: 'web-a:3', deployedAt: new Date('2024-05-02T00:00:00Z') },
        green: { taskDefinition: 'web-b:9', deployedAt: new Date('2024-05-01T00:00:00Z') }
      })
    ).toBe('green');
  });
  it('refuses to guess when nothing tells the colours apart', () => {
    const same = { blue: { taskDefinition: 'web:8' }, green: { taskDefinition: 'web:8' } };
    expect(planInterrupted(interrupted, 'rollback', same)).toMatchObject({
      kind: 'fail',
      message: expect.stringContaining('cannot tell which colour is older')
    });
  });
});
