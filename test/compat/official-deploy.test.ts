/** The official deploy action's inputs (v2.6.3) as ecs-rollout reads them, and what reaches RunTask and UpdateService. */
import { describe, expect, test } from '@jest/globals';
import { readDeploySettings } from '../../src/deploy/settings.js';
import { runTaskInput } from '../../src/deploy/migrate.js';
import { updateInput } from '../../src/deploy/rolling.js';
import { Inputs, type InputSource } from '../../src/inputs.js';
import { readSettings } from '../../src/settings.js';
import { INPUTS, OUTPUTS } from '../../src/generated/action-spec.js';
import { OFFICIAL_INPUTS, OFFICIAL_OUTPUTS } from '../../src/compat/official.js';
import { InputErrors } from '../../src/errors.js';

function inputs(values: Record<string, string>): Inputs {
  const source: InputSource = { get: (n) => values[n] ?? '', label: (n) => `input \`${n}\`` };
  return new Inputs(source);
}
const read = (values: Record<string, string>) =>
  readDeploySettings(inputs({ service: 'web', 'wait-for-service-stability': 'true', ...values }));
const problems = (values: Record<string, string>): string => {
  try {
    readSettings(inputs({ 'task-definition': 'td.json', ...values }), {});
  } catch (error) {
    return error instanceof InputErrors ? error.errors.map((e) => e.message).join('\n') : String(error);
  }
  throw new Error('expected input errors');
};
const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2';
const service = {
  serviceName: 'web',
  launchType: 'FARGATE' as const,
  networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-svc'], securityGroups: ['sg-svc'] } }
};
const opts = { cluster: 'prod', taskDefinitionArn: TD, service, pollIntervalMs: 1, timeoutMs: 1 };

describe('the compat spec', () => {
  test('every input and output of both official actions is declared in action.yml (input names are case-insensitive)', () => {
    const ours = new Set(INPUTS.map((i) => i.name.toLowerCase()));
    expect(OFFICIAL_INPUTS.filter((i) => !ours.has(i.name.toLowerCase())).map((i) => i.name)).toEqual([]);
    expect(OFFICIAL_OUTPUTS.filter((o) => !OUTPUTS.some((x) => x.name === o.name)).map((o) => o.name)).toEqual([]);
  });

  test('the spec lists exactly the inputs and outputs of the official action.yml files at render v1.9.0 and deploy v2.6.3, in order', () => {
    // Copied from aws-actions/amazon-ecs-{render,deploy}-task-definition action.yml at those tags.
    const render = [
      'task-definition',
      'task-definition-arn',
      'task-definition-family',
      'task-definition-revision',
      'container-name',
      'image',
      'environment-variables',
      'log-configuration-log-driver',
      'log-configuration-options',
      'docker-labels',
      'command',
      'task-role-arn',
      'execution-role-arn',
      'env-files',
      'secrets'
    ];
    const deploy = [
      'task-definition',
      'desired-count',
      'service',
      'cluster',
      'wait-for-service-stability',
      'wait-for-minutes',
      'wait-max-delay-seconds',
      'codedeploy-appspec',
      'codedeploy-application',
      'codedeploy-deployment-group',
      'codedeploy-deployment-description',
      'codedeploy-deployment-config',
      'force-new-deployment',
      'service-managed-ebs-volume-name',
      'service-managed-ebs-volume',
      'run-task',
      'run-task-container-overrides',
      'run-task-security-groups',
      'run-task-subnets',
      'run-task-assign-public-IP',
      'run-task-capacity-provider-strategy',
      'run-task-launch-type',
      'run-task-started-by',
      'run-task-tags',
      'run-task-managed-ebs-volume-name',
      'run-task-managed-ebs-volume',
      'wait-for-task-stopped',
      'enable-ecs-managed-tags',
      'propagate-tags',
      'keep-null-value-keys',
      'max-retries'
    ];
    expect(OFFICIAL_INPUTS.filter((i) => i.action === 'render').map((i) => i.name)).toEqual(render);
    expect(OFFICIAL_INPUTS.filter((i) => i.action === 'deploy').map((i) => i.name)).toEqual(deploy);
    expect(OFFICIAL_OUTPUTS.map((o) => o.name).sort()).toEqual([
      'codedeploy-deployment-id',
      'run-task-arn',
      'task-definition',
      'task-definition-arn'
    ]);
  });
});

