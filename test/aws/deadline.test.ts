/**
 * Deadlines and aborts through the real SDK and a real socket: a local HTTP server that
 * never answers, throttles or refuses, and the local ECS with a latency fault.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { startSim } from '../../sim/server.js';
import { createAws } from '../../src/aws/clients.js';
import { AwsCallError, isAbort, isThrottle, isTimeout } from '../../src/aws/errors.js';

const ENV = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
const saved: Partial<Record<(typeof ENV)[number], string | undefined>> = {};
beforeAll(() => {
  for (const k of ENV) saved[k] = process.env[k];
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDDEADLINE', AWS_SECRET_ACCESS_KEY: 'x' });
});
afterAll(() => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

type Answer = 'hang' | 'throttle' | 'deny' | 'invalid' | 'ok';

interface Fake {
  requests: number;
  /** Requests whose connection was closed by the client before an answer. */
  abandoned: number;
  answer: Answer;
  close(): Promise<void>;
}

const servers: Fake[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** An ECS endpoint (awsJson1_1) that answers as told, pointed at by AWS_ENDPOINT_URL. */
async function fakeEcs(answer: Answer): Promise<Fake> {
  const fake: Fake = { requests: 0, abandoned: 0, answer, close: async () => undefined };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    fake.requests += 1;
    req.resume();
    res.on('close', () => {
      if (!res.writableEnded) fake.abandoned += 1;
    });
    req.on('end', () => {
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      if (fake.answer === 'hang') return;
      if (fake.answer === 'throttle') return json(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      if (fake.answer === 'deny')
        return json(400, { __type: 'AccessDeniedException', message: 'User is not authorized to perform: ecs:DescribeServices' });
      if (fake.answer === 'invalid') return json(400, { __type: 'InvalidParameterException', message: 'Invalid service name' });
      json(200, { services: [{ serviceName: 'web', status: 'ACTIVE' }], failures: [] });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${address.port}`;
  fake.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  servers.push(fake);
  return fake;
}

async function failure(p: Promise<unknown>): Promise<AwsCallError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof AwsCallError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

// First in the file: the sim's latency timer runs out while the other tests run, not after them.
test('a hung DescribeTargetHealth on the local ECS (latency fault) ends at the deadline', async () => {
  const sim = await startSim({ seed: true, timeScale: 0 });
  try {
    process.env.AWS_ENDPOINT_URL = sim.url;
    const arn = Object.values(sim.scenario?.targetGroups ?? {})[0];
    if (!arn) throw new Error('the seeded scenario has no target group');
    // Warmed up without the short deadline: a loaded machine's first call (SDK loading) may take longer than it.
    await expect(createAws().elb.describeTargetHealth(arn)).resolves.toBeInstanceOf(Array);
    const aws = createAws({ callTimeoutMs: 500 });
    sim.faults.add({ kind: 'latency', service: 'elbv2', operation: 'DescribeTargetHealth', latencyMs: 5_000 });
    // A TimeoutError is the proof: the held answer (5 s) would have been a success. No stopwatch, so load cannot fail it.
    const error = await failure(aws.elb.describeTargetHealth(arn));
    expect(error.code).toBe('TimeoutError');
    expect(error.message).toMatch(
      new RegExp(`^reading the health of the targets in ${arn.replace(/[/.]/g, '\\$&')}: TimeoutError: AWS did not answer within 500 ms`)
    );
  } finally {
    await sim.close();
  }
});

describe('the deadline of one call', () => {
  test('a call AWS never answers ends at callTimeoutMs with a TimeoutError that says what was being done', async () => {
    await fakeEcs('hang');
    const aws = createAws({ callTimeoutMs: 600 });
    const start = performance.now();
    const error = await failure(aws.ecs.describeServices('prod', ['web']));
    const elapsed = performance.now() - start;
    expect(error.code).toBe('TimeoutError');
    expect(isTimeout(error)).toBe(true);
    expect(error.message).toMatch(
      /^describing service web in cluster prod: TimeoutError: AWS did not answer within 600 ms \(the deadline of one call, retries included\)/
    );
    // Not before the deadline (a lower bound holds on any machine); the fake never answers, so nothing else ended it.
    expect(elapsed).toBeGreaterThanOrEqual(590);
  });

  test('the deadline covers the SDK retrying attempts that time out, and says what the last attempt got', async () => {
    const fake = await fakeEcs('hang');
    const aws = createAws({ callTimeoutMs: 1_500, attemptTimeoutMs: 300 });
    const error = await failure(aws.ecs.describeServices('prod', ['web']));
    expect(error.code).toBe('TimeoutError');
    expect(error.message).toMatch(/within 1\.5 s|within 1500 ms/);
    expect(error.message).toMatch(/the last attempt failed with TimeoutError: .*300 ms requestTimeout/);
    // Each hung attempt was given up and retried on a new request.
    expect(fake.requests).toBeGreaterThanOrEqual(2);
  });

  test('a throttled read ends within its deadline and is recognisable as throttling', async () => {
    const fake = await fakeEcs('throttle');
    const aws = createAws({ callTimeoutMs: 1_000 });
    const error = await failure(aws.ecs.describeServices('prod', ['web']));
    expect(isThrottle(error)).toBe(true);
    expect(error.message).toMatch(
      /^describing service web in cluster prod: (ThrottlingException|TimeoutError: .*ThrottlingException: Rate exceeded)/
    );
    expect(fake.requests).toBeGreaterThanOrEqual(1);
  });

  test.each([
    ['deny', 'AccessDeniedException', /lacks this permission/],
    ['invalid', 'InvalidParameterException', /Invalid service name$/]
  ] as const)('%s: %s is not retried', async (answer, code, message) => {
    const fake = await fakeEcs(answer);
    const error = await failure(createAws().ecs.describeServices('prod', ['web']));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(fake.requests).toBe(1);
  });

  test('a healthy call is not affected by the deadline', async () => {
    await fakeEcs('ok');
    const out = await createAws({ callTimeoutMs: 2_000 }).ecs.describeServices('prod', ['web']);
    expect(out.services.map((s) => s.serviceName)).toEqual(['web']);
  });
});

describe('withSignal', () => {
  test('aborting the signal ends an in-flight call at once, with the reason, and closes its connection', async () => {
    const fake = await fakeEcs('hang');
    const aws = createAws({ callTimeoutMs: 60_000 });
    const controller = new AbortController();
    const call = failure(aws.withSignal(controller.signal).ecs.describeServices('prod', ['web']));
    while (fake.requests === 0) await new Promise((r) => setTimeout(r, 10));
    // The fake never answers and the deadline is a minute away: an AbortError can only come from the signal.
    controller.abort(new Error('cancelled (SIGINT)'));
    const error = await call;
    expect(error.code).toBe('AbortError');
    expect(isAbort(error)).toBe(true);
    expect(isTimeout(error)).toBe(false);
    expect(error.message).toBe('describing service web in cluster prod: AbortError: abandoned before AWS answered: cancelled (SIGINT)');
    // Waits on the fake's state (the server sees the socket close), not on a guessed delay.
    while (fake.abandoned === 0) await new Promise((r) => setImmediate(r));
    expect(fake.abandoned).toBe(1);
  });

  test('a signal that has already aborted sends nothing', async () => {
    const fake = await fakeEcs('ok');
    const controller = new AbortController();
    controller.abort(new Error('the deadline (10m) passed'));
    const error = await failure(createAws().withSignal(controller.signal).ecs.describeServices('prod', ['web']));
    expect(error.message).toMatch(/AbortError: abandoned before AWS answered: the deadline \(10m\) passed$/);
    expect(fake.requests).toBe(0);
  });

  test('the plain clients still work after a view was aborted (the rollback uses them)', async () => {
    const fake = await fakeEcs('hang');
    const aws = createAws({ callTimeoutMs: 5_000 });
    const controller = new AbortController();
    const call = failure(aws.withSignal(controller.signal).ecs.describeServices('prod', ['web']));
    while (fake.requests === 0) await new Promise((r) => setTimeout(r, 10));
    controller.abort(new Error('cancelled (SIGTERM)'));
    expect(isAbort(await call)).toBe(true);
    fake.answer = 'ok';
    await expect(aws.ecs.describeServices('prod', ['web'])).resolves.toMatchObject({ services: [{ serviceName: 'web' }] });
  });

  test('stacked views end on either signal; withCallTimeout shortens the deadline of the view only', async () => {
    await fakeEcs('hang');
    const aws = createAws({ callTimeoutMs: 60_000 });
    const a = new AbortController();
    const b = new AbortController();
    const view = aws.withSignal(a.signal).withSignal(b.signal);
    const call = failure(view.ecs.describeServices('prod', ['web']));
    b.abort(new Error('the poll round ended'));
    expect((await call).message).toMatch(/the poll round ended$/);

    // The client's own deadline is a minute: a TimeoutError saying 200 ms is the view's.
    const short = await failure(aws.withCallTimeout(200).ecs.describeServices('prod', ['web']));
    expect(short.code).toBe('TimeoutError');
    expect(short.message).toMatch(/within 200 ms/);
  });
});
