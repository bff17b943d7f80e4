/**
 * Traffic cases mutation testing found unguarded: ELB's 0–999 weight range is checked before any
 * write, and an AWS error that is not "not found" (AccessDenied, throttling) is never reported as a
 * wrong ARN.
 */
import { describe, expect, it } from '@jest/globals';
import type { Action, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Aws, ElbApi } from '../../src/aws/clients.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { InputError, InputErrors } from '../../src/errors.js';
import { RecordingReporter } from '../../src/events.js';
import { TrafficNotAppliedError, discoverTraffic, setWeights, withWeights, type TrafficContext } from '../../src/deploy/traffic.js';

const PREFIX = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const BLUE = `${PREFIX}:targetgroup/web-blue/1111111111111111`;
const GREEN = `${PREFIX}:targetgroup/web-green/2222222222222222`;
const LB = `${PREFIX}:loadbalancer/app/web/50dc6c495c0c9188`;
const LISTENER = `${PREFIX}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const RULE = `${PREFIX}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
const forward = (blue: number, green: number): Action => ({
  Type: 'forward',
  ForwardConfig: {
    TargetGroups: [
      { TargetGroupArn: BLUE, Weight: blue },
      { TargetGroupArn: GREEN, Weight: green }
    ]
  }
});
const TGS: TargetGroup[] = [
  { TargetGroupArn: BLUE, LoadBalancerArns: [LB] },
  { TargetGroupArn: GREEN, LoadBalancerArns: [LB] }
];

const denied = (action: string): AwsCallError =>
  new AwsCallError(
    action,
    'AccessDenied',
    'User: arn:aws:iam::123456789012:role/ci is not authorized to perform: elasticloadbalancing:DescribeListeners'
  );

/** ELB whose calls fail as `fail` says; everything else answers from one listener at 100/0. */
function elb(fail: Partial<Record<keyof ElbApi, () => Error>> = {}): { api: ElbApi; writes: Action[][] } {
  const writes: Action[][] = [];
  let live = [forward(100, 0)];
  const api: ElbApi = {
    describeListener: async () => {
      if (fail.describeListener) throw fail.describeListener();
      return { ListenerArn: LISTENER, LoadBalancerArn: LB, DefaultActions: structuredClone(live) };
    },
    modifyListenerDefaultActions: async (_arn, next) => {
      writes.push(next);
      live = next;
      return { ListenerArn: LISTENER, DefaultActions: next };
    },
    describeRule: async () => {
      if (fail.describeRule) throw fail.describeRule();
      return { RuleArn: RULE, Actions: structuredClone(live) };
    },
    modifyRuleActions: async (_arn, next) => {
      writes.push(next);
      return { RuleArn: RULE, Actions: next };
    },
    describeTargetGroups: async (arns) => {
      if (fail.describeTargetGroups) throw fail.describeTargetGroups();
      return TGS.filter((t) => arns.includes(t.TargetGroupArn!));
    },
    describeTargetHealth: async () => []
  };
  return { api, writes };
}

function ctx(api: ElbApi): TrafficContext {
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not used')) });
  return {
    aws: { elb: api, ecs: unused, cloudwatch: unused } as Aws,
    reporter: new RecordingReporter(),
    timer: { now: () => 0, sleep: async () => undefined }
  };
}

describe('weights ELB accepts: whole numbers from 0 to 999', () => {
  it.each([[1000], [-1], [12.5], [Number.NaN]])('%s is refused before anything is written, naming the target group', async (w) => {
    const { api, writes } = elb();
    await expect(setWeights({ listenerArn: LISTENER }, { [BLUE]: 100, [GREEN]: w }, ctx(api))).rejects.toThrow(
      `weight ${w} for web-green is not a whole number from 0 to 999`
    );
    expect(writes).toEqual([]);
  });

  it('999 and 0 are the edges ELB accepts', () => {
    expect(withWeights([forward(100, 0)], { [BLUE]: 999, [GREEN]: 0 })[0].ForwardConfig!.TargetGroups).toEqual([
      { TargetGroupArn: BLUE, Weight: 999 },
      { TargetGroupArn: GREEN, Weight: 0 }
    ]);
  });

  it('all zero is refused, naming where', () => {
    expect(() => withWeights([forward(100, 0)], { [BLUE]: 0, [GREEN]: 0 }, 'listener L')).toThrow(
      'refusing to set weight 0 on every target group of listener L'
    );
  });
});