describe('run-task with the official JSON inputs', () => {
  const values = {
    'run-task': 'true',
    'wait-for-task-stopped': 'true',
    'run-task-container-overrides':
      '[{"name": "web", "command": ["sh", "-c", "npm run migrate"], "environment": [{"name": "MODE", "value": "up"}]}]',
    'run-task-capacity-provider-strategy': '[{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]',
    'run-task-tags': '[{"key": "team", "value": "web"}]',
    'run-task-managed-ebs-volume-name': 'scratch',
    'run-task-managed-ebs-volume':
      '{"roleArn": "arn:aws:iam::123456789012:role/ebs", "sizeInGiB": 20, "volumeType": "gp3", "throughput": 250}',
    'enable-ecs-managed-tags': 'true'
  };

  test('container overrides, capacity providers, tags, managed tags and the EBS volume reach RunTask', () => {
    const s = read(values);
    const input = runTaskInput(s.runTask!, opts, 'web');
    expect(input).toMatchObject({
      overrides: {
        containerOverrides: [{ name: 'web', command: ['sh', '-c', 'npm run migrate'], environment: [{ name: 'MODE', value: 'up' }] }]
      },
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }],
      tags: [{ key: 'team', value: 'web' }],
      enableECSManagedTags: true,
      volumeConfigurations: [
        {
          name: 'scratch',
          managedEBSVolume: { roleArn: 'arn:aws:iam::123456789012:role/ebs', sizeInGiB: 20, volumeType: 'gp3', throughput: 250 }
        }
      ],
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-svc'], securityGroups: ['sg-svc'] } }
    });
    expect(input.launchType).toBeUndefined();
    expect(s.warnings).toEqual([]);
  });

  test('run-task-launch-type beside a capacity provider strategy is ignored with a warning, as RunTask takes one', () => {
    const s = read({ ...values, 'run-task-launch-type': 'EC2' });
    expect(runTaskInput(s.runTask!, opts, 'web').launchType).toBeUndefined();
    expect(s.warnings).toEqual([expect.stringMatching(/run-task-launch-type is ignored: run-task-capacity-provider-strategy is set/)]);
  });

  test('defaults that differ from the official action say so in one line each', () => {
    const s = readDeploySettings(inputs({ service: 'web', 'run-task': 'true' }));
    expect(s.warnings).toEqual([
      expect.stringMatching(/^wait-for-task-stopped is not set: waiting for the one-off task.*official deploy action does not wait/),
      expect.stringMatching(/^run-task-launch-type is not set: .*official deploy action's default is FARGATE/),
      expect.stringMatching(/^wait-for-service-stability is not set/)
    ]);
    expect(s.warnings!.every((w) => !w.includes('\n'))).toBe(true);
  });

  test('wait-for-task-stopped: false is honoured', () => {
    expect(read({ 'run-task': 'true', 'wait-for-task-stopped': 'false' }).runTask?.waitForStop).toBe(false);
  });

  test.each([
    [{ 'run-task-container-overrides': '{"name": "web"}' }, /input `run-task-container-overrides` is a JSON object, not an array/],
    [
      { 'run-task-container-overrides': '[{"name": "web", "comand": ["x"]}]' },
      /input `run-task-container-overrides`\[0\] has an unknown key "comand".*did you mean "command"/
    ],
    [{ 'run-task-container-overrides': '[{"command": ["x"]}]' }, /\[0\] has no "name"/],
    [{ 'run-task-container-overrides': '[{"name": "web"' }, /input `run-task-container-overrides` is not valid JSON/],
    [
      { 'run-task-container-overrides': '[{"name": "web"}]', 'run-task-command': 'x' },
      /run-task-container-overrides` and input `run-task-command` are both set/
    ],
    [{ 'run-task-capacity-provider-strategy': '[{"capacityProvider": "FARGATE", "weight": 1.5}]' }, /\[0\]\.weight is 1\.5/],
    [{ 'run-task-tags': '[{"Key": "team"}]' }, /run-task-tags`\[0\] has an unknown key "Key".*did you mean "key"/],
    [
      { 'run-task-managed-ebs-volume-name': 'v', 'run-task-managed-ebs-volume': '{"sizeInGiB": 20}' },
      /run-task-managed-ebs-volume` has no "roleArn"/
    ],
    [
      { 'run-task-managed-ebs-volume': '{"roleArn": "r"}' },
      /run-task-managed-ebs-volume` is set without input `run-task-managed-ebs-volume-name`/
    ],
    [
      {
        'run-task-managed-ebs-volume-name': 'v',
        'run-task-managed-ebs-volume': '{"roleArn": "r", "throughput": 200, "volumeType": "gp2"}'
      },
      /throughput for volumeType gp2/
    ]
  ])('%j is refused, naming the input and the fix', (extra, message) => {
    expect(() => read({ 'run-task': 'true', ...extra })).toThrow(message);
  });

  test('run-task without a service is a task run on its own, as the official action allows', () => {
    const s = readSettings(inputs({ 'task-definition': 'td.json', 'run-task': 'true', 'run-task-subnets': 'subnet-1' }), {});
    expect(s.mode).toBe('run-task');
    expect(s.deploy.service).toBeUndefined();
    expect(s.deploy.runTask).toMatchObject({ subnets: ['subnet-1'] });
  });

  test('run-task-* inputs without run-task: true are not silently dropped', () => {
    expect(read({ 'run-task-tags': '[]' }).warnings).toEqual([expect.stringMatching(/run-task-tags is set but run-task is not true/)]);
  });
});

