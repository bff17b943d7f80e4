import { describe, expect, it } from '@jest/globals';
import { readBlueGreenSettings } from '../../src/deploy/blue-green-settings.js';
import { InputError, InputErrors } from '../../src/errors.js';
import { Inputs } from '../../src/inputs.js';

const PREFIX = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const BLUE = `${PREFIX}:targetgroup/web-blue/1111111111111111`;
const GREEN = `${PREFIX}:targetgroup/web-green/2222222222222222`;
const LISTENER = `${PREFIX}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const RULE = `${PREFIX}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;

function inputs(values: Record<string, string>): Inputs {
  return new Inputs({ get: (n) => values[n] ?? '', label: (n) => `input \`${n}\`` });
}

const minimal = {
  'blue-service': 'web-blue',
  'green-service': 'web-green',
  'blue-target-group': BLUE,
  'green-target-group': GREEN,
  'listener-arn': LISTENER
};

function problem(values: Record<string, string>): string {
  try {
    readBlueGreenSettings(inputs(values));
  } catch (error) {
    if (error instanceof InputError || error instanceof InputErrors) return error.message;
    throw error;
  }
  throw new Error('expected an input error');
}

describe('readBlueGreenSettings', () => {
  it('fills the documented defaults', () => {
    expect(readBlueGreenSettings(inputs(minimal))).toEqual({
      colours: { blue: { service: 'web-blue', targetGroupArn: BLUE }, green: { service: 'web-green', targetGroupArn: GREEN } },
      target: { listenerArn: LISTENER },
      steps: [10, 50, 100],
      stepBakeMs: 30_000,
      finalBakeMs: 60_000,
      terminationWaitMs: 30_000,
      onInterrupted: 'fail',
      idleDesiredCount: 0
    });
  });

  it('reads every input', () => {
    const s = readBlueGreenSettings(
      inputs({
        ...minimal,
        'listener-arn': '',
        'listener-rule-arn': RULE,
        'traffic-steps': 'linear-25',
        'step-bake': '2m',
        'final-bake': '5m',
        'termination-wait': '0',
        'on-interrupted': 'resume',
        'idle-desired-count': '2',
        'smoke-test-url': 'http://test.internal:8080/health',
        'smoke-test-timeout': '3s'
      })
    );
    expect(s).toMatchObject({
      target: { ruleArn: RULE },
      steps: [25, 50, 75, 100],
      stepBakeMs: 120_000,
      finalBakeMs: 300_000,
      terminationWaitMs: 0,
      onInterrupted: 'resume',
      idleDesiredCount: 2,
      smokeTest: { url: 'http://test.internal:8080/health', timeoutMs: 3000 }
    });
  });

  it.each([
    [
      'a target group name instead of an ARN',
      { 'blue-target-group': 'web-blue' },
      /input `blue-target-group` is "web-blue", not a target group ARN \(give the ARN, not the name: `aws elbv2 describe-target-groups --names web-blue/
    ],
    [
      'a malformed target group ARN',
      { 'green-target-group': `${PREFIX}:loadbalancer/app/web/1` },
      /input `green-target-group` .* not a target group ARN \(an ELBv2 target group ARN looks like/
    ],
    ['neither listener nor rule', { 'listener-arn': '' }, /blue\/green needs input `listener-arn` or input `listener-rule-arn`/],
    ['both listener and rule', { 'listener-rule-arn': RULE }, /both input `listener-arn` and input `listener-rule-arn` are set/],
    [
      'a rule ARN given as the listener',
      { 'listener-arn': RULE },
      /input `listener-arn` .* not a listener ARN \(that is a listener rule ARN: set it as input `listener-rule-arn`\)/
    ],
    [
      'a listener ARN given as the rule',
      { 'listener-arn': '', 'listener-rule-arn': LISTENER },
      /not a listener rule ARN \(that is a listener ARN: set it as input `listener-arn`\)/
    ],
    ['the same service twice', { 'green-service': 'web-blue' }, /input `blue-service` and input `green-service` are both "web-blue"/],
    ['the same target group twice', { 'green-target-group': BLUE }, /are the same target group/],
    ['bad traffic steps', { 'traffic-steps': '10,50' }, /input `traffic-steps` ends at 50 %/],
    ['bad on-interrupted', { 'on-interrupted': 'reset' }, /input `on-interrupted` is "reset" \(use one of: fail, rollback, resume\)/],
    ['a negative idle count', { 'idle-desired-count': '-1' }, /input `idle-desired-count` is "-1"/],
    ['a bad duration', { 'step-bake': 'soon' }, /input `step-bake`: "soon" is not a duration/],
    ['a smoke test that is not http', { 'smoke-test-url': 'ftp://x' }, /input `smoke-test-url` is "ftp:\/\/x", not an http\(s\) URL/],
    ['a missing service', { 'blue-service': '' }, /input `blue-service` is required/]
  ])('%s → a message naming the input', (_name, override, message) => {
    expect(problem({ ...minimal, ...override })).toMatch(message);
  });

  it('reports every problem at once', () => {
    const message = problem({
      'blue-service': 'a',
      'green-service': 'b',
      'blue-target-group': 'x',
      'green-target-group': 'y',
      'traffic-steps': '0'
    });
    expect(message).toMatch(/^4 problems:/);
    for (const input of ['blue-target-group', 'green-target-group', 'listener-arn', 'traffic-steps'])
      expect(message).toContain(`input \`${input}\``);
  });
});

describe('bounds', () => {
  it.each([
    [{ 'idle-desired-count': '5001' }, 'input `idle-desired-count` is "5001" (use a whole number from 0 to 5000)'],
    [{ 'step-bake': '600h' }, 'input `step-bake` is 600h, longer than 6h'],
    [{ 'final-bake': '7h' }, 'input `final-bake` is 7h, longer than 6h'],
    [{ 'termination-wait': '7h' }, 'input `termination-wait` is 7h, longer than 6h'],
    [
      { 'smoke-test-url': 'http://x/health', 'smoke-test-timeout': '0' },
      'input `smoke-test-timeout` is 0 (use a positive duration, e.g. 10s)'
    ],
    [{ 'smoke-test-url': 'http://x/health', 'smoke-test-timeout': '1h' }, 'input `smoke-test-timeout` is 1h, longer than 5m']
  ])('%j is refused', (extra, message) => {
    expect(problem({ ...minimal, ...extra })).toContain(message);
  });
});
