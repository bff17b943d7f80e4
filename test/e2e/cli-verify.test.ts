/**
 * `ecs-rollout verify`, bundled, against the local ECS's seeded world: the example template
 * verifies clean, a template built on the seeded ECR images, parameters, secrets and roles
 * verifies clean, and a template with one of each kind of problem fails with every problem
 * named (field and fix), exit 1 — with nothing changed in AWS.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/run-action.js';
import { startSim, type Sim } from '../../sim/server.js';
import { VARS, runCli, type CliRun } from './sim-helpers.js';

let sim: Sim;
let dir: string;
beforeAll(async () => {
  sim = await startSim({ seed: true, timeScale: 60 });
  dir = mkdtempSync(join(tmpdir(), 'ecs-rollout-verify-'));
});
afterAll(async () => {
  await sim.close();
});

const cli = (args: string[]): Promise<CliRun> => runCli(sim.url, args, { accessKeyId: 'AKIDVERIFY' });

/** Every call the CLI made: only reads. */
function mutatingCalls(): string[] {
  return sim
    .calls({ accessKeyId: 'AKIDVERIFY' })
    .map((c) => `${c.service}.${c.operation}`)
    .filter((op) => !/\.(Describe|Get|List|BatchGet)/.test(op));
}

function template(name: string, doc: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

function taskDefinition(containers: Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    family: 'web',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    executionRoleArn: sim.scenario!.verify.executionRoleArn,
    containerDefinitions: containers,
    ...extra
  };
}

function container(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'web',
    essential: true,
    portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'web' }
    },
    ...overrides
  };
}

interface JsonCheck {
  kind: string;
  path: string;
  container?: string;
  outcome: string;
  detail: string;
  fix?: string;
}