describe('the other deploy inputs', () => {
  test('wait-max-delay-seconds caps the poll interval (polls never back off), and never lengthens it', () => {
    expect(read({ 'wait-max-delay-seconds': '2' }).pollIntervalMs).toBe(2000);
    expect(read({ 'wait-max-delay-seconds': '15' }).pollIntervalMs).toBe(5000);
    expect(() => read({ 'wait-max-delay-seconds': '0' })).toThrow(/input `wait-max-delay-seconds` is "0".*from 1 to 3600/);
  });

  test('max-retries sets the attempts per AWS call; unset, the clients keep their own', () => {
    expect(read({ 'max-retries': '3' }).maxAttempts).toBe(3);
    expect(read({})).not.toHaveProperty('maxAttempts');
    expect(() => read({ 'max-retries': 'three' })).toThrow(/input `max-retries` is "three"/);
  });

  test('the service managed EBS volume reaches UpdateService', () => {
    const s = read({
      'service-managed-ebs-volume-name': 'data',
      'service-managed-ebs-volume': '{"roleArn": "arn:aws:iam::123456789012:role/ebs", "sizeInGiB": 50, "encrypted": true}'
    });
    expect(updateInput(s, 'web', TD, {}, {}).volumeConfigurations).toEqual([
      { name: 'data', managedEBSVolume: { roleArn: 'arn:aws:iam::123456789012:role/ebs', sizeInGiB: 50, encrypted: true } }
    ]);
  });

  test('a volume name without its configuration is sent as nothing, with a warning (as the official action does)', () => {
    const s = read({ 'service-managed-ebs-volume-name': 'data' });
    expect(s.serviceVolume).toBeUndefined();
    expect(s.warnings).toEqual([expect.stringMatching(/service-managed-ebs-volume-name is set without service-managed-ebs-volume/)]);
  });

  test('the codedeploy-* inputs are read with their meaning (a service on another controller refuses them once described, before any change)', () => {
    const s = readSettings(
      inputs({
        'task-definition': 'td.json',
        service: 'pay',
        'codedeploy-application': 'pay-app',
        'codedeploy-deployment-group': 'pay-dg',
        'codedeploy-deployment-config': 'CodeDeployDefault.ECSCanary10Percent5Minutes',
        'codedeploy-deployment-description': 'x'.repeat(600)
      }),
      { GITHUB_WORKSPACE: '/repo' }
    );
    expect(s.codeDeploy).toMatchObject({
      application: 'pay-app',
      deploymentGroup: 'pay-dg',
      deploymentConfig: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
      appspec: { path: 'appspec.yaml', resolved: '/repo/appspec.yaml', given: false }
    });
    expect(s.codeDeploy.description).toHaveLength(512);
    expect(problems({ service: 'pay', 'codedeploy-application': 'a'.repeat(101) })).toMatch(
      /input `codedeploy-application` has 101 characters/
    );
  });

  test('service managed EBS volumes with another strategy are refused (only the rolling update sends them)', () => {
    expect(problems({ strategy: 'ecs-native', service: 'web', 'service-managed-ebs-volume-name': 'data' })).toMatch(
      /service-managed-ebs-volume-name/
    );
  });
});
