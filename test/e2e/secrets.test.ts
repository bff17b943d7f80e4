/**
 * No secret value in any channel, end to end: the bundled action and CLI against the local ECS
 * deploy a template that takes a `secret-vars` variable, rotate it, fail with a reason that
 * quotes it, and every place a person or another system could read is searched for it in every
 * form it could take: the log, the outputs, the saved state, the job summary, the GitHub
 * Deployments API payloads, the post step, the CLI's stdout, stderr, summary and state file.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type ActionRun } from '../../scripts/run-action.js';
import { startSim, type Sim } from '../../sim/server.js';
import { secretForms } from '../../src/mask.js';
import { FAST, revisionOf, runCli, type CliRun, why } from './sim-helpers.js';

/**
 * Hard secrets: quotes, backslashes, `=`, newlines, unicode (outside the BMP too), `|` and `%`.
 * Each holds a marker (Zq7A, Zq7B) that appears nowhere else, so any fragment that slips out is
 * found even in a form nobody listed.
 */
const A = 'Zq7A "old" back\\slash=eq wörd|%41\nsecond line 🔑 Zq7A-end';
const B = 'Zq7B \'new\' "dq" \\n=not-a-newline é\n  indented line ✓ Zq7B-end';

/** How the runner's workflow commands carry a message (::error::, ::warning::): %, CR and LF escaped. */
function commandEscaped(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function formsOf(secret: string): string[] {
  return [...new Set([...secretForms(secret), commandEscaped(secret), ...secret.split('\n').map(commandEscaped), secret.slice(0, 4)])];
}
const FORMS = [...formsOf(A), ...formsOf(B)];

/** Every form of either secret found in `text`, for a failure message that says which channel and which form. */
function leaks(channel: string, text: string): string[] {
  return FORMS.filter((f) => text.includes(f)).map((f) => `${channel}: ${JSON.stringify(f)}`);
}

/** The runner consumes ::add-mask:: commands: they are how it learns the secrets, never shown. */
function shownLog(log: string): string {
  return log
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

function actionLeaks(run: ActionRun): string[] {
  const out = [
    ...leaks('log', shownLog(run.log)),
    ...leaks('outputs', JSON.stringify(run.outputs)),
    ...leaks('saved state', JSON.stringify(run.state)),
    ...leaks('summary', run.summary)
  ];
  if (run.post) out.push(...leaks('post log', shownLog(run.post.log)), ...leaks('post state', JSON.stringify(run.post.state)));
  return out;
}

const TEMPLATE = {
  family: 'web',
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  containerDefinitions: [
    {
      name: 'web',
      image: 'registry.example.com/web:{{ tag }}',
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      environment: [
        { name: 'DB_PASSWORD', value: '{{ db_password }}' },
        { name: 'DATABASE_URL', value: 'postgres://app:{{ db_password }}@db.internal/app' },
        { name: 'LOG_LEVEL', value: 'info' }
      ],
      dockerLabels: { 'com.example.auth': 'Bearer {{ db_password }}' }
    }
  ]
};

let dir: string;
let templatePath: string;
let api: Server;
let apiUrl: string;
/** Every request body the fake GitHub API received, as sent. */
let github: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ecs-rollout-secrets-'));
  templatePath = join(dir, 'web.taskdef.json');
  writeFileSync(templatePath, JSON.stringify(TEMPLATE, null, 2));
  api = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      github.push(`${req.method ?? ''} ${req.url ?? ''} ${raw}`);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 7, state: 'ok' }));
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const address = api.address();
  apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((r) => api.close(r));
});

let sim: Sim;
beforeEach(async () => {
  github = [];
  sim = await startSim({ seed: true, timeScale: 300 });
});
afterEach(async () => {
  await sim.close();
});

/** The secret as a heredoc var, the way a workflow passes a multi-line secret. */
function vars(tag: string, secret: string): string {
  return `tag=${tag}\ndb_password<<EOF_SECRET\n${secret}\nEOF_SECRET`;
}

function deploy(tag: string, secret: string): Promise<ActionRun> {
  return runAction({
    endpoint: sim.url,
    inputs: {
      'task-definition': templatePath,
      vars: vars(tag, secret),
      'secret-vars': 'db_password',
      cluster: 'prod',
      service: 'web',
      environment: 'production',
      'environment-url': 'https://web.example.com',
      'github-token': 'ghs_fake-token-for-tests',
      ...FAST
    },
    env: { GITHUB_API_URL: apiUrl, GITHUB_REF: 'refs/heads/main' }
  });
}

