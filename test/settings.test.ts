/** All inputs are read once, and every problem in every group is reported together. */
import { expect, test } from '@jest/globals';
import { InputErrors } from '../src/errors.js';
import { inputDefault, Inputs, type InputSource } from '../src/inputs.js';
import { deploymentIntended, readSettings } from '../src/settings.js';

function inputs(values: Record<string, string>): Inputs {
  const source: InputSource = { get: (n) => values[n] ?? '', label: (n) => `input \`${n}\`` };
  return new Inputs(source);
}

test('problems from several groups, some with several problems each, come back together', () => {
  let thrown: unknown;
  try {
    readSettings(
      inputs({
        'task-definition': 'web.json',
        images: 'no equals sign',
        'environment-variables': 'ALSO BAD',
        'container-name': 'web',
        'poll-interval': 'fast',
        'cpu-alarm-threshold': '150'
      }),
      {}
    );
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InputErrors);
  const messages = (thrown as InputErrors).errors.map((e) => e.message).join('\n');
  expect(messages).toMatch(/input `images`/);
  expect(messages).toMatch(/input `environment-variables`/);
  expect(messages).toMatch(/input `poll-interval`/);
  expect(messages).toMatch(/input `cpu-alarm-threshold`/);
});

const TG = (name: string): string => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0123456789abcdef`;
const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
const blueGreen = {
  'blue-service': 'web-blue',
  'green-service': 'web-green',
  'blue-target-group': TG('web-blue'),
  'green-target-group': TG('web-green'),
  'listener-arn': LISTENER
};

function messages(values: Record<string, string>): string {
  try {
    readSettings(inputs({ 'task-definition': 'web.json', ...values }), {});
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((e) => e.message).join('\n');
    if (error instanceof Error) return error.message;
  }
  throw new Error('expected input errors');
}

test('blue/green inputs without strategy: blue-green fail, instead of silently only registering', () => {
  expect(messages(blueGreen)).toBe(
    'input `blue-service`, input `green-service`, input `blue-target-group`, input `green-target-group`, input `listener-arn` are set but input `strategy` is rolling, which ignores them (set strategy: blue-green to deploy blue/green, or remove them)'
  );
  expect(messages({ 'listener-rule-arn': 'x' })).toMatch(
    /^input `listener-rule-arn` is set but input `strategy` is rolling, which ignores it \(set strategy: blue-green/
  );
  expect(messages({ service: 'web', 'traffic-steps': 'canary-10' })).toMatch(
    /input `traffic-steps` is set but input `strategy` is rolling/
  );
});

test("a blue/green input left at action.yml's default (as the runner passes it) is not mistaken for one the user set", () => {
  const s = readSettings(
    inputs({ 'task-definition': 'web.json', service: 'web', 'traffic-steps': '10,50,100', 'step-bake': '30s', 'on-interrupted': 'fail' }),
    {}
  );
  expect(s.mode).toBe('deploy');
});

test('service with strategy: blue-green fails and says which inputs blue/green uses', () => {
  expect(messages({ ...blueGreen, strategy: 'blue-green', service: 'web' })).toBe(
    'input `service` is set but input `strategy` is blue-green, which does not use it (blue/green deploys input `blue-service` and input `green-service` with input `blue-target-group`, input `green-target-group` and input `listener-arn` (or input `listener-rule-arn`): remove input `service`, or use strategy: rolling)'
  );
});

test('CodeDeploy inputs with strategy blue-green or ecs-native are refused, not ignored', () => {
  expect(messages({ ...blueGreen, strategy: 'blue-green', 'codedeploy-application': 'pay-app' })).toMatch(
    /input `codedeploy-application` is set but input `strategy` is blue-green, which ignores it \(a service on the CODE_DEPLOY controller is deployed through CodeDeploy/
  );
  expect(messages({ 'task-definition': 'web.json', service: 'shop', strategy: 'ecs-native', 'codedeploy-deployment-group': 'g' })).toMatch(
    /input `codedeploy-deployment-group` is set but input `strategy` is ecs-native/
  );
});

test.each([
  [{ 'run-task': 'true' }, /input `run-task` is "true" but only rolling deployments use it/],
  [{ 'bake-time': '5m' }, /input `bake-time` is "5m" but only rolling deployments use it/],
  [{ 'ecs-alarm-rollback': 'true', alarms: 'x' }, /input `ecs-alarm-rollback` is "true" but only rolling/]
])('rolling-only %j with blue-green is refused', (extra, message) => {
  expect(messages({ ...blueGreen, strategy: 'blue-green', ...extra })).toMatch(message);
});

test('rolling-only inputs at their "off" values are fine with blue-green', () => {
  const s = readSettings(
    inputs({
      'task-definition': 'web.json',
      ...blueGreen,
      strategy: 'blue-green',
      'run-task': 'false',
      'bake-time': '0',
      'ecs-alarm-rollback': 'false'
    }),
    {}
  );
  expect(s.mode).toBe('deploy');
});

test.each<[Record<string, string>, boolean]>([
  [{ service: 'web' }, true],
  [{ strategy: 'blue-green' }, true],
  [{ 'blue-service': 'web-blue' }, true],
  [{ 'listener-arn': LISTENER, 'wait-for-minutes': 'bad' }, true],
  [{ 'traffic-steps': '10,50,100' }, false],
  [{ register: 'false' }, false],
  [{}, false]
])('deploymentIntended(%j) is %s, from the raw inputs alone', (values, intended) => {
  expect(deploymentIntended({ get: (n) => values[n] ?? inputDefault(n), label: (n) => n })).toBe(intended);
});

test('deploymentIntended is false, not a throw, when the inputs cannot be read', () => {
  expect(
    deploymentIntended({
      get: () => {
        throw new Error('no inputs');
      },
      label: (n) => n
    })
  ).toBe(false);
});
