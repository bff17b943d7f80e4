/** The release file is validated whole: every problem of every service reported together, before anything changes. */
import { describe, expect, test } from '@jest/globals';
import { InputError, InputErrors } from '../../src/errors.js';
import { findCycle, parseRelease, wavesOf } from '../../src/release/file.js';

const TEMPLATE = 'examples/web.taskdef.json';
const VARS = 'vars: { cpu: 256, memory: 512, tag: v2, greeting: hi, commit: abc }';

function problems(text: string): string[] {
  try {
    parseRelease(text, 'release.yml', {});
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((e) => e.message);
    if (error instanceof InputError) return [error.message];
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('a valid release file', () => {
  const text = `
cluster: prod
max-parallel: 2
defaults:
  poll-interval: 5s
  task-definition: ${TEMPLATE}
  ${VARS}
services:
  api: {}
  worker:
    depends-on: [api]
  web:
    strategy: blue-green
    blue-service: web-blue
    green-service: web-green
    blue-target-group: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/1
    green-target-group: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/2
    listener-arn: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web-alb/1/2
    depends-on: api
`;
  test('services in dependency waves, each with the settings a step with the same with: would have', () => {
    const plan = parseRelease(text, 'release.yml', {});
    expect(plan.waves).toEqual([['api'], ['web', 'worker']]);
    expect(plan.maxParallel).toBe(2);
    expect(plan.onFailure).toBe('rollback');
    const api = plan.services.find((s) => s.name === 'api')!;
    // The key names the service; the top-level cluster and the defaults apply.
    expect(api.settings.deploy).toMatchObject({ service: 'api', cluster: 'prod', pollIntervalMs: 5_000, strategy: 'rolling' });
    expect(api.settings.render.vars.get('tag')).toBe('v2');
    const web = plan.services.find((s) => s.name === 'web')!;
    expect(web.settings.blueGreen?.colours.blue.service).toBe('web-blue');
    expect(web.settings.deploy.service).toBeUndefined();
    expect(web.wave).toBe(1);
  });

  test('max-parallel defaults to 10 and on-failure to rollback', () => {
    const plan = parseRelease(`cluster: prod\nservices:\n  api:\n    task-definition: ${TEMPLATE}\n    ${VARS}\n`, 'release.yml', {});
    expect(plan.maxParallel).toBe(10);
    expect(plan.onFailure).toBe('rollback');
  });
});

describe('every problem reported together', () => {
  test('unknown keys name the closest known key, at every level', () => {
    const found = problems(`
clustr: prod
defaults:
  pol-interval: 5s
services:
  api:
    task-definition: ${TEMPLATE}
    ${VARS}
    depend-on: [worker]
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/release\.yml:2 clustr: unknown key "clustr" at the top level \(did you mean "cluster"\?\)/),
        expect.stringMatching(
          /release\.yml:4 defaults\.pol-interval: unknown key "pol-interval" in defaults \(did you mean "poll-interval"\?\)/
        ),
        expect.stringMatching(/services\.api\.depend-on: unknown key "depend-on" in service api \(did you mean "depends-on"\?\)/)
      ])
    );
  });

  test('a dependency cycle is named', () => {
    const found = problems(`
services:
  a: { task-definition: ${TEMPLATE}, ${VARS}, depends-on: [c] }
  b: { task-definition: ${TEMPLATE}, ${VARS}, depends-on: [a] }
  c: { task-definition: ${TEMPLATE}, ${VARS}, depends-on: [b] }
`);
    expect(found).toEqual([expect.stringMatching(/in a cycle: a → c → b → a/)]);
  });

  test('a service named twice, a missing template, an unknown dependency and bad inputs of two services, in one report', () => {
    const found = problems(`
cluster: prod
services:
  api:
    task-definition: deploy/missing.json
    poll-interval: soon
  api:
    task-definition: ${TEMPLATE}
  worker:
    task-definition: ${TEMPLATE}
    ${VARS}
    timeout: forever
    depends-on: [apii]
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/release\.yml:7 services\.api: service api is named twice \(first on line 4\)/),
        expect.stringMatching(/services\.api\.task-definition is deploy\/missing\.json, but there is no such file/),
        expect.stringMatching(/`services\.api\.poll-interval` in release\.yml/),
        expect.stringMatching(/`services\.worker\.timeout` in release\.yml/),
        expect.stringMatching(/service worker depends on apii, which is not a service of this release \(did you mean api\?\)/)
      ])
    );
    expect(found.length).toBeGreaterThanOrEqual(5);
  });

  test('a problem that comes from defaults names defaults', () => {
    const found = problems(`
defaults:
  timeout: forever
services:
  api: { task-definition: ${TEMPLATE}, ${VARS} }
`);
    expect(found).toEqual([expect.stringMatching(/`defaults\.timeout` in release\.yml/)]);
  });

  test('two entries deploying one ECS service, and step-only inputs in a service', () => {
    const found = problems(`
services:
  api: { task-definition: ${TEMPLATE}, ${VARS} }
  api2: { task-definition: ${TEMPLATE}, ${VARS}, service: api, github-token: x }
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/services api and api2 both deploy service default\/api/),
        expect.stringMatching(/"github-token" belongs to the workflow step/)
      ])
    );
  });

  test('max-parallel and on-failure are checked', () => {
    const found = problems(`
max-parallel: 0
on-failure: ignore
services:
  api: { task-definition: ${TEMPLATE}, ${VARS} }
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/max-parallel is "0" \(use a whole number from 1 to 100\)/),
        expect.stringMatching(/on-failure is "ignore" \(use rollback/)
      ])
    );
  });

  test('no services, and YAML that does not parse', () => {
    expect(problems('cluster: prod\n')).toEqual([expect.stringMatching(/has no services/)]);
    expect(problems('services: [\n')).toEqual([expect.stringMatching(/release\.yml:\d+: is not valid YAML/)]);
  });
});

describe('waves and cycles', () => {
  test.each([
    [{ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] }, [['a'], ['b', 'c'], ['d']]],
    [{ x: [], y: [] }, [['x', 'y']]],
    [{ a: ['b'], b: [] }, [['b'], ['a']]]
  ])('%j → %j', (deps, waves) => {
    expect(wavesOf(new Map(Object.entries(deps)))).toEqual(waves);
  });
  test('a self-contained graph has no cycle; a two-service loop is found', () => {
    expect(findCycle(new Map(Object.entries({ a: [], b: ['a'] })))).toBeUndefined();
    expect(findCycle(new Map(Object.entries({ a: ['b'], b: ['a'] })))).toEqual(['a', 'b', 'a']);
  });
});
