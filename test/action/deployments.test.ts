/**
 * GitHub deployment statuses against a local fake of the GitHub REST API: the real
 * `@actions/github` client, pointed at it through GITHUB_API_URL as on a GHES runner.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MAX_DESCRIPTION,
  isProductionEnvironment,
  runContextFromEnv,
  startDeployment,
  truncateDescription,
  type StartDeploymentOptions
} from '../../src/action/deployments.js';
import { SecretMask } from '../../src/mask.js';

interface Call {
  method: string;
  path: string;
  auth: string | undefined;
  body: Record<string, unknown>;
}

/** What the fake answers to the next requests: by default GitHub's happy path. */
type Answer = { status: number; body: unknown };
let script: Array<Answer | undefined> = [];
let calls: Call[] = [];
let server: Server;
let nextId = 100;

const FORBIDDEN: Answer = {
  status: 403,
  body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' }
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const call: Call = {
        method: req.method ?? '',
        path: req.url ?? '',
        auth: req.headers.authorization,
        body: raw ? JSON.parse(raw) : {}
      };
      calls.push(call);
      const scripted = script.shift();
      const answer: Answer = scripted ?? happyPath(call);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // @actions/github reads this when it is first imported, which startDeployment does lazily.
  process.env['GITHUB_API_URL'] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  script = [];
  calls = [];
});

function happyPath(call: Call): Answer {
  if (call.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/deployments$/.test(call.path)) {
    return { status: 201, body: { id: ++nextId, sha: call.body['ref'], environment: call.body['environment'] } };
  }
  if (call.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/deployments\/\d+\/statuses$/.test(call.path)) {
    return { status: 201, body: { id: ++nextId, state: call.body['state'] } };
  }
  return { status: 404, body: { message: 'Not Found' } };
}

const SHA = '0123456789abcdef0123456789abcdef01234567';
const RUN_URL = 'https://github.com/acme/web/actions/runs/42';

function options(overrides: Partial<StartDeploymentOptions> = {}): { opts: StartDeploymentOptions; warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    opts: {
      token: 'ghs_faketoken',
      environment: 'production',
      environmentUrl: 'https://web.example.com',
      ref: 'main',
      sha: SHA,
      repo: { owner: 'acme', repo: 'web' },
      runUrl: RUN_URL,
      log: { warning: (m) => warnings.push(m) },
      mask: (text) => text,
      ...overrides
    }
  };
}

/** The calls in a form that reads like the story: which endpoint, which state. */
function story(): string[] {
  return calls.map((c) => (c.path.endsWith('/statuses') ? `status ${String(c.body['state'])}` : `${c.method} ${c.path}`));
}

describe('a deployment that succeeds', () => {
  it('creates a deployment for the commit, moves it to in_progress, then success (previous ones inactive)', async () => {
    const { opts, warnings } = options();
    const deployment = await startDeployment(opts);
    expect(deployment).toBeDefined();
    await deployment!.finish('succeeded', 'web is on web:42');

    expect(story()).toEqual(['POST /repos/acme/web/deployments', 'status in_progress', 'status success']);
    expect(warnings).toEqual([]);
    expect(calls.every((c) => c.auth === 'token ghs_faketoken')).toBe(true);

    const [create, inProgress, success] = calls;
    expect(create.body).toMatchObject({
      ref: SHA,
      environment: 'production',
      required_contexts: [],
      auto_merge: false,
      transient_environment: false,
      production_environment: true,
      payload: { ref: 'main', sha: SHA }
    });
    expect(inProgress.path).toBe(`/repos/acme/web/deployments/${deployment!.id}/statuses`);
    expect(inProgress.body).toMatchObject({ state: 'in_progress', log_url: RUN_URL, environment_url: 'https://web.example.com' });
    expect(success.path).toBe(inProgress.path);
    expect(success.body).toMatchObject({
      state: 'success',
      auto_inactive: true,
      log_url: RUN_URL,
      environment_url: 'https://web.example.com',
      description: 'web is on web:42'
    });
  });
});

