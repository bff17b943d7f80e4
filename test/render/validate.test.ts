import { describe, expect, it } from '@jest/globals';
import { inputErrors, render } from './helpers.js';

/** A valid Fargate definition; each case below breaks one thing. */
function base(): Record<string, unknown> {
  return {
    family: 'api',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '512',
    memory: '1024',
    containerDefinitions: [
      {
        name: 'app',
        image: 'nginx:1.27',
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        environment: [{ name: 'A', value: '' }]
      },
      { name: 'sidecar', image: 'envoy', essential: false }
    ]
  };
}

type Td = ReturnType<typeof base> & { containerDefinitions: Record<string, unknown>[] };

async function errorsFor(edit: (td: Td) => void): Promise<string[]> {
  const td = base() as Td;
  edit(td);
  const text = JSON.stringify(td, null, 2);
  const errors = await inputErrors(
    render({ 'task-definition': 'deploy/td.json', 'keep-null-value-keys': 'user' }, { files: { 'deploy/td.json': text } })
  );
  return errors.map((e) => e.message);
}

describe('validation', () => {
  it('the base definition is valid', async () => {
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': JSON.stringify(base()) } });
    expect(rendered.family).toBe('api');
  });

  const cases: [string, (td: Td) => void, RegExp][] = [
    [
      'an unknown top-level key',
      (td) => void (td['familly'] = 'x'),
      /^deploy\/td\.json:\d+ familly: unknown field "familly" \(did you mean "family"\?\)$/
    ],
    [
      'an unknown nested key',
      (td) => void (td.containerDefinitions[0]['portMappings'] = [{ containerPort: 8080, hostPort: 8080, protcol: 'tcp' }]),
      /^deploy\/td\.json:\d+ containerDefinitions\[0\]\.portMappings\[0\]\.protcol: unknown field "protcol" \(did you mean "protocol"\?\)$/
    ],
    [
      'a string where a number is expected',
      (td) => void (td.containerDefinitions[0]['portMappings'] = [{ containerPort: '8080' }]),
      /containerDefinitions\[0\]\.portMappings\[0\]\.containerPort: is the string "8080", expected a number \(write 8080 without quotes\)$/
    ],
    [
      'a number where a string is expected',
      (td) => void (td.containerDefinitions[0]['environment'] = [{ name: 'PORT', value: 8080 }]),
      /containerDefinitions\[0\]\.environment\[0\]\.value: is the number 8080, expected a string \(quote it: "8080"\)$/
    ],
    [
      'a string where a list is expected',
      (td) => void (td.containerDefinitions[0]['command'] = 'run'),
      /containerDefinitions\[0\]\.command: is the string "run", expected a list \(write a list: \["run"\]\)$/
    ],
    [
      'a null value kept by keep-null-value-keys',
      (td) => void (td.containerDefinitions[0]['user'] = null),
      /containerDefinitions\[0\]\.user: has no value/
    ],
    ['a bad enum value', (td) => void (td['networkMode'] = 'AWSVPC'), /networkMode: is "AWSVPC" \(use "awsvpc"/],
    [
      'a non-integer port',
      (td) => void (td.containerDefinitions[0]['portMappings'] = [{ containerPort: 80.5 }]),
      /portMappings\[0\]\.containerPort: is 80\.5 \(use a whole number from 1 to 65535; a TCP\/UDP port\)$/
    ],
    [
      'a port out of range',
      (td) => void (td.containerDefinitions[0]['portMappings'] = [{ containerPort: 70000 }]),
      /portMappings\[0\]\.containerPort: is 70000/
    ],
    [
      'awsvpc with hostPort ≠ containerPort',
      (td) => void (td.containerDefinitions[0]['portMappings'] = [{ containerPort: 8080, hostPort: 80 }]),
      /portMappings\[0\]\.hostPort: is 80 but containerPort is 8080; with awsvpc they must be equal \(set hostPort to 8080 or remove it\)$/
    ],
    [
      'an invalid Fargate memory for the cpu',
      (td) => void (td['memory'] = '512'),
      /memory: cpu 512 with memory 512 MiB is not a Fargate task size \(with cpu 512 use memory from 1024 to 4096 in steps of 1024 \(MiB\)\)$/
    ],
    [
      'an invalid Fargate cpu',
      (td) => void (td['cpu'] = '300'),
      /cpu: cpu 300 with memory 1024 MiB is not a Fargate task size \(use one of 256, 512/
    ],
    ['no Fargate memory', (td) => void delete td['memory'], /memory: is missing; FARGATE needs a task-level memory/],
    ['an unreadable cpu', (td) => void (td['cpu'] = 'two cores'), /cpu: is "two cores", not a CPU size/],
    [
      'Fargate with bridge networking',
      (td) => void (td['networkMode'] = 'bridge'),
      /networkMode: is "bridge", but FARGATE tasks use awsvpc/
    ],
    [
      'duplicate container names',
      (td) => void (td.containerDefinitions[1]['name'] = 'app'),
      /containerDefinitions\[1\]\.name: "app" is also the name of containerDefinitions\[0\] \(container names must be unique\)$/
    ],
    [
      'no essential container',
      (td) => void (td.containerDefinitions[0]['essential'] = false),
      /containerDefinitions: has no essential container \(set "essential": true on the main container \(essential defaults to true\)\)$/
    ],
    ['a container without image', (td) => void delete td.containerDefinitions[1]['image'], /containerDefinitions\[1\]\.image: is missing/],
    [
      'a missing family',
      (td) => void delete td['family'],
      /^deploy\/td\.json:1 family: "family" is missing \(add family; ECS requires it\)$/
    ],
    ['no containers', (td) => void (td.containerDefinitions.length = 0), /containerDefinitions: is empty/],
    [
      'a dependsOn to a missing container',
      (td) => void (td.containerDefinitions[0]['dependsOn'] = [{ containerName: 'envoy', condition: 'START' }]),
      /dependsOn\[0\]\.containerName: names "envoy", which is not a container here/
    ],
    [
      'a secret without valueFrom',
      (td) => void (td.containerDefinitions[0]['secrets'] = [{ name: 'X' }]),
      /secrets\[0\]\.valueFrom: "valueFrom" is missing/
    ]
  ];

  it.each(cases)('rejects %s, naming the file, path and fix', async (_, edit, message) => {
    const messages = await errorsFor(edit);
    expect(messages).toEqual([expect.stringMatching(message)]);
    expect(messages[0]).toMatch(/^deploy\/td\.json/);
  });

  it('reports every problem at once, with lines pointing into the file', async () => {
    const template = [
      '{',
      '  "family": "api",',
      '  "requiresCompatibilities": ["FARGATE"],',
      '  "networkMode": "awsvpc",',
      '  "cpu": 256,',
      '  "memory": 4096,',
      '  "containerDefinitions": [',
      '    { "name": "app", "image": "x", "essentail": true,',
      '      "portMappings": [{ "containerPort": "80" }] }',
      '  ]',
      '}'
    ].join('\n');
    const errors = await inputErrors(render({ 'task-definition': 'td.json' }, { files: { 'td.json': template } }));
    expect(errors.map((e) => [e.location.line, e.location.path])).toEqual([
      [8, 'containerDefinitions[0].essentail'],
      [9, 'containerDefinitions[0].portMappings[0].containerPort'],
      [6, 'memory']
    ]);
  });

  it('coerces numbers for top-level cpu/memory (strings in the API)', async () => {
    const td = { ...base(), cpu: 1024, memory: 2048 };
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': JSON.stringify(td) } });
    expect([rendered.input.cpu, rendered.input.memory]).toEqual(['1024', '2048']);
  });

  it.each([
    ['1 vCPU', '2 GB'],
    ['0.25 vCPU', '0.5 GB'],
    ['4096', '30720'],
    ['16 vcpu', '120 GB']
  ])('accepts the Fargate size cpu %s / memory %s', async (cpu, memory) => {
    const td = { ...base(), cpu, memory };
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': JSON.stringify(td) } });
    expect(rendered.input.cpu).toBe(cpu);
  });

  it('EC2: a container needs memory when the task has none', async () => {
    const td = { family: 'w', containerDefinitions: [{ name: 'c', image: 'i' }] };
    const errors = await inputErrors(render({ 'task-definition': 'td.json' }, { files: { 'td.json': JSON.stringify(td) } }));
    expect(errors.map((e) => e.message)).toEqual([
      'td.json:1 containerDefinitions[0]: container c has no memory or memoryReservation, and the task has no memory (set memory or memoryReservation on the container, or memory on the task)'
    ]);
  });

  it('accepts fields of the model it has no code for (driven by the SDK schema)', async () => {
    const td = base() as Td;
    td['ephemeralStorage'] = { sizeInGiB: 50 };
    td['runtimePlatform'] = { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' };
    td.containerDefinitions[0]['restartPolicy'] = { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 };
    td.containerDefinitions[0]['versionConsistency'] = 'disabled';
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': JSON.stringify(td) } });
    expect(rendered.input.containerDefinitions![0].restartPolicy).toEqual({
      enabled: true,
      ignoredExitCodes: [0],
      restartAttemptPeriod: 60
    });
  });
});
