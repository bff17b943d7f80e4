/**
 * The blue/green inputs, read and validated once, up front: every problem is reported
 * together, before any AWS call.
 */
import { InputError, InputProblems } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { type ColourMap, ON_INTERRUPTED, type OnInterrupted } from './colours.js';
import { MAX_DEPLOY_MS, MAX_POLL_MS, MAX_TASKS_PER_SERVICE } from './settings.js';
import { parseTrafficSteps } from './steps.js';
import type { TrafficTarget } from './traffic.js';

export interface ColourSettings {
  /** ECS service name or ARN. */
  service: string;
  /** ELBv2 target group ARN the service registers its tasks in. */
  targetGroupArn: string;
}

export interface BlueGreenSettings {
  colours: ColourMap<ColourSettings>;
  /** The listener's default action, or one listener rule, that forwards to both target groups. */
  target: TrafficTarget;
  /** Percentages of traffic for the new colour, increasing, ending at 100. */
  steps: number[];
  /** Gates are watched this long after each step (ms). */
  stepBakeMs: number;
  /** Gates are watched this long at 100 % before the old colour is retired (ms). */
  finalBakeMs: number;
  /** Wait after the final bake before the old colour is scaled down (ms). */
  terminationWaitMs: number;
  /** When the listener is not at 100/0: fail (default), rollback or resume. */
  onInterrupted: OnInterrupted;
  /** Desired count of the old colour after promotion; 0 (the default) scales it down. */
  idleDesiredCount: number;
  /** Optional HTTP GET that must answer 2xx before the first shift. */
  smokeTest?: { url: string; timeoutMs: number };
}

const TG_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d+:targetgroup\/[A-Za-z0-9-]{1,32}\/[A-Za-z0-9]+$/;
const LISTENER_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d+:listener\/(app|net|gwy)\/[^/]+\/[^/]+\/[^/]+$/;
const RULE_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d+:listener-rule\/(app|net|gwy)\/[^/]+\/[^/]+\/[^/]+\/[^/]+$/;

const TG_EXAMPLE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef';

function targetGroupArn(inputs: Inputs, name: string): string {
  const v = inputs.required(name);
  if (TG_ARN.test(v)) return v;
  const fix = v.startsWith('arn:')
    ? `an ELBv2 target group ARN looks like ${TG_EXAMPLE}`
    : `give the ARN, not the name: \`aws elbv2 describe-target-groups --names ${v} --query 'TargetGroups[0].TargetGroupArn'\``;
  throw new InputError(`${inputs.label(name)} is "${v}", not a target group ARN`, {}, fix);
}

function trafficTarget(inputs: Inputs): TrafficTarget {
  const listener = inputs.string('listener-arn');
  const rule = inputs.string('listener-rule-arn');
  const both = `${inputs.label('listener-arn')} or ${inputs.label('listener-rule-arn')}`;
  if (listener && rule)
    throw new InputError(
      `both ${inputs.label('listener-arn')} and ${inputs.label('listener-rule-arn')} are set`,
      {},
      `set only one: the listener's default action or one of its rules`
    );
  if (!listener && !rule)
    throw new InputError(`blue/green needs ${both}`, {}, 'give the listener (or listener rule) that forwards to both target groups');
  if (listener) {
    if (LISTENER_ARN.test(listener)) return { listenerArn: listener };
    const fix = RULE_ARN.test(listener)
      ? `that is a listener rule ARN: set it as ${inputs.label('listener-rule-arn')}`
      : 'a listener ARN looks like arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
    throw new InputError(`${inputs.label('listener-arn')} is "${listener}", not a listener ARN`, {}, fix);
  }
  if (RULE_ARN.test(rule!)) return { ruleArn: rule! };
  const fix = LISTENER_ARN.test(rule!)
    ? `that is a listener ARN: set it as ${inputs.label('listener-arn')}`
    : 'a listener rule ARN looks like arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
  throw new InputError(`${inputs.label('listener-rule-arn')} is "${rule}", not a listener rule ARN`, {}, fix);
}

function smokeTest(inputs: Inputs): BlueGreenSettings['smokeTest'] {
  const url = inputs.string('smoke-test-url');
  const timeoutMs = inputs.duration('smoke-test-timeout', '10s', {
    max: MAX_POLL_MS,
    positive: true,
    zeroFix: 'use a positive duration, e.g. 10s'
  });
  if (url === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
    throw new InputError(
      `${inputs.label('smoke-test-url')} is "${url}", not an http(s) URL`,
      {},
      'use e.g. http://internal-web-123.us-east-1.elb.amazonaws.com:8080/health'
    );
  }
  return { url, timeoutMs };
}

export function readBlueGreenSettings(inputs: Inputs): BlueGreenSettings {
  const c = new InputProblems();
  const blueService = c.read(() => inputs.required('blue-service'), '');
  const greenService = c.read(() => inputs.required('green-service'), '');
  const blueTg = c.read(() => targetGroupArn(inputs, 'blue-target-group'), '');
  const greenTg = c.read(() => targetGroupArn(inputs, 'green-target-group'), '');
  const target = c.read<TrafficTarget>(() => trafficTarget(inputs), { listenerArn: '' });
  const steps = c.read(() => parseTrafficSteps(inputs.string('traffic-steps') ?? '10,50,100', inputs.label('traffic-steps')), [100]);
  const stepBakeMs = c.read(() => inputs.duration('step-bake', '30s', { max: MAX_DEPLOY_MS }), 0);
  const finalBakeMs = c.read(() => inputs.duration('final-bake', '60s', { max: MAX_DEPLOY_MS }), 0);
  const terminationWaitMs = c.read(() => inputs.duration('termination-wait', '30s', { max: MAX_DEPLOY_MS }), 0);
  const onInterrupted = c.read(() => inputs.oneOf('on-interrupted', ON_INTERRUPTED, 'fail'), 'fail');
  const idleDesiredCount = c.read(() => inputs.int('idle-desired-count', { min: 0, max: MAX_TASKS_PER_SERVICE }) ?? 0, 0);
  const smoke = c.read(() => smokeTest(inputs), undefined);

  if (blueService && blueService === greenService) {
    c.add(
      new InputError(
        `${inputs.label('blue-service')} and ${inputs.label('green-service')} are both "${blueService}"`,
        {},
        'blue/green needs two services, one per colour'
      )
    );
  }
  if (blueTg && blueTg === greenTg) {
    c.add(
      new InputError(
        `${inputs.label('blue-target-group')} and ${inputs.label('green-target-group')} are the same target group`,
        {},
        'give each colour its own target group'
      )
    );
  }
  c.throwIfAny();

  return {
    colours: {
      blue: { service: blueService, targetGroupArn: blueTg },
      green: { service: greenService, targetGroupArn: greenTg }
    },
    target,
    steps,
    stepBakeMs,
    finalBakeMs,
    terminationWaitMs,
    onInterrupted,
    idleDesiredCount,
    ...(smoke ? { smokeTest: smoke } : {})
  };
}
