/**
 * A cancelled run must be able to exit: after a call is abandoned, no deadline timer, retry
 * back-off or socket may keep node alive, and nothing may surface as an unhandled rejection.
 * Each case runs a tiny script in its own node process against a server in this one.
 */
import { afterEach, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** An ECS endpoint that never answers, or that always throttles. */
async function endpoint(answer: 'hang' | 'throttle'): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (answer === 'hang') return;
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

const SCRIPT = `
import { createAws } from ${JSON.stringify(join(ROOT, 'src/aws/clients.ts'))};
// Nothing but the call keeps node alive, as in a pipeline awaiting AWS.
process.on('unhandledRejection', (error) => {
  console.error('unhandled rejection:', error);
  process.exitCode = 3;
});
const aws = createAws({ callTimeoutMs: Number(process.env.CALL_TIMEOUT_MS) });
const controller = new AbortController();
if (process.env.ABORT_AFTER_MS) setTimeout(() => controller.abort(new Error('cancelled (SIGINT)')), Number(process.env.ABORT_AFTER_MS));
try {
  await aws.withSignal(controller.signal).ecs.describeServices('prod', ['web']);
  console.log('answered');
} catch (error) {
  console.log('ended ' + error.code);
}
`;

/** Runs the script; resolves with what it printed and how long it lived after the call ended. */
async function run(
  url: string,
  o: { abortAfterMs?: number; callTimeoutMs?: number }
): Promise<{ stdout: string; stderr: string; code: number | null; lingerMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'aws-exit-'));
  const file = join(dir, 'abort.mts');
  writeFileSync(file, SCRIPT);
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_ENDPOINT_URL: url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXIT',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ABORT_AFTER_MS: o.abortAfterMs === undefined ? '' : String(o.abortAfterMs),
      CALL_TIMEOUT_MS: String(o.callTimeoutMs ?? 60_000)
    },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  let stderr = '';
  let endedAt: number | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('\n')) endedAt ??= performance.now();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const exitedAt = performance.now();
  return { stdout: stdout.trim(), stderr: stderr.trim(), code, lingerMs: exitedAt - (endedAt ?? exitedAt) };
}

test('a call aborted while AWS has not answered lets the process exit at once', async () => {
  const result = await run(await endpoint('hang'), { abortAfterMs: 300 });
  expect(result).toMatchObject({ stdout: 'ended AbortError', stderr: '', code: 0 });
  // Without clearing the 60 s deadline and closing the socket, node would wait for them: 3 s tells the two
  // apart with room for a loaded machine's process teardown.
  expect(result.lingerMs).toBeLessThan(3_000);
});

test('a call aborted while the SDK backs off from throttling lets the process exit at once', async () => {
  // By 2 s a throttled call is in its 3rd or 4th back-off (up to 4–8 s each): the SDK's own
  // strategy would hold the process until that sleep ends.
  const result = await run(await endpoint('throttle'), { abortAfterMs: 2_000 });
  expect(result).toMatchObject({ stdout: 'ended AbortError', stderr: '', code: 0 });
  // Below the shortest back-off sleep it would otherwise wait out (4 s).
  expect(result.lingerMs).toBeLessThan(3_000);
});

test('a throttled call with nothing else alive runs to its end instead of node exiting half-way', async () => {
  // The back-off sleeps do not keep node alive; the call's own deadline timer must.
  const result = await run(await endpoint('throttle'), { callTimeoutMs: 2_500 });
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(/^ended (TimeoutError|ThrottlingException)$/);
});
