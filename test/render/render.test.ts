import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { writeRendered } from '../../src/render/index.js';
import { fixture, inputErrors, render, stubEcs } from './helpers.js';

const FARGATE = fixture('taskdefs/fargate-firelens.json');
const BRIDGE = fixture('taskdefs/ec2-bridge.json');

describe('describe-task-definition output as the template', () => {
  it('unwraps {taskDefinition, tags}, strips read-only fields with a notice, keeps tags and empty values', async () => {
    const { rendered, reporter } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': FARGATE } });
    const td = rendered.input;
    for (const field of [
      'taskDefinitionArn',
      'revision',
      'status',
      'requiresAttributes',
      'compatibilities',
      'registeredAt',
      'registeredBy'
    ]) {
      expect(td).not.toHaveProperty(field);
    }
    expect(td.tags).toEqual([
      { key: 'team', value: 'payments' },
      { key: 'service', value: 'checkout-api' }
    ]);
    expect(td.family).toBe('checkout-api');
    expect(td.containerDefinitions!.map((c) => c.name)).toEqual(['app', 'log-router']);
    expect(td.containerDefinitions![0].environment).toContainEqual({ name: 'FEATURE_FLAGS', value: '' });
    expect(reporter.lines).toContain(
      'notice: removed fields that describe-task-definition returns but register-task-definition rejects: taskDefinitionArn, revision, status, requiresAttributes, compatibilities, registeredAt, registeredBy'
    );
  });

  it('accepts the bare taskDefinition (EC2, bridge, dynamic host ports)', async () => {
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': BRIDGE } });
    expect(rendered.input.networkMode).toBe('bridge');
    expect(rendered.input.containerDefinitions!.flatMap((c) => c.portMappings!.map((p) => p.hostPort))).toEqual([0, 0]);
    expect(rendered.input).not.toHaveProperty('revision');
  });
});