describe('discoverTraffic: only "not found" is a wrong ARN', () => {
  it.each([
    ['listener', { listenerArn: LISTENER }, 'describeListener'],
    ['rule', { ruleArn: RULE }, 'describeRule']
  ] as const)('AccessDenied reading the %s is reported as AccessDenied, not as an ARN that does not exist', async (_what, target, call) => {
    const { api } = elb({ [call]: () => denied('describing it') });
    const error = await discoverTraffic(target, { blue: BLUE, green: GREEN }, ctx(api)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).not.toBeInstanceOf(InputError);
    expect((error as AwsCallError).code).toBe('AccessDenied');
    expect((error as Error).message).not.toMatch(/does not exist/);
  });

  it.each([
    ['ListenerNotFound', { listenerArn: LISTENER }, 'describeListener', 'listener-arn'],
    ['ListenerNotFoundException', { listenerArn: LISTENER }, 'describeListener', 'listener-arn'],
    ['RuleNotFound', { ruleArn: RULE }, 'describeRule', 'listener-rule-arn'],
    ['RuleNotFoundException', { ruleArn: RULE }, 'describeRule', 'listener-rule-arn']
  ] as const)('%s is the input that names it, with the fix', async (code, target, call, input) => {
    const { api } = elb({ [call]: () => new AwsCallError('describing it', code, 'not found') });
    const error = await discoverTraffic(target, { blue: BLUE, green: GREEN }, ctx(api)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(new RegExp(`^${input}: .* does not exist`));
    expect((error as Error).message).toMatch(/check the ARN and the region/);
  });

  it('AccessDenied describing the target groups is AccessDenied, not "target group does not exist"', async () => {
    const { api } = elb({ describeTargetGroups: () => denied('describing target groups') });
    const error = await discoverTraffic({ listenerArn: LISTENER }, { blue: BLUE, green: GREEN }, ctx(api)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).not.toBeInstanceOf(InputErrors);
    expect((error as AwsCallError).code).toBe('AccessDenied');
  });

  it('a target group that is not found (either spelling of the code) is named as the input that is wrong', async () => {
    for (const code of ['TargetGroupNotFound', 'TargetGroupNotFoundException']) {
      const { api } = elb();
      const real = api.describeTargetGroups;
      api.describeTargetGroups = async (arns) => {
        if (arns.includes(GREEN)) throw new AwsCallError('describing target groups', code, 'One or more target groups not found');
        return real(arns);
      };
      const error = await discoverTraffic({ listenerArn: LISTENER }, { blue: BLUE, green: GREEN }, ctx(api)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputErrors);
      expect((error as Error).message).toContain(`green-target-group ${GREEN} does not exist (check the ARN and the region)`);
      expect((error as Error).message).not.toContain('blue-target-group');
    }
  });

  it('AccessDenied on the one-by-one retry is still AccessDenied', async () => {
    const { api } = elb();
    let calls = 0;
    api.describeTargetGroups = async () => {
      calls++;
      throw calls === 1
        ? new AwsCallError('describing target groups', 'TargetGroupNotFound', 'not found')
        : denied('describing target group');
    };
    const error = await discoverTraffic({ listenerArn: LISTENER }, { blue: BLUE, green: GREEN }, ctx(api)).catch((e: unknown) => e);
    expect((error as AwsCallError).code).toBe('AccessDenied');
  });
});

describe('withWeights keeps every other action as it is', () => {
  const oidc = (extra: Record<string, unknown> = {}): Action => ({
    Type: 'authenticate-oidc',
    Order: 1,
    AuthenticateOidcConfig: { Issuer: 'i', AuthorizationEndpoint: 'a', TokenEndpoint: 't', UserInfoEndpoint: 'u', ClientId: 'c', ...extra }
  });
  const fixed: Action = { Type: 'fixed-response', Order: 1, FixedResponseConfig: { StatusCode: '503' } };
  const cognito: Action = {
    Type: 'authenticate-cognito',
    Order: 1,
    AuthenticateCognitoConfig: { UserPoolArn: 'p', UserPoolClientId: 'c', UserPoolDomain: 'd' }
  };

  it.each([
    ['a fixed response', fixed],
    ['a Cognito authentication', cognito],
    ['an OIDC action that carries its secret', oidc({ ClientSecret: 's3cret' })],
    ['an OIDC action that already says whether to keep its secret', oidc({ UseExistingClientSecret: false })]
  ])('%s is written back unchanged', (_what, action) => {
    expect(withWeights([action, forward(100, 0)], { [BLUE]: 90, [GREEN]: 10 })[0]).toEqual(action);
  });

  it('a listener without a forward action is refused, naming it', () => {
    expect(() => withWeights([fixed], { [BLUE]: 90, [GREEN]: 10 }, 'listener L')).toThrow(
      'listener L has no forward action to set weights on'
    );
    expect(() => withWeights([fixed], { [BLUE]: 90, [GREEN]: 10 })).toThrow('the listener has no forward action to set weights on');
  });

  it('target groups this deployment does not manage are all named', () => {
    const three: Action = {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: BLUE, Weight: 1 },
          { TargetGroupArn: `${PREFIX}:targetgroup/x/1`, Weight: 1 },
          { TargetGroupArn: `${PREFIX}:targetgroup/y/2`, Weight: 1 }
        ]
      }
    };
    expect(() => withWeights([three], { [BLUE]: 90, [GREEN]: 10 })).toThrow(
      /^the listener also forwards to x, y, which this deployment does not manage/
    );
  });
});

