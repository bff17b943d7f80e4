/**
 * Validation cases mutation testing found unguarded: port ranges at their edges, container-name
 * rules, essential containers, memory and dependsOn, each reported with its path and fix.
 */
import { describe, expect, it } from '@jest/globals';
import { InputErrors } from '../../src/errors.js';
import type { JsonObject } from '../../src/render/json.js';
import { checkRules, stripReadOnly, unwrapDescribeOutput, validateTaskDefinition } from '../../src/render/validate.js';

const ctx = { file: 'td.json', lines: new Map<string, number>(), placeholders: new Map<string, string>() };

function fargate(containers: JsonObject[], extra: JsonObject = {}): JsonObject {
  return {
    family: 'api',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: containers,
    ...extra
  };
}
const app = (extra: JsonObject = {}): JsonObject => ({ name: 'app', image: 'nginx', essential: true, ...extra });
const rules = (doc: JsonObject): string[] => checkRules(doc, ctx).map((e) => e.message);

async function problems(doc: JsonObject): Promise<string[]> {
  const error = await validateTaskDefinition(doc, ctx).then(
    () => undefined,
    (e: unknown) => e
  );
  return error instanceof InputErrors ? error.errors.map((e) => e.message) : [];
}

describe('port ranges', () => {
  it.each([
    [1, []],
    [65535, []],
    [0, ['td.json containerDefinitions[0].portMappings[0].containerPort: is 0 (use a whole number from 1 to 65535; a TCP/UDP port)']],
    [
      65536,
      ['td.json containerDefinitions[0].portMappings[0].containerPort: is 65536 (use a whole number from 1 to 65535; a TCP/UDP port)']
    ]
  ])('containerPort %s', async (port, expected) => {
    expect(await problems(fargate([app({ portMappings: [{ containerPort: port }] })]))).toEqual(expected);
  });

  it.each([
    [0, []],
    [65535, []],
    [
      -1,
      [
        'td.json containerDefinitions[0].portMappings[0].hostPort: is -1 (use a whole number from 0 to 65535; 0 or none: a dynamic port in bridge mode)'
      ]
    ],
    [
      65536,
      [
        'td.json containerDefinitions[0].portMappings[0].hostPort: is 65536 (use a whole number from 0 to 65535; 0 or none: a dynamic port in bridge mode)'
      ]
    ]
  ])('hostPort %s in bridge mode', async (port, expected) => {
    const doc: JsonObject = {
      family: 'api',
      containerDefinitions: [app({ memory: 128, portMappings: [{ containerPort: 8080, hostPort: port }] })]
    };
    expect(await problems(doc)).toEqual(expected);
  });

  it('with awsvpc, hostPort must equal containerPort; in bridge mode it need not', () => {
    const mapping = { portMappings: [{ containerPort: 8080, hostPort: 80 }] };
    expect(rules(fargate([app(mapping)]))).toEqual([
      'td.json containerDefinitions[0].portMappings[0].hostPort: is 80 but containerPort is 8080; with awsvpc they must be equal (set hostPort to 8080 or remove it)'
    ]);
    expect(rules({ family: 'api', containerDefinitions: [app({ memory: 128, ...mapping })] })).toEqual([]);
    expect(rules(fargate([app({ portMappings: [{ containerPort: 8080, hostPort: 8080 }] })]))).toEqual([]);
  });

  it('a mapping needs a containerPort unless it has a range', () => {
    expect(rules(fargate([app({ portMappings: [{ protocol: 'tcp' }] })]))).toEqual([
      'td.json containerDefinitions[0].portMappings[0].containerPort: is missing (set the port the container listens on)'
    ]);
    expect(rules(fargate([app({ portMappings: [{ containerPortRange: '8000-8010' }] })]))).toEqual([]);
  });
});