describe("the official render action's inputs", () => {
  it('container-name + image, environment (with = and empty values), secrets, log config, labels, quoted command', async () => {
    const { rendered } = await render(
      {
        'task-definition': 'td.json',
        'container-name': 'app',
        image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:new',
        'environment-variables': 'SPRING_PROFILES_ACTIVE=staging\nDATABASE_URL=postgres://u@h/db?sslmode=require&a=b\nEMPTY=\n',
        secrets:
          'DB_PASSWORD=arn:aws:ssm:eu-west-1:123456789012:parameter/db\nAPI_KEY=arn:aws:secretsmanager:eu-west-1:123456789012:secret:api',
        'log-configuration-log-driver': 'awslogs',
        'log-configuration-options': 'awslogs-group=/ecs/checkout\nawslogs-stream-prefix=app',
        'docker-labels': 'com.example.commit=abc123\nteam=payments',
        command: `sh -c "echo 'a b' && exec java -jar app.jar"`
      },
      { files: { 'td.json': FARGATE } }
    );
    const app = rendered.input.containerDefinitions![0];
    expect(app.image).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:new');
    expect(app.environment).toEqual([
      { name: 'SPRING_PROFILES_ACTIVE', value: 'staging' },
      { name: 'FEATURE_FLAGS', value: '' },
      { name: 'JAVA_OPTS', value: '-XX:MaxRAMPercentage=75 -Dfile.encoding=UTF-8' },
      { name: 'DATABASE_URL', value: 'postgres://u@h/db?sslmode=require&a=b' },
      { name: 'EMPTY', value: '' }
    ]);
    expect(app.secrets).toEqual([
      { name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/db' },
      { name: 'API_KEY', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:api' }
    ]);
    // driver replaced, options merged into the existing ones
    expect(app.logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: {
        Name: 'cloudwatch_logs',
        region: 'eu-west-1',
        log_group_name: '/ecs/checkout-api',
        log_stream_prefix: 'app/',
        auto_create_group: 'false',
        'awslogs-group': '/ecs/checkout',
        'awslogs-stream-prefix': 'app'
      }
    });
    expect(app.dockerLabels).toEqual({ 'com.example.commit': 'abc123', team: 'payments' });
    expect(app.command).toEqual(['sh', '-c', "echo 'a b' && exec java -jar app.jar"]);
    // the sidecar is untouched
    expect(rendered.input.containerDefinitions![1].image).toBe('public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.2');
  });

  it('takes a command as a JSON array, as the official action does', async () => {
    const { rendered } = await render(
      { 'task-definition': 'td.json', 'container-name': 'php', command: '["php-fpm", "-F", "-d memory_limit=1G"]' },
      { files: { 'td.json': BRIDGE } }
    );
    expect(rendered.input.containerDefinitions![1].command).toEqual(['php-fpm', '-F', '-d memory_limit=1G']);
  });

  it('sets several images in one step with `images`', async () => {
    const { rendered } = await render(
      {
        'task-definition': 'td.json',
        images: 'nginx=registry.example.com/nginx:2\nphp = registry.example.com/php:8.3-r1\n'
      },
      { files: { 'td.json': BRIDGE } }
    );
    expect(rendered.input.containerDefinitions!.map((c) => [c.name, c.image])).toEqual([
      ['nginx', 'registry.example.com/nginx:2'],
      ['php', 'registry.example.com/php:8.3-r1']
    ]);
  });

  it('names the input and suggests the container when a container does not exist', async () => {
    const errors = await inputErrors(
      render({ 'task-definition': 'td.json', 'container-name': 'ngnix', image: 'x', images: 'phpp=y' }, { files: { 'td.json': BRIDGE } })
    );
    expect(errors.map((e) => e.message)).toEqual([
      'input `images` names container "phpp", which the task definition does not have (did you mean "php"?)',
      'input `container-name` names container "ngnix", which the task definition does not have (did you mean "nginx"?)'
    ]);
  });

  it('overrides the family', async () => {
    const { rendered } = await render({ 'task-definition': 'td.json', family: 'legacy-web-staging' }, { files: { 'td.json': BRIDGE } });
    expect(rendered.family).toBe('legacy-web-staging');
    expect(rendered.input.family).toBe('legacy-web-staging');
  });
});

describe('starting from a registered revision', () => {
  const registered = JSON.parse(BRIDGE) as TaskDefinition;
  const revisions = () => [{ taskDefinition: structuredClone(registered), tags: [{ key: 'app', value: 'legacy' }] }];

  it('from an ARN with nothing changed: marks it unchanged, keeps its tags', async () => {
    const ecs = stubEcs(revisions());
    const { rendered } = await render(
      { 'task-definition-arn': 'arn:aws:ecs:us-east-1:210987654321:task-definition/legacy-web:7' },
      { ecs }
    );
    expect(rendered.base).toEqual({ arn: 'arn:aws:ecs:us-east-1:210987654321:task-definition/legacy-web:7', unchanged: true });
    expect(rendered.input.tags).toEqual([{ key: 'app', value: 'legacy' }]);
    expect(rendered.sourceFile).toBeUndefined();
    expect(ecs.calls.map((c) => c.method)).toEqual(['describeTaskDefinition']);
  });

  it("from the family's latest revision with a new image: changed", async () => {
    const ecs = stubEcs(revisions());
    const { rendered } = await render({ 'task-definition-family': 'legacy-web', 'container-name': 'php', image: 'php:new' }, { ecs });
    expect(rendered.base).toEqual({ arn: 'arn:aws:ecs:us-east-1:210987654321:task-definition/legacy-web:7', unchanged: false });
    expect(rendered.input.containerDefinitions![1].image).toBe('php:new');
    expect(ecs.calls).toEqual([{ method: 'describeTaskDefinition', arg: 'legacy-web' }]);
  });
});

describe('writeRendered', () => {
  it('writes the register input as JSON to the given path', async () => {
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': BRIDGE } });
    const path = join(mkdtempSync(join(tmpdir(), 'render-')), 'nested', 'out.json');
    expect(await writeRendered(rendered, path)).toBe(path);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(JSON.parse(JSON.stringify(rendered.input)));
  });
});