describe('setWeights reports what it verified', () => {
  it('one apply that takes effect: one verified line, no warning', async () => {
    const { api } = elb();
    const c = ctx(api);
    await setWeights({ listenerArn: LISTENER }, { [BLUE]: 90, [GREEN]: 10 }, c);
    expect((c.reporter as RecordingReporter).lines).toEqual([`listener ${LISTENER} forwards 90/10 to web-blue/web-green (verified)`]);
  });

  it('weights that never take effect are a TrafficNotAppliedError', async () => {
    const { api } = elb();
    api.modifyListenerDefaultActions = async (_arn, next) => ({ ListenerArn: LISTENER, DefaultActions: next });
    const error = await setWeights({ listenerArn: LISTENER }, { [BLUE]: 90, [GREEN]: 10 }, ctx(api), { reads: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrafficNotAppliedError);
    expect((error as Error).name).toBe('TrafficNotAppliedError');
  });
});

describe("discoverTraffic checks the target groups against the listener's load balancer", () => {
  it('a listener answer without LoadBalancerArn uses the one in its ARN: target groups elsewhere are refused', async () => {
    const { api } = elb();
    api.describeListener = async () => ({ ListenerArn: LISTENER, DefaultActions: [forward(100, 0)] });
    api.describeTargetGroups = async (arns) =>
      arns.map((TargetGroupArn) => ({ TargetGroupArn, LoadBalancerArns: [`${PREFIX}:loadbalancer/app/other/1`] }));
    const error = await discoverTraffic({ listenerArn: LISTENER }, { blue: BLUE, green: GREEN }, ctx(api)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputErrors);
    expect((error as Error).message).toMatch(
      /is not on the load balancer of listener .* \(arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/web\/50dc6c495c0c9188\)/
    );
  });
});