describe('container names', () => {
  it.each([['a'], ['web_1-x'], ['x'.repeat(255)]])('"%s" is a valid name', (name) => {
    expect(rules(fargate([app({ name })]))).toEqual([]);
  });

  it.each([['web app'], ['web.app'], ['x'.repeat(256)]])('"%s" is not', (name) => {
    expect(rules(fargate([app({ name })]))).toEqual([
      `td.json containerDefinitions[0].name: is "${name}", not a valid container name (use up to 255 letters, digits, _ and -)`
    ]);
  });

  it('a missing or empty name is missing; a duplicate names the first container with it', () => {
    expect(rules(fargate([app({ name: '' })]))).toEqual(['td.json containerDefinitions[0].name: is missing (give every container a name)']);
    const { name: _, ...nameless } = app();
    expect(rules(fargate([nameless]))).toEqual(['td.json containerDefinitions[0].name: is missing (give every container a name)']);
    expect(rules(fargate([app(), app({ essential: false, image: 'b' })]))).toEqual([
      'td.json containerDefinitions[1].name: "app" is also the name of containerDefinitions[0] (container names must be unique)'
    ]);
  });

  it('family names follow the same rule', () => {
    expect(rules(fargate([app()], { family: 'my api' }))).toEqual([
      'td.json family: is "my api", not a valid family name (use up to 255 letters, digits, _ and -)'
    ]);
  });
});

describe('containers', () => {
  it('none essential is refused; essential left out counts as essential', () => {
    expect(rules(fargate([app({ essential: false })]))).toEqual([
      'td.json containerDefinitions: has no essential container (set "essential": true on the main container (essential defaults to true))'
    ]);
    const { essential: _, ...unset } = app();
    expect(rules(fargate([unset]))).toEqual([]);
  });

  it('an empty container list and a missing image are named', () => {
    expect(rules(fargate([]))).toEqual(['td.json containerDefinitions: is empty (define at least one container)']);
    expect(rules(fargate([app({ image: '' })]))).toEqual([
      'td.json containerDefinitions[0].image: is missing (set the image here, or with the image / images inputs)'
    ]);
  });

  it('a reservation above the hard limit is refused; equal is fine', () => {
    expect(rules(fargate([app({ memory: 256, memoryReservation: 512 })]))).toEqual([
      'td.json containerDefinitions[0].memoryReservation: is 512 MiB, more than memory (256 MiB) (the reservation (soft limit) must be at most memory (the hard limit): lower it or raise memory)'
    ]);
    expect(rules(fargate([app({ memory: 256, memoryReservation: 256 })]))).toEqual([]);
  });

  it('on EC2 a container needs memory somewhere: on itself (hard or soft) or on the task', () => {
    const ec2 = (c: JsonObject, extra: JsonObject = {}): JsonObject => ({ family: 'api', containerDefinitions: [c], ...extra });
    expect(rules(ec2(app()))).toEqual([
      'td.json containerDefinitions[0]: container app has no memory or memoryReservation, and the task has no memory (set memory or memoryReservation on the container, or memory on the task)'
    ]);
    expect(rules(ec2(app({ memoryReservation: 64 })))).toEqual([]);
    expect(rules(ec2(app({ memory: 64 })))).toEqual([]);
    expect(rules(ec2(app(), { memory: '512' }))).toEqual([]);
  });

  it('dependsOn must name a container of this definition', () => {
    expect(
      rules(fargate([app({ dependsOn: [{ containerName: 'db', condition: 'START' }] }), app({ name: 'log', essential: false })]))
    ).toEqual([
      'td.json containerDefinitions[0].dependsOn[0].containerName: names "db", which is not a container here (use one of: app, log)'
    ]);
  });

  it('FARGATE needs awsvpc, task cpu and memory, in a size Fargate has', () => {
    expect(rules(fargate([app()], { networkMode: 'bridge' }))).toEqual([
      'td.json networkMode: is "bridge", but FARGATE tasks use awsvpc (set networkMode to awsvpc)'
    ]);
    const { cpu: _c, memory: _m, ...sizeless } = fargate([app()]);
    expect(rules(sizeless)).toEqual([
      'td.json cpu: is missing; FARGATE needs a task-level cpu (add cpu, e.g. "256" (0.25 vCPU))',
      'td.json memory: is missing; FARGATE needs a task-level memory (add memory, e.g. "512" (MiB))'
    ]);
    expect(rules(fargate([app()], { cpu: 'lots' }))).toEqual([
      'td.json cpu: is "lots", not a CPU size (write CPU units ("1024") or vCPUs ("1 vCPU"))'
    ]);
    expect(rules(fargate([app()], { memory: 'lots' }))).toEqual([
      'td.json memory: is "lots", not a memory size (write MiB ("2048") or GB ("2 GB"))'
    ]);
  });
});

