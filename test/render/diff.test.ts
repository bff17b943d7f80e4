import { describe, expect, it } from '@jest/globals';
import type { RegisterTaskDefinitionCommandInput, TaskDefinition } from '@aws-sdk/client-ecs';
import { diffTaskDefinitions, formatDiff, normalizeTaskDefinition, sameTaskDefinition } from '../../src/render/index.js';
import { fixture } from './helpers.js';

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
        name: router!.name,
        image: router!.image,
        memoryReservation: 50,
        essential: true,
        user: '0',
        logConfiguration: router!.logConfiguration,
        firelensConfiguration: router!.firelensConfiguration
      },
      {
        name: app!.name,
        image: app!.image,
        portMappings: [{ name: 'app-8080-tcp', containerPort: 8080, appProtocol: 'http' }],
        environment: [...app!.environment!].reverse(),
        secrets: app!.secrets,
        dependsOn: app!.dependsOn,
        logConfiguration: app!.logConfiguration,
        healthCheck: app!.healthCheck
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
    after.containerDefinitions![1]!.environment = after.containerDefinitions![1]!.environment!.filter((e) => e.name !== 'FEATURE_FLAGS');
    expect(formatDiff(diffTaskDefinitions(registered, after))).toBe('- containerDefinitions[app].environment.FEATURE_FLAGS: ""');
  });

  it('shows real changes by container name and variable name', () => {
    const after = handWritten();
    const app = after.containerDefinitions![1]!;
    app.image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:v2';
    app.environment = [...app.environment!.filter((e) => e.name !== 'JAVA_OPTS'), { name: 'FOO', value: 'bar' }];
    app.environment.find((e) => e.name === 'SPRING_PROFILES_ACTIVE')!.value = 'staging';
    app.portMappings![0]!.hostPort = 8080; // the awsvpc default: no change
    after.memory = '4096';
    after.containerDefinitions!.push({ name: 'xray', image: 'amazon/aws-xray-daemon', essential: false });
    expect(formatDiff(diffTaskDefinitions(registered, after)).split('\n')).toEqual([
      '- containerDefinitions[app].environment.JAVA_OPTS: "-XX:MaxRAMPercentage=75 -Dfile.encoding=UTF-8"',
      '~ containerDefinitions[app].environment.SPRING_PROFILES_ACTIVE: "prod" → "staging"',
      '+ containerDefinitions[app].environment.FOO: "bar"',
      '~ containerDefinitions[app].image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:3f9c2d1" → "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout-api:v2"',
      '+ containerDefinitions[xray]: {"essential":false,"image":"amazon/aws-xray-daemon","name":"xray"}',
      '~ memory: "2048" → "4096"'
    ]);
  });

  it('fills defaults: essential, protocol, bridge dynamic host port, network mode', () => {
    const n = normalizeTaskDefinition({ family: 'f', containerDefinitions: [{ name: 'c', image: 'i', portMappings: [{ containerPort: 80 }], mountPoints: [], cpu: 0 }] });
    expect(n).toEqual({
      family: 'f',
      networkMode: 'bridge',
      containerDefinitions: [{ name: 'c', image: 'i', essential: true, portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }] }]
    });
  });
});
