/** The pure parts of the CodeDeploy strategy: the official inputs' defaults, the AppSpec, verdicts from GetDeployment. */
import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { appSpecContent, appSpecTarget, defaultAppSpec, parseAppSpec, withTaskDefinition } from '../../src/deploy/codedeploy/appspec.js';
import { codeDeployNames, readCodeDeploySettings, truncateDescription } from '../../src/deploy/codedeploy/settings.js';
import { unusedByCodeDeploy } from '../../src/deploy/codedeploy/preflight.js';
import { readDeploySettings } from '../../src/deploy/settings.js';
import { analyseReplacement, readProgress, readRollback, sharesByName, taskSetsOf } from '../../src/deploy/codedeploy/verdict.js';
import { Inputs } from '../../src/inputs.js';

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/pay:7';
const inputs = (values: Record<string, string>) => new Inputs({ get: (n) => values[n] ?? '', label: (n) => `input \`${n}\`` });

describe('settings: the official deploy action’s inputs and defaults', () => {
  test('defaults: appspec.yaml in the workspace, AppECS-{cluster}-{service}, DgpECS-{cluster}-{service}', () => {
    const s = readCodeDeploySettings(inputs({}), { GITHUB_WORKSPACE: '/ws' });
    expect(s.appspec).toEqual({ path: 'appspec.yaml', resolved: '/ws/appspec.yaml', given: false });
    expect(codeDeployNames(s, 'arn:aws:ecs:us-east-1:123456789012:cluster/prod', 'pay')).toEqual({
      application: 'AppECS-prod-pay',
      group: 'DgpECS-prod-pay'
    });
    expect(s.deploymentConfig).toBeUndefined();
  });

  test('given values are kept; a description over 512 characters is cut to 511 plus an ellipsis, as the official action does', () => {
    const s = readCodeDeploySettings(
      inputs({
        'codedeploy-appspec': '/abs/spec.json',
        'codedeploy-application': 'pay-app',
        'codedeploy-deployment-group': 'pay-dg',
        'codedeploy-deployment-description': 'x'.repeat(600),
        'codedeploy-deployment-config': 'CodeDeployDefault.ECSAllAtOnce'
      }),
      {}
    );
    expect(s.appspec).toEqual({ path: '/abs/spec.json', resolved: '/abs/spec.json', given: true });
    expect(codeDeployNames(s, 'prod', 'pay')).toEqual({ application: 'pay-app', group: 'pay-dg' });
    expect(s.description).toHaveLength(512);
    expect(s.description!.endsWith('…')).toBe(true);
    expect(truncateDescription('short')).toBe('short');
  });

  test('names longer than CodeDeploy takes are refused naming each input', () => {
    expect(() =>
      readCodeDeploySettings(inputs({ 'codedeploy-application': 'a'.repeat(101), 'codedeploy-deployment-group': 'g'.repeat(101) }), {})
    ).toThrow(
      /2 problems:[\s\S]*input `codedeploy-application` has 101 characters[\s\S]*input `codedeploy-deployment-group` has 101 characters/
    );
  });
});

describe('rolling-update inputs with a CODE_DEPLOY service', () => {
  const unused = (values: Record<string, string>) =>
    unusedByCodeDeploy(readDeploySettings(inputs({ service: 'pay', 'wait-for-service-stability': 'true', ...values })));

  test('are named for the warning line, never silently dropped; nothing when none is set', () => {
    expect(unused({})).toEqual([]);
    expect(
      unused({
        'desired-count': '4',
        'force-new-deployment': 'true',
        'propagate-tags': 'SERVICE',
        'enable-ecs-managed-tags': 'true',
        'circuit-breaker': 'false',
        'bake-time': '5m',
        'health-check-grace-period': '60'
      })
    ).toEqual([
      'desired-count',
      'force-new-deployment',
      'propagate-tags',
      'enable-ecs-managed-tags',
      'health-check-grace-period',
      'circuit-breaker',
      'bake-time'
    ]);
  });

  test('enable-ecs-managed-tags is used when a migration task runs (RunTask takes it)', () => {
    expect(unused({ 'enable-ecs-managed-tags': 'true', 'run-task': 'true' })).toEqual([]);
  });
});