describe('a deployment that does not succeed', () => {
  it.each(['rolled-back', 'failed'] as const)('%s → failure, and the previous deployment stays active', async (status) => {
    const { opts, warnings } = options();
    const deployment = await startDeployment(opts);
    await deployment!.finish(status, 'circuit breaker: tasks failed to start');

    expect(story()).toEqual(['POST /repos/acme/web/deployments', 'status in_progress', 'status failure']);
    expect(calls[2].body).toMatchObject({ state: 'failure', auto_inactive: false, log_url: RUN_URL });
    // The environment still serves the previous release: do not link it to this one.
    expect(calls[2].body).not.toHaveProperty('environment_url');
    expect(warnings).toEqual([]);
  });
});

describe('without the permission', () => {
  it('a 403 on creating the deployment is a warning naming deployments: write, and nothing more is called', async () => {
    script = [FORBIDDEN];
    const { opts, warnings } = options();
    const deployment = await startDeployment(opts);
    expect(deployment).toBeUndefined();
    expect(story()).toEqual(['POST /repos/acme/web/deployments']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('deployments: write');
    expect(warnings[0]).toContain('Resource not accessible by integration');
  });

  it('a 403 on the first status skips the rest: one warning, no call from finish', async () => {
    script = [undefined, FORBIDDEN];
    const { opts, warnings } = options();
    const deployment = await startDeployment(opts);
    await expect(deployment!.finish('succeeded', 'done')).resolves.toBeUndefined();
    expect(story()).toEqual(['POST /repos/acme/web/deployments', 'status in_progress']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('deployments: write');
  });

  it('a 404 (a token that cannot see the repository) is the same warning', async () => {
    script = [{ status: 404, body: { message: 'Not Found' } }];
    const { opts, warnings } = options();
    await expect(startDeployment(opts)).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('deployments: write');
  });

  it.each([undefined, ''])('no token (%p) → a warning and no call at all', async (token) => {
    const { opts, warnings } = options({ token });
    await expect(startDeployment(opts)).resolves.toBeUndefined();
    expect(calls).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('deployments: write');
  });
});

describe('other GitHub failures', () => {
  it('a 500 on in_progress is a warning and the final status is still sent', async () => {
    script = [undefined, { status: 500, body: { message: 'Server Error' } }];
    const { opts, warnings } = options();
    const deployment = await startDeployment(opts);
    await deployment!.finish('succeeded', 'done');
    expect(story()).toEqual(['POST /repos/acme/web/deployments', 'status in_progress', 'status success']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('500');
  });

  it('a 202 (GitHub wanted to merge first) creates nothing: a warning, no status', async () => {
    script = [{ status: 202, body: { message: 'Auto-merged main into topic on deployment.' } }];
    const { opts, warnings } = options();
    await expect(startDeployment(opts)).resolves.toBeUndefined();
    expect(calls).toHaveLength(1);
    expect(warnings[0]).toContain('Auto-merged');
  });
});

describe('descriptions and environments', () => {
  it('a long reason is cut to GitHub’s 140 characters on the wire', async () => {
    const { opts } = options();
    const deployment = await startDeployment(opts);
    const reason = `rolled back: ${'target Target.FailedHealthChecks '.repeat(10)}`;
    await deployment!.finish('rolled-back', reason);
    const description = String(calls[2].body['description']);
    expect(description).toHaveLength(MAX_DESCRIPTION);
    expect(description.endsWith('…')).toBe(true);
    expect(reason.startsWith(description.slice(0, -1))).toBe(true);
  });

  it.each([
    ['short', 'short'],
    ['multi\nline   text', 'multi line text'],
    ['x'.repeat(140), 'x'.repeat(140)]
  ])('truncateDescription(%p)', (input, expected) => {
    expect(truncateDescription(input)).toBe(expected);
  });

  it.each([
    ['production', true],
    ['Prod', true],
    ['staging', false],
    ['production-eu', false]
  ])('%s is a production environment: %p', (name, expected) => {
    expect(isProductionEnvironment(name)).toBe(expected);
  });

  it('staging is created as a non-production environment', async () => {
    const { opts } = options({ environment: 'staging' });
    await startDeployment(opts);
    expect(calls[0].body).toMatchObject({ environment: 'staging', production_environment: false });
  });
});

describe('secrets never reach GitHub', () => {
  // Quotes, a backslash, `=`, a tab, a newline, unicode: every form the payload could carry it in.
  const SECRET = 'pa"ss\\w0rd=\tx\nzwei-é🔑';
  const forms = (): string[] => new SecretMask().add(SECRET);
  const mask = new SecretMask();
  mask.add(SECRET);

  it('a failure reason quoting a secret is masked before it is flattened and cut', async () => {
    const { opts, warnings } = options({ mask: (t) => mask.mask(t) });
    const deployment = await startDeployment(opts);
    // Placed so that cutting at 140 characters would split it, and flattening would join its lines.
    const reason = `${'x'.repeat(112)} auth failed for "${SECRET}" (exit 1)`;
    await deployment!.finish('failed', reason);
    const wire = JSON.stringify(calls.map((c) => c.body));
    for (const form of forms()) expect(wire).not.toContain(form);
    const description = String(calls[2].body['description']);
    for (const part of ['pa"ss', 'w0rd', 'zwei']) expect(description).not.toContain(part);
    expect(description).toMatch(/ auth failed for "\*\*\*" \(exi…$/);
    expect(warnings).toEqual([]);
  });

  it('the environment URL, the log URL and the ref in the payload are masked too', async () => {
    const { opts } = options({
      mask: (t) => mask.mask(t),
      environmentUrl: `https://web.example.com/?token=${encodeURIComponent(SECRET)}`,
      runUrl: `${RUN_URL}?k=${encodeURIComponent(SECRET)}`,
      ref: `release/${SECRET}`
    });
    const deployment = await startDeployment(opts);
    await deployment!.finish('succeeded', 'done');
    const wire = JSON.stringify(calls.map((c) => c.body));
    for (const form of forms()) expect(wire).not.toContain(form);
    expect(calls[2].body).toMatchObject({ environment_url: 'https://web.example.com/?token=***', log_url: `${RUN_URL}?k=***` });
    expect(calls[0].body['payload']).toEqual({ ref: 'release/***', sha: SHA });
  });

  it('a GitHub error that quotes what was sent is masked in the warning', async () => {
    script = [undefined, undefined, { status: 422, body: { message: `description "${SECRET}" is invalid` } }];
    const { opts, warnings } = options({ mask: (t) => mask.mask(t) });
    const deployment = await startDeployment(opts);
    await deployment!.finish('failed', 'done');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('422');
    for (const form of forms()) expect(warnings[0]).not.toContain(form);
  });
});

describe('runContextFromEnv', () => {
  const base = { GITHUB_REPOSITORY: 'acme/web', GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '42' };
  it.each([
    ['a branch', { GITHUB_REF: 'refs/heads/main' }, 'main'],
    ['a tag', { GITHUB_REF: 'refs/tags/v1.2.0' }, 'v1.2.0'],
    ['a pull request merge ref', { GITHUB_REF: 'refs/pull/7/merge' }, SHA]
  ])('%s', (_what, env, ref) => {
    expect(runContextFromEnv({ ...base, ...env })).toEqual({ repo: { owner: 'acme', repo: 'web' }, sha: SHA, ref, runUrl: RUN_URL });
  });

  it('is undefined outside a runner', () => {
    expect(runContextFromEnv({})).toBeUndefined();
  });
});

it('loads @actions/github only when a deployment is started (start-up budget)', () => {
  const source = readFileSync(new URL('../../src/action/deployments.ts', import.meta.url), 'utf8');
  const staticImports = source.split('\n').filter((l) => /^import\s+(?!type\b).*['"]@actions\/github['"]/.test(l));
  expect(staticImports).toEqual([]);
  expect(source).toContain("await import('@actions/github')");
});
