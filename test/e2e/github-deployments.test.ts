/**
 * GitHub deployment statuses from the bundled action: a local fake of the GitHub REST API
 * (GITHUB_API_URL points at it) records what dist/index.js sends during real rollouts
 * against the local ECS. This also proves the lazily loaded GitHub client works in the bundle.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { startSim, type Sim } from '../../sim/server.js';
import { runAction } from '../../scripts/run-action.js';
import { FAST, VARS } from './sim-helpers.js';

interface Call {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

let api: Server;
let apiUrl: string;
let calls: Call[] = [];
let status = 201;

beforeAll(async () => {
  api = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      calls.push({ method: req.method ?? '', path: req.url ?? '', body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        status === 403 ? JSON.stringify({ message: 'Resource not accessible by integration' }) : JSON.stringify({ id: 7, state: 'ok' })
      );
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
  calls = [];
  status = 201;
  sim = await startSim({ seed: true, timeScale: 300 });
});
afterEach(async () => {
  await sim.close();
});

const inputs = (tag: string): Record<string, string> => ({
  'task-definition': 'examples/web.taskdef.json',
  vars: `${VARS}\ntag=${tag}`,
  cluster: 'prod',
  service: 'web',
  environment: 'production',
  'environment-url': 'https://web.example.com',
  'github-token': 'ghs_fake-token-for-tests',
  ...FAST
});

const env = (): Record<string, string> => ({ GITHUB_API_URL: apiUrl, GITHUB_REF: 'refs/heads/main' });

describe('GitHub deployment statuses', () => {
  test('success: deployment created for the commit, in_progress, then success with the environment URL', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: inputs('v2'), env: env() });
    expect(run.outputs.status).toBe('succeeded');
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /repos/acme/web/deployments',
      'POST /repos/acme/web/deployments/7/statuses',
      'POST /repos/acme/web/deployments/7/statuses'
    ]);
    expect(calls[0].body).toMatchObject({ ref: '0123456789abcdef0123456789abcdef01234567', environment: 'production' });
    expect(calls[1].body).toMatchObject({ state: 'in_progress', log_url: 'https://github.com/acme/web/actions/runs/42' });
    expect(calls[2].body).toMatchObject({ state: 'success', environment_url: 'https://web.example.com', auto_inactive: true });
  });

  test('rolled back: the deployment is marked failed and the previous one stays active', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: inputs('v2-crash'), env: env() });
    expect(run.outputs.status).toBe('rolled-back');
    const last = calls[calls.length - 1];
    expect(last.body).toMatchObject({ state: 'failure', auto_inactive: false });
    // The status says what a reader needs first: the headline (root cause, where traffic is), within GitHub's 140 characters.
    expect(String(last.body.description)).toMatch(/^Rolled back: web:2 essential container web exited with code 1/);
  });

  test('no deployments: write permission → one warning, and the deployment itself goes on', async () => {
    status = 403;
    const run = await runAction({ endpoint: sim.url, inputs: inputs('v2'), env: env() });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    expect(run.log).toMatch(/::warning::.*deployments: write/);
    expect(calls).toHaveLength(1);
  });
});