describe('ecs-rollout verify', () => {
  test('the example template verifies clean against the seeded world (its image is outside ECR: not checked)', async () => {
    const r = await cli([
      'verify',
      '--task-definition',
      join(ROOT, 'examples/web.taskdef.json'),
      '--vars',
      VARS,
      '--vars',
      'tag=v1',
      '--cluster',
      'prod',
      '--service',
      'web'
    ]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^verify web → cluster prod, service web$/m);
    expect(r.stdout).toMatch(/^ {2}ok +executionRoleArn: role ecsTaskExecutionRole exists and ECS tasks may assume it$/m);
    expect(r.stdout).toMatch(
      /^ {2}ok +containerDefinitions\[0\]\.logConfiguration\.options \(container web\): log group \/ecs\/web exists in us-east-1$/m
    );
    expect(r.stdout).toMatch(/^ {2}skipped +containerDefinitions\[0\]\.image \(container web\): not checked: not an ECR image/m);
    expect(r.stdout).toMatch(/^all 4 checks passed, 1 not checked$/m);
    expect(mutatingCalls()).toEqual([]);
  });

  test('a template on the seeded ECR images, parameters, secrets (json-key, AWSPREVIOUS) and task role passes every check', async () => {
    const v = sim.scenario!.verify;
    const path = template(
      'clean.json',
      taskDefinition(
        [
          container({
            image: `${v.repositories.web}:{{ tag }}`,
            secrets: [
              { name: 'DB_URL', valueFrom: v.parameters.dbUrl },
              { name: 'FLAGS', valueFrom: `arn:aws:ssm:us-east-1:123456789012:parameter${v.parameters.featureFlags}` },
              { name: 'API_KEY', valueFrom: `${v.secrets.apiKey}:key::` },
              { name: 'API_KEY_PREVIOUS', valueFrom: `${v.secrets.apiKey}:key:AWSPREVIOUS:` }
            ]
          })
        ],
        { taskRoleArn: v.taskRoleArn }
      )
    );
    const r = await cli(['verify', '--task-definition', path, '--vars', 'tag=v2', '--cluster', 'prod', '--service', 'web', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      status: string;
      failed: number;
      skipped: number;
      passed: number;
      checks: JsonCheck[];
      'exit-code': number;
    };
    expect({ status: out.status, failed: out.failed, skipped: out.skipped, exit: out['exit-code'] }).toEqual({
      status: 'passed',
      failed: 0,
      skipped: 0,
      exit: 0
    });
    expect(out.checks.map((c) => `${c.kind} ${c.outcome}`)).toEqual([
      'cluster ok',
      'service ok',
      'role ok',
      'role ok',
      'image ok',
      'secret ok',
      'secret ok',
      'secret ok',
      'secret ok',
      'log-group ok'
    ]);
    expect(out.checks.find((c) => c.kind === 'image')?.detail).toMatch(/^tag v2 is in repository web \(sha256:[a-f0-9]{64}\)$/);
    expect(mutatingCalls()).toEqual([]);
  });

  test('one of each kind of problem: every one reported with its field and fix, exit 1, nothing changed', async () => {
    const v = sim.scenario!.verify;
    const path = template(
      'broken.json',
      taskDefinition(
        [
          container({
            image: `${v.repositories.web}:v9`,
            secrets: [
              { name: 'DB_URL', valueFrom: '/prod/web/db-password' },
              { name: 'API_KEY', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/web/nope-AbCdEf' },
              { name: 'OLD_TOKEN', valueFrom: v.broken.deletedSecret },
              { name: 'PENDING', valueFrom: `${v.secrets.apiKey}::AWSPENDING:` }
            ],
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/ecs/web-missing', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'web' }
            }
          }),
          container({
            name: 'sidecar',
            essential: false,
            image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/sidecar:v1',
            portMappings: []
          })
        ],
        { executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole-typo', taskRoleArn: v.broken.untrustedRoleArn }
      )
    );
    const r = await cli(['verify', '--task-definition', path, '--cluster', 'prod', '--service', 'web-nope']);
    expect(r.status).toBe(1);
    const failures = r.stdout.split('\n').filter((l) => l.startsWith('  FAILED'));
    expect(failures).toEqual([
      '  FAILED   --service: service web-nope does not exist in cluster prod',
      '  FAILED   executionRoleArn: role ecsTaskExecutionRole-typo does not exist',
      '  FAILED   taskRoleArn: role legacy-instance-role exists, but its trust policy does not let ECS tasks assume it',
      '  FAILED   containerDefinitions[0].image (container web): tag v9 is not in repository web (registry 123456789012, us-east-1)',
      '  FAILED   containerDefinitions[0].secrets[0].valueFrom (container web): SSM parameter /prod/web/db-password does not exist in us-east-1',
      '  FAILED   containerDefinitions[0].secrets[1].valueFrom (container web): Secrets Manager has no secret arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/web/nope-AbCdEf in us-east-1',
      expect.stringMatching(
        /^ {2}FAILED {3}containerDefinitions\[0\]\.secrets\[2\]\.valueFrom \(container web\): secret prod\/web\/old-token is scheduled for deletion \(deleted .*\): tasks cannot read it$/
      ),
      '  FAILED   containerDefinitions[0].secrets[3].valueFrom (container web): secret prod/web/api-key has no version labelled AWSPENDING (labels: AWSPREVIOUS, AWSCURRENT)',
      '  FAILED   containerDefinitions[0].logConfiguration.options (container web): log group /ecs/web-missing does not exist in us-east-1: tasks will fail to start',
      '  FAILED   containerDefinitions[1].image (container sidecar): repository sidecar does not exist in registry 123456789012 (us-east-1)'
    ]);
    // Each failure is followed by its fix.
    expect(r.stdout.match(/^ {11}fix: /gm)).toHaveLength(10);
    expect(r.stdout).toContain(
      'fix: create it (aws logs create-log-group --log-group-name /ecs/web-missing), or set awslogs-create-group to "true"'
    );
    expect(r.stdout).toContain('fix: restore it (aws secretsmanager restore-secret --secret-id');
    expect(r.stdout).toMatch(/^10 problems found; 2 passed, 0 not checked$/m);
    expect(mutatingCalls()).toEqual([]);
  });

  test('--json carries the same checks, and a missing cluster fails without checking its services', async () => {
    const r = await cli([
      'verify',
      '--task-definition',
      join(ROOT, 'examples/web.taskdef.json'),
      '--vars',
      VARS,
      '--vars',
      'tag=v1',
      '--cluster',
      'staging',
      '--service',
      'web',
      '--json'
    ]);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { status: string; checks: JsonCheck[]; 'exit-code': number };
    expect(out.status).toBe('failed');
    expect(out['exit-code']).toBe(1);
    expect(out.checks.slice(0, 2)).toEqual([
      {
        kind: 'cluster',
        subject: 'staging',
        path: '--cluster',
        outcome: 'failed',
        detail: 'cluster staging does not exist',
        fix: 'fix --cluster (and --region)'
      },
      { kind: 'service', subject: 'web', path: '--service', outcome: 'skipped', detail: 'not checked: the cluster is missing' }
    ]);
  });

  test('bad input is exit 2 before any AWS call', async () => {
    const before = sim.calls({ accessKeyId: 'AKIDVERIFY' }).length;
    const r = await cli(['verify', '--task-definition', join(dir, 'missing.json'), '--cluster', 'prod', '--service', 'web']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing\.json/);
    expect(sim.calls({ accessKeyId: 'AKIDVERIFY' })).toHaveLength(before);
  });
});
