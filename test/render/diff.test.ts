import { describe, expect, it } from '@jest/globals';
import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import { diffTaskDefinitions, formatDiff, normalizeTaskDefinition, sameTaskDefinition, type Rendered } from '../../src/render/index.js';
import type { Json } from '../../src/render/json.js';
import { secretForms } from '../../src/mask.js';
import { fixture, render } from './helpers.js';

const registered = (JSON.parse(fixture('taskdefs/fargate-firelens.json')) as { taskDefinition: TaskDefinition }).taskDefinition;

/** What a user would write for the same revision: no read-only fields, no ECS defaults, another order. */
function handWritten(): RegisterTaskDefinitionCommandInput {
  const [app, router] = structuredClone(registered.containerDefinitions!);
  return {
    family: 'checkout-api',
    taskRoleArn: registered.taskRoleArn,
    executionRoleArn: registered.executionRoleArn,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '1 vCPU',
    memory: '2 GB',
    runtimePlatform: registered.runtimePlatform,
    containerDefinitions: [
      {
        name: router.name,
        image: router.image,
        memoryReservation: 50,
        essential: true,
        user: '0',
        logConfiguration: router.logConfiguration,
        firelensConfiguration: router.firelensConfiguration
      },
      {
        name: app.name,
        image: app.image,
        portMappings: [{ name: 'app-8080-tcp', containerPort: 8080, appProtocol: 'http' }],
        environment: [...app.environment!].reverse(),
        secrets: app.secrets,
        dependsOn: app.dependsOn,
        logConfiguration: app.logConfiguration,
        healthCheck: app.healthCheck
      }
    ]
  };
}

describe('normalise and diff', () => {
  it('a hand-written definition equals the registered revision (defaults, order, read-only fields, "1 vCPU")', () => {
    expect(diffTaskDefinitions(registered, handWritten())).toEqual([]);
    expect(sameTaskDefinition(registered, handWritten())).toBe(true);
    expect(formatDiff([])).toBe('no changes');
  });

  it('keeps an empty environment value: removing it is a change', () => {
    const after = handWritten();
    after.containerDefinitions![1].environment = after.containerDefinitions![1].environment!.filter((e) => e.name !== 'FEATURE_FLAGS');
    expect(formatDiff(diffTaskDefinitions(registered, after))).toBe('- containerDefinitions[app].environment.FEATURE_FLAGS: ""');
  });

  it('shows real changes by container name and variable name', () => {
    const after = handWritten();
    const app = after.containerDefinitions![1];
    app.image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:v2';
    app.environment = [...app.environment!.filter((e) => e.name !== 'JAVA_OPTS'), { name: 'FOO', value: 'bar' }];
    app.environment.find((e) => e.name === 'SPRING_PROFILES_ACTIVE')!.value = 'staging';
    app.portMappings![0].hostPort = 8080; // the awsvpc default: no change
    after.memory = '4096';
    after.containerDefinitions!.push({ name: 'xray', image: 'amazon/aws-xray-daemon', essential: false });
    expect(formatDiff(diffTaskDefinitions(registered, after)).split('\n')).toEqual([
      // The old revision's values are unknown to the mask: one the new definition drops may have been a secret.
      '- containerDefinitions[app].environment.JAVA_OPTS: (old value not shown)',
      '~ containerDefinitions[app].environment.SPRING_PROFILES_ACTIVE: "prod" → "staging"',
      '+ containerDefinitions[app].environment.FOO: "bar"',
      '~ containerDefinitions[app].image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:3f9c2d1" → "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:v2"',
      '+ containerDefinitions[xray]: {"essential":false,"image":"amazon/aws-xray-daemon","name":"xray"}',
      '~ memory: "2048" → "4096"'
    ]);
  });

  it('fills defaults: essential, protocol, bridge dynamic host port, network mode', () => {
    const n = normalizeTaskDefinition({
      family: 'f',
      containerDefinitions: [{ name: 'c', image: 'i', portMappings: [{ containerPort: 80 }], mountPoints: [], cpu: 0 }]
    });
    expect(n).toEqual({
      family: 'f',
      networkMode: 'bridge',
      containerDefinitions: [
        { name: 'c', image: 'i', essential: true, portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }] }
      ]
    });
  });
});