describe('the action', () => {
  test('a rotation (v2 with secret A, then v3 with secret B): the diff says the secret changed and no channel holds either', async () => {
    const first = await deploy('v2', A);
    expect(first.outputs.status).toBe('succeeded');
    const second = await deploy('v3', B);
    expect(second.outputs.status).toBe('succeeded');
    expect(await revisionOf(sim.url, 'web')).toBe('web:3');

    // The diff against the running web:2 names what changed without either value, in the log and the summary.
    for (const text of [second.log, second.summary]) {
      expect(text).toContain('~ containerDefinitions[web].environment.DB_PASSWORD: (secret) changed');
      expect(text).toContain('~ containerDefinitions[web].environment.DATABASE_URL: (secret) changed');
      expect(text).toContain('~ containerDefinitions[web].dockerLabels.com.example.auth: (secret) changed');
      expect(text).toContain('~ containerDefinitions[web].image: "registry.example.com/web:v2" → "registry.example.com/web:v3"');
    }
    // The runner was told every line and escaped form before anything was printed.
    expect(second.log.indexOf('::add-mask::')).toBeLessThan(second.log.indexOf('::group::'));

    expect([...actionLeaks(first), ...actionLeaks(second), ...leaks('GitHub API', github.join('\n'))]).toEqual([]);
    expect(github.filter((r) => r.includes('/statuses'))).toHaveLength(4);
  });

  test('a failure whose reason quotes the secret: reason output, annotations, summary and the GitHub deployment status are masked', async () => {
    // ECS answers UpdateService with an error that quotes the secret (as an AWS error may quote what it was sent).
    sim.addFault({ kind: 'deny', service: 'ecs', operation: 'UpdateService', role: A });
    const run = await deploy('v2', A);
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.status).toBe('failed');
    expect(why(run)).toContain('***');
    expect(run.summary).toContain('***');

    const failure = github.filter((r) => r.includes('"state":"failure"'));
    expect(failure).toHaveLength(1);
    // The status carries the headline, which names the failed call and its code, never the message quoting the secret.
    expect(JSON.parse(failure[0].slice(failure[0].indexOf('{'))).description).toMatch(
      /^Failed: web:2 updating service web in cluster prod failed \(AccessDeniedException\)/
    );
    expect([...actionLeaks(run), ...leaks('GitHub API', github.join('\n'))]).toEqual([]);
  });

  test('a rolled-back deployment (the secret in the crashing revision): nothing leaks from the rollback, the evidence or the post step', async () => {
    const run = await deploy('v2-crash', B);
    expect(run.outputs.status).toBe('rolled-back');
    expect(run.post?.exitCode).toBe(0);
    expect([...actionLeaks(run), ...leaks('GitHub API', github.join('\n'))]).toEqual([]);
  });
});

const cli = (args: string[], cwd: string): Promise<CliRun> => runCli(sim.url, args, { cwd, accessKeyId: 'AKIDCLISECRETS' });

describe('the CLI', () => {
  test('render, diff after a rotation, deploy, a rolled-back deploy and rollback: no secret on stdout, stderr, the summary or the state file', async () => {
    const work = mkdtempSync(join(dir, 'cli-'));
    const common = (tag: string, secret: string): string[] => [
      '--task-definition',
      templatePath,
      `--vars=${vars(tag, secret)}`,
      '--secret-vars',
      'db_password',
      '--cluster',
      'prod',
      '--service',
      'web',
      '--poll-interval',
      '200ms'
    ];
    const found: string[] = [];
    const check = (name: string, r: { stdout: string; stderr: string }): void => {
      found.push(...leaks(`${name} stdout`, r.stdout), ...leaks(`${name} stderr`, r.stderr));
    };

    const rendered = await cli(['render', ...common('v2', A)], work);
    expect(rendered.status).toBe(0);
    expect(JSON.parse(rendered.stdout).containerDefinitions[0].environment).toContainEqual({ name: 'DB_PASSWORD', value: '***' });
    check('render', rendered);

    const first = await cli(['deploy', ...common('v2', A), '--summary-file', join(work, 'first.md')], work);
    expect(first.stdout).toMatch(/^status=succeeded$/m);
    check('deploy', first);

    const diff = await cli(['diff', ...common('v3', B)], work);
    expect(diff.status).toBe(0);
    expect(diff.stdout).toContain('~ containerDefinitions[web].environment.DB_PASSWORD: (secret) changed');
    check('diff', diff);

    // A crashing release is rolled back and its state file is kept for `ecs-rollout rollback`.
    const state = join(work, 'state.json');
    const crashed = await cli(
      ['deploy', ...common('v3-crash', B), '--summary-file', join(work, 'crashed.md'), '--state-file', state],
      work
    );
    expect(crashed.stdout).toMatch(/^status=rolled-back$/m);
    expect(crashed.stderr).toContain('(secret) changed');
    check('failed deploy', crashed);
    const summaries = ['first.md', 'crashed.md'].map((f) => readFileSync(join(work, f), 'utf8'));
    expect(summaries[1]).toContain('(secret) changed');
    summaries.forEach((s, i) => found.push(...leaks(`summary ${i + 1}`, s)));
    // Kept after a rollback, for `ecs-rollout rollback`: names and ARNs only.
    expect(existsSync(state)).toBe(true);
    found.push(...leaks('state file', readFileSync(state, 'utf8')));

    check('rollback', await cli(['rollback', '--state-file', state], work));
    expect(found).toEqual([]);
  });
});