describe('AppSpec', () => {
  test('every resource’s TaskDefinition is replaced whatever its case, the rest kept; sent as JSON with the sha256 of that text', () => {
    const spec = parseAppSpec(
      'version: 0.0\nresources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      properties:\n        taskdefinition: "<TD>"\n        LoadBalancerInfo: {ContainerName: pay, ContainerPort: 8080}\n',
      'appspec.yaml'
    );
    const out = withTaskDefinition(spec, ARN);
    expect(out).toEqual({
      version: 0,
      resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            properties: { taskdefinition: ARN, LoadBalancerInfo: { ContainerName: 'pay', ContainerPort: 8080 } }
          }
        }
      ]
    });
    expect(JSON.stringify(spec)).toContain('<TD>');
    const { content, sha256 } = appSpecContent(out);
    expect(JSON.parse(content)).toEqual(out);
    expect(sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(appSpecTarget(out)).toEqual({ containerName: 'pay', containerPort: 8080 });
  });

  test('written from the service when there is no appspec.yaml', () => {
    expect(defaultAppSpec(ARN, { containerName: 'pay', containerPort: 8080 })).toEqual({
      version: 0,
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: { TaskDefinition: ARN, LoadBalancerInfo: { ContainerName: 'pay', ContainerPort: 8080 } }
          }
        }
      ]
    });
  });

  test.each([
    ['not: [valid', /appspec.yaml: is neither JSON nor YAML/],
    ['version: 0.0\n', /appspec.yaml Resources: has no Resources list/],
    ['Resources:\n  - TargetService:\n      Type: AWS::ECS::Service\n', /Resources\[0\].TargetService: has no Properties/],
    [
      'Resources:\n  - TargetService:\n      Properties:\n        LoadBalancerInfo: {}\n',
      /Resources\[0\].TargetService.Properties: has no TaskDefinition \(add TaskDefinition/
    ],
    ['a: &x [1]\nb: *x\nResources: []\n', /uses YAML aliases/],
    ['Resources: []\nResources: []\n', /neither JSON nor YAML: .*unique/i]
  ])('%j is refused naming the file and field', (text, message) => {
    expect(() => parseAppSpec(text, 'appspec.yaml')).toThrow(message);
  });
});

describe('verdicts from GetDeployment', () => {
  const d = (over: Partial<DeploymentInfo>): DeploymentInfo => ({ deploymentId: 'd-AAAAAAAAA', ...over });
  test.each([
    ['Created', { kind: 'pending', status: 'Created' }],
    ['Queued', { kind: 'pending', status: 'Queued' }],
    ['InProgress', { kind: 'in-progress' }],
    ['Ready', { kind: 'ready' }],
    ['Baking', { kind: 'baking' }],
    ['Succeeded', { kind: 'succeeded' }]
  ] as const)('%s', (status, want) => {
    expect(readProgress(d({ status }))).toEqual(want);
  });

  test('a stopped deployment is only ended, with CodeDeploy’s reason and its rollback deployment; the rollback decides', () => {
    const stopped = d({
      status: 'Stopped',
      errorInformation: { code: 'ALARM_ACTIVE', message: 'Activated alarms: <pay-5xx>.' },
      rollbackInfo: { rollbackDeploymentId: 'd-BBBBBBBBB' }
    });
    expect(readProgress(stopped)).toEqual({
      kind: 'ended',
      status: 'Stopped',
      reason: 'ALARM_ACTIVE: Activated alarms: <pay-5xx>',
      rollbackDeploymentId: 'd-BBBBBBBBB'
    });
    expect(readRollback(d({ status: 'InProgress' }))).toEqual({ kind: 'running' });
    expect(readRollback(d({ status: 'Succeeded' }))).toEqual({ kind: 'succeeded' });
    expect(readRollback(d({ status: 'Failed', errorInformation: { code: 'ECS_UPDATE_ERROR', message: 'boom' } }))).toEqual({
      kind: 'failed',
      reason: 'Failed: ECS_UPDATE_ERROR: boom'
    });
  });

  test('the replacement task set: by externalId, else our revision; held while starting, failed when it serves with no task', () => {
    const original = { id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: 'pay:1' };
    const replacement = {
      id: 'ecs-svc/2',
      status: 'ACTIVE',
      taskDefinition: ARN,
      externalId: 'd-AAAAAAAAA',
      computedDesiredCount: 2,
      runningCount: 0,
      pendingCount: 2
    };
    const sets = taskSetsOf({ taskSets: [original, replacement] }, { deploymentId: 'd-AAAAAAAAA', taskDefinitionArn: ARN });
    expect(sets).toEqual({ original, replacement });
    expect(analyseReplacement(replacement, false).phase).toBe('inconclusive');
    expect(analyseReplacement(replacement, true)).toEqual({
      phase: 'fail',
      reason: 'the replacement task set ecs-svc/2 runs 0 of 2 task(s): production traffic reaches no task of the new revision'
    });
    expect(analyseReplacement({ ...replacement, runningCount: 2, stabilityStatus: 'STEADY_STATE' }, true).phase).toBe('pass');
    expect(analyseReplacement(undefined, true).phase).toBe('fail');
  });

  test('production shares are read by target group name', () => {
    const tg = (n: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${n}/0123456789abcdef`;
    expect(sharesByName({ [tg('pay-blue')]: 90, [tg('pay-green')]: 10 }, { blue: 'pay-blue', green: 'pay-green' })).toEqual({
      blue: 90,
      green: 10,
      other: 0
    });
  });
});