describe('secrets in the diff', () => {
  /** Quotes, a backslash, `=`, a newline and unicode: the forms a diff writes them in differ from the value. */
  const A = 'old"pa\\ss=1\nzweite Zeile é';
  const B = 'new"pa\\ss=2🔑';

  const template = (env: Json[], extra: Record<string, Json> = {}): string =>
    JSON.stringify({
      family: 'web',
      containerDefinitions: [{ name: 'web', image: 'web:{{ tag }}', memory: 512, environment: env, ...extra }]
    });
  const WITH_SECRET = [
    { name: 'DB_PASSWORD', value: '{{ db_password }}' },
    { name: 'DSN', value: 'postgres://app:{{ db_password }}@db/app' },
    { name: 'LOG_LEVEL', value: 'info' }
  ];

  async function revision(text: string, secret: string, tag = 'v1'): Promise<Rendered> {
    const vars = `tag=${tag}\ndb_password<<EOF\n${secret}\nEOF`;
    return (await render({ 'task-definition': 'td.json', vars, 'secret-vars': 'db_password' }, { files: { 'td.json': text } })).rendered;
  }

  /** The diff as printed, with the new render's secrets: what the log, the summary and `ecs-rollout diff` show. */
  function printed(before: Rendered, after: Rendered): string {
    return formatDiff(diffTaskDefinitions(before.input, after.input, { secrets: after.secretValues }));
  }

  function expectNoSecret(text: string): void {
    for (const value of [A, B]) for (const form of secretForms(value)) expect(text).not.toContain(form);
  }

  it('a rotation says the secret changed and shows neither the old nor the new value', async () => {
    const diff = printed(await revision(template(WITH_SECRET), A), await revision(template(WITH_SECRET), B));
    expect(diff.split('\n')).toEqual([
      '~ containerDefinitions[web].environment.DB_PASSWORD: (secret) changed',
      '~ containerDefinitions[web].environment.DSN: (secret) changed'
    ]);
    expectNoSecret(diff);
  });

  it('an unchanged secret is no change; what did change is shown as always', async () => {
    const diff = printed(await revision(template(WITH_SECRET), A), await revision(template(WITH_SECRET), A, 'v2'));
    expect(diff).toBe('~ containerDefinitions[web].image: "web:v1" → "web:v2"');
  });

  it('a whole environment added on the first deployment shows the secret places as (secret)', async () => {
    const diff = printed(await revision(template([]), A), await revision(template(WITH_SECRET), B));
    expect(diff).toBe(
      '+ containerDefinitions[web].environment: [{"name":"DB_PASSWORD","value":"(secret)"},{"name":"DSN","value":"(secret)"},{"name":"LOG_LEVEL","value":"info"}]'
    );
  });

  it('a secret moved from an environment variable to task-definition secrets: the old value is not shown', async () => {
    const moved = template([{ name: 'LOG_LEVEL', value: 'info' }], {
      secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }]
    });
    // The new render has no secret var at all: nothing tells the old value was one.
    const after = (await render({ 'task-definition': 'td.json', vars: 'tag=v1' }, { files: { 'td.json': moved } })).rendered;
    const diff = printed(await revision(template(WITH_SECRET), A), after);
    expect(diff.split('\n')).toEqual([
      '- containerDefinitions[web].environment.DB_PASSWORD: (old value not shown)',
      '- containerDefinitions[web].environment.DSN: (old value not shown)',
      // A reference to the secret, not its value: shown.
      '+ containerDefinitions[web].secrets: [{"name":"DB_PASSWORD","valueFrom":"arn:aws:ssm:us-east-1:123456789012:parameter/db"}]'
    ]);
    expectNoSecret(diff);
  });

  it('a removed container does not show its old environment values', async () => {
    const before = await revision(
      JSON.stringify({
        family: 'web',
        containerDefinitions: [
          { name: 'web', image: 'web:{{ tag }}', memory: 512 },
          { name: 'worker', image: 'worker:1', memory: 256, essential: false, environment: [{ name: 'TOKEN', value: '{{ db_password }}' }] }
        ]
      }),
      A
    );
    const after = await revision(
      JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'web', image: 'web:{{ tag }}', memory: 512 }] }),
      B
    );
    const diff = printed(before, after);
    expect(diff).toBe(
      '- containerDefinitions[worker]: {"environment":[{"name":"TOKEN","value":"(old value not shown)"}],"essential":false,"image":"worker:1","memory":256,"name":"worker"}'
    );
    expectNoSecret(diff);
  });

  it.each([
    [
      'a command argument',
      { command: ['migrate', '--password={{ db_password }}'] },
      '~ containerDefinitions[web].command: (secret) changed'
    ],
    [
      'a docker label',
      { dockerLabels: { auth: 'Bearer {{ db_password }}' } },
      '~ containerDefinitions[web].dockerLabels.auth: (secret) changed'
    ],
    [
      'a log option',
      { logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'http', Header: 'X-Key {{ db_password }}' } } },
      '~ containerDefinitions[web].logConfiguration.options.Header: (secret) changed'
    ]
  ])('a secret in %s is redacted on both sides', async (_where, extra, expected) => {
    const diff = printed(await revision(template([], extra), A), await revision(template([], extra), B));
    expect(diff).toBe(expected);
    expectNoSecret(diff);
  });

  it('without secrets nothing is redacted but old values of removed environment variables', () => {
    const lines = diffTaskDefinitions(
      {
        family: 'f',
        containerDefinitions: [
          {
            name: 'c',
            image: 'i',
            environment: [
              { name: 'A', value: 'x' },
              { name: 'B', value: '' }
            ]
          }
        ]
      },
      { family: 'f', containerDefinitions: [{ name: 'c', image: 'j', environment: [{ name: 'A', value: 'y' }] }] }
    );
    expect(formatDiff(lines).split('\n')).toEqual([
      '~ containerDefinitions[c].environment.A: "x" → "y"',
      '- containerDefinitions[c].environment.B: ""',
      '~ containerDefinitions[c].image: "i" → "j"'
    ]);
  });
});
