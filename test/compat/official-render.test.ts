/** The official render action's inputs, as a workflow written for aws-actions/amazon-ecs-render-task-definition v1.9.0 uses them. */
import { describe, expect, test } from '@jest/globals';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { inputErrors, render, stubEcs } from '../render/helpers.js';

const two = JSON.stringify({
  family: 'web',
  containerDefinitions: [
    { name: 'web', image: 'web:v1', memory: 512, environment: [{ name: 'KEEP', value: '' }] },
    { name: 'worker', image: 'worker:v1', memory: 256 },
    { name: 'sidecar', image: 'envoy:1', memory: 128, essential: false }
  ]
});
const files = { 'td.json': two };
const container = (input: { containerDefinitions?: { name?: string }[] }, name: string) =>
  input.containerDefinitions!.find((c) => c.name === name)!;

const revision = (n: number, image: string): { taskDefinition: TaskDefinition } => ({
  taskDefinition: {
    taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${n}`,
    family: 'web',
    revision: n,
    status: 'ACTIVE',
    containerDefinitions: [{ name: 'web', image, memory: 512 }]
  }
});

describe('task-definition-revision', () => {
  test('with task-definition-family, renders from that revision, not the latest', async () => {
    const ecs = stubEcs([revision(2, 'web:v2'), revision(3, 'web:v3')]);
    const { rendered } = await render(
      { 'task-definition-family': 'web', 'task-definition-revision': '2', 'container-name': 'web', image: 'web:v9' },
      { ecs }
    );
    expect(ecs.calls).toEqual([{ method: 'describeTaskDefinition', arg: 'web:2' }]);
    expect(rendered.base?.arn).toMatch(/web:2$/);
    expect(container(rendered.input, 'web')).toMatchObject({ image: 'web:v9' });
  });

  test.each([
    [{ 'task-definition-revision': '2' }, /input `task-definition-revision` is set without input `task-definition-family`/],
    [
      { 'task-definition': 'td.json', 'task-definition-revision': '2' },
      /input `task-definition-revision` is set with input `task-definition`/
    ],
    [
      { 'task-definition-family': 'web', 'task-definition-revision': 'latest' },
      /input `task-definition-revision` is "latest".*whole number of at least 1/
    ]
  ])('%j fails before any AWS call', async (values, message) => {
    const ecs = stubEcs([revision(2, 'web:v2')]);
    const errors = await inputErrors(render(values, { ecs, files }));
    expect(errors.map((e) => e.message).join('\n')).toMatch(message);
    expect(ecs.calls).toEqual([]);
  });
});

describe('comma-separated container-name (official since v1.8)', () => {
  test('every named container gets the image, environment, secrets, env-files and command; the others are untouched', async () => {
    const { rendered } = await render(
      {
        'task-definition': 'td.json',
        'container-name': 'web,worker',
        image: 'registry/app:v2',
        'environment-variables': 'MODE=prod',
        secrets: 'DB=arn:aws:ssm:eu-west-1:123456789012:parameter/db',
        'env-files': 'arn:aws:s3:::config-bucket/web.env\narn:aws:s3:::config-bucket/common.env',
        command: 'node server.js'
      },
      { files }
    );
    for (const name of ['web', 'worker']) {
      expect(container(rendered.input, name)).toMatchObject({
        image: 'registry/app:v2',
        environment: expect.arrayContaining([{ name: 'MODE', value: 'prod' }]),
        secrets: [{ name: 'DB', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/db' }],
        environmentFiles: [
          { value: 'arn:aws:s3:::config-bucket/web.env', type: 's3' },
          { value: 'arn:aws:s3:::config-bucket/common.env', type: 's3' }
        ],
        command: ['node', 'server.js']
      });
    }
    expect(container(rendered.input, 'sidecar')).toEqual({ name: 'sidecar', image: 'envoy:1', memory: 128, essential: false });
  });

  test.each([
    [
      { 'container-name': 'web,nope', image: 'x' },
      /input `container-name` names container "nope", which the task definition does not have/
    ],
    [{ 'container-name': 'web,,worker', image: 'x' }, /input `container-name` is "web,,worker": "" is not a container name/],
    [{ 'container-name': 'web,web', image: 'x' }, /names container web twice/],
    [
      { 'container-name': 'web', 'env-files': 's3://bucket/web.env' },
      /input `env-files` has "s3:\/\/bucket\/web.env", not the ARN of an S3 object.*arn:aws:s3:::BUCKET\/KEY/
    ],
    [{ 'env-files': 'arn:aws:s3:::b-1/web.env' }, /input `env-files` is set without input `container-name`/]
  ])('%j is refused, naming the input and the fix', async (values, message) => {
    const errors = await inputErrors(render({ 'task-definition': 'td.json', ...values }, { files }));
    expect(errors.map((e) => e.message).join('\n')).toMatch(message);
  });
});

describe('task-role-arn and execution-role-arn', () => {
  test('set the task definition roles', async () => {
    const { rendered } = await render(
      {
        'task-definition': 'td.json',
        'task-role-arn': 'arn:aws:iam::123456789012:role/app',
        'execution-role-arn': 'arn:aws-cn:iam::123456789012:role/exec'
      },
      { files }
    );
    expect(rendered.input).toMatchObject({
      taskRoleArn: 'arn:aws:iam::123456789012:role/app',
      executionRoleArn: 'arn:aws-cn:iam::123456789012:role/exec'
    });
  });

  test('a value that is not a role ARN is refused', async () => {
    const errors = await inputErrors(render({ 'task-definition': 'td.json', 'task-role-arn': 'app-role' }, { files }));
    expect(errors[0].message).toMatch(/input `task-role-arn` is "app-role", not an IAM role ARN.*arn:aws:iam::ACCOUNT:role\/NAME/);
  });
});

describe('keep-null-value-keys and empty values', () => {
  const withEmpties = JSON.stringify({
    family: 'web',
    volumes: [],
    placementConstraints: [],
    containerDefinitions: [
      {
        name: 'web',
        image: 'web:v1',
        memory: 512,
        hostname: '',
        entryPoint: [],
        dockerLabels: {},
        environment: [{ name: 'EMPTY', value: '' }],
        user: null
      }
    ]
  });

  test('empty values are removed before registering, as the official deploy action does; an environment value "" stays', async () => {
    const { rendered, reporter } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': withEmpties } });
    expect(rendered.input).toEqual({
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'web:v1', memory: 512, environment: [{ name: 'EMPTY', value: '' }] }]
    });
    expect(reporter.lines.join('\n')).toMatch(/removed empty values.*volumes, placementConstraints/);
  });

  test('keys named in keep-null-value-keys keep their empty values', async () => {
    const { rendered } = await render(
      { 'task-definition': 'td.json', 'keep-null-value-keys': 'entryPoint, volumes' },
      { files: { 'td.json': withEmpties } }
    );
    expect(rendered.input).toMatchObject({ volumes: [] });
    expect(container(rendered.input, 'web')).toMatchObject({ entryPoint: [] });
    expect(container(rendered.input, 'web')).not.toHaveProperty('hostname');
  });
});

describe('Go-template text and literal {{', () => {
  test('docker.{{.Name}} and {{ json . }} are left as written; {{ "{{" }} is a literal {{', async () => {
    const td = JSON.stringify({
      family: 'web',
      containerDefinitions: [
        {
          name: 'web',
          image: 'web:{{ tag }}',
          memory: 512,
          logConfiguration: { logDriver: 'json-file', options: { tag: 'docker.{{.Name}}/{{ .ImageName }}', labels: '{{- json . -}}' } },
          dockerLabels: { literal: '{{ "{{" }} tag }}', go: '{{index .Config.Labels "team"}}' }
        }
      ]
    });
    const { rendered } = await render({ 'task-definition': 'td.json', vars: 'tag=v2' }, { files: { 'td.json': td } });
    expect(container(rendered.input, 'web')).toMatchObject({
      image: 'web:v2',
      logConfiguration: { options: { tag: 'docker.{{.Name}}/{{ .ImageName }}', labels: '{{- json . -}}' } },
      dockerLabels: { literal: '{{ tag }}', go: '{{index .Config.Labels "team"}}' }
    });
  });

  test('an unquoted YAML {{.Name}} is a string, left as written', async () => {
    const yaml =
      'family: web\ncontainerDefinitions:\n  - name: web\n    image: web:v1\n    memory: 512\n    dockerLabels:\n      tag: {{.Name}}\n';
    const { rendered } = await render({ 'task-definition': 'td.yaml' }, { files: { 'td.yaml': yaml } });
    expect(container(rendered.input, 'web')).toMatchObject({ dockerLabels: { tag: '{{.Name}}' } });
  });

  test('a placeholder that is neither ours nor Go-template text is still an error', async () => {
    const td = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'web', image: 'web:{{ a b }}', memory: 512 }] });
    const errors = await inputErrors(render({ 'task-definition': 'td.json' }, { files: { 'td.json': td } }));
    expect(errors[0].message).toMatch(/"\{\{ a b \}\}" is not a placeholder/);
  });
});

describe('a render step written for the official render action', () => {
  const settings = async (values: Record<string, string>) => {
    const { readSettings } = await import('../../src/settings.js');
    const { Inputs } = await import('../../src/inputs.js');
    return readSettings(new Inputs({ get: (n) => values[n] ?? '', label: (n) => `input \`${n}\`` }), {});
  };

  test('renders only, as that action does (no registration, no AWS call that changes anything)', async () => {
    expect((await settings({ 'task-definition': 'td.json', 'container-name': 'web', image: 'web:v2' })).mode).toBe('render');
  });

  test('a step that sets any ecs-rollout input, or register, chose ecs-rollout: it registers', async () => {
    expect((await settings({ 'task-definition': 'td.json', 'container-name': 'web', image: 'web:v2', vars: 'tag=v2' })).mode).toBe(
      'register'
    );
    expect((await settings({ 'task-definition': 'td.json', 'container-name': 'web', image: 'web:v2', register: 'true' })).mode).toBe(
      'register'
    );
    expect((await settings({ 'task-definition': 'td.json', register: 'false' })).mode).toBe('render');
  });
});