describe('describe-task-definition output, further', () => {
  it('lines and placeholders are re-rooted into the inner definition; the tags keep theirs; the file stays', () => {
    const doc: JsonObject = { taskDefinition: { family: 'api', containerDefinitions: [] }, tags: [{ key: 'a', value: 'b' }] };
    const outer = {
      file: 'td.json',
      lines: new Map([
        ['taskDefinition', 1],
        ['taskDefinition.family', 2],
        ['tags', 5],
        ['tags[0].key', 6],
        ['ResponseMetadata', 9]
      ]),
      placeholders: new Map([['taskDefinition.family', 'family']])
    };
    const { ctx: inner } = unwrapDescribeOutput(doc, outer);
    expect(inner.file).toBe('td.json');
    expect([...inner.lines]).toEqual([
      ['family', 2],
      ['tags', 5],
      ['tags[0].key', 6]
    ]);
    expect([...inner.placeholders]).toEqual([['family', 'family']]);
  });

  it.each([
    [
      'the inner definition has its own tags',
      { taskDefinition: { family: 'api', tags: [{ key: 'x', value: 'y' }] }, tags: [{ key: 'a', value: 'b' }] },
      [{ key: 'x', value: 'y' }]
    ],
    ['the outer tags are empty', { taskDefinition: { family: 'api' }, tags: [] }, undefined],
    ['the outer tags are not a list', { taskDefinition: { family: 'api' }, tags: 'team=a' }, undefined]
  ])('tags are moved in only when there are some and the inner has none: %s', (_what, doc, tags) => {
    expect(unwrapDescribeOutput(doc as JsonObject, ctx).doc['tags']).toEqual(tags);
  });

  it('other top-level keys are kept beside the definition for the validator to report; a document with containerDefinitions is not unwrapped', () => {
    expect(unwrapDescribeOutput({ taskDefinition: { family: 'api' }, ResponseMetadata: {} }, ctx).doc).toEqual({
      family: 'api',
      ResponseMetadata: {}
    });
    const plain: JsonObject = { taskDefinition: { family: 'x' }, containerDefinitions: [] };
    expect(unwrapDescribeOutput(plain, ctx)).toMatchObject({ doc: plain, unwrapped: false });
    expect(unwrapDescribeOutput({ taskDefinition: 'x' }, ctx).unwrapped).toBe(false);
  });
});

describe('FARGATE defaults', () => {
  it('a FARGATE definition without networkMode is awsvpc: hostPort must equal containerPort', () => {
    const { networkMode: _, ...noMode } = fargate([app({ portMappings: [{ containerPort: 8080, hostPort: 80 }] })]);
    expect(rules(noMode)).toEqual([
      'td.json containerDefinitions[0].portMappings[0].hostPort: is 80 but containerPort is 8080; with awsvpc they must be equal (set hostPort to 8080 or remove it)'
    ]);
  });

  it('a definition that is valid comes back as the register input, and the same problem is reported once', async () => {
    expect(await validateTaskDefinition(fargate([app()]), ctx)).toMatchObject({ family: 'api' });
    const twice = await problems(fargate([app({ name: 'a b' }), app({ name: 'a b', essential: false })]));
    expect(twice).toEqual([
      'td.json containerDefinitions[0].name: is "a b", not a valid container name (use up to 255 letters, digits, _ and -)',
      'td.json containerDefinitions[1].name: is "a b", not a valid container name (use up to 255 letters, digits, _ and -)'
    ]);
  });
});

describe('describe-task-definition output', () => {
  it('is unwrapped with its tags, and the read-only fields are stripped', () => {
    const doc: JsonObject = {
      taskDefinition: { family: 'api', revision: 3, status: 'ACTIVE', containerDefinitions: [] },
      tags: [{ key: 'team', value: 'a' }]
    };
    const { doc: inner, unwrapped } = unwrapDescribeOutput(doc, ctx);
    expect(unwrapped).toBe(true);
    expect(stripReadOnly(inner)).toEqual(['revision', 'status']);
    expect(inner).toEqual({ family: 'api', containerDefinitions: [], tags: [{ key: 'team', value: 'a' }] });
  });
});
