/**
 * The deployment lock through the real SDK against the local ECS's DynamoDB: table created on
 * first use, runs started in the same tick never both holding a key, a dead holder taken over
 * after its lease, and the same under throttling, 5xx, dropped connections and lost answers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createLockStore, type LockStore } from '../../src/aws/dynamodb.js';
import { acquireLocks, LockError, type LockHandle, type LockOptions } from '../../src/lock/lock.js';
import { realTimer } from '../../src/timer.js';
import { startSim, type Sim } from '../../sim/server.js';

let sim: Sim;
const saved = { ...process.env };

beforeAll(async () => {
  // Time scale 60: the table's few simulated seconds of CREATING pass in tens of real milliseconds.
  sim = await startSim({ timeScale: 60 });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: sim.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCK',
    AWS_SECRET_ACCESS_KEY: 'x'
  });
  // The shared table exists before the tests that write into it directly.
  await (await acquireLocks(createLockStore(), ['setup'], runner(0))).release();
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});
afterEach(() => sim.clearFaults());

const quiet = { info: (): void => undefined, warning: (): void => undefined };

function runner(n: number, over: Partial<LockOptions> = {}): LockOptions {
  return {
    table: 'ecs-rollout-locks',
    owner: `owner-${n}-${Math.random().toString(36).slice(2)}`,
    holder: `host runner-${n} pid ${1000 + n}`,
    leaseMs: 2_000,
    timeoutMs: 0,
    pollMs: 10,
    timer: realTimer,
    log: quiet,
    ...over
  };
}

/** Each runner its own client, as separate machines would have. */
function stores(n: number, maxAttempts = 3): LockStore[] {
  return Array.from({ length: n }, () => createLockStore({ maxAttempts }));
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Counts who believes they hold the key: the lock is broken the moment it exceeds 1. */
class Exclusion {
  holders = 0;
  most = 0;
  entries = 0;
  async hold(handle: LockHandle, ms: number): Promise<void> {
    this.holders++;
    this.entries++;
    this.most = Math.max(this.most, this.holders);
    await pause(ms);
    expect(handle.lost.aborted).toBe(false);
    this.holders--;
    await handle.release();
  }
}

describe('deployment lock against the local ECS', () => {
  it('creates its table on first use, then takes and releases the lock', async () => {
    sim.clearCalls();
    const [db] = stores(1);
    const lines: string[] = [];
    const handle = await acquireLocks(
      db,
      ['service:prod/web'],
      runner(1, { table: 'first-use-locks', log: { info: (m) => lines.push(m), warning: (m) => lines.push(m) } })
    );
    expect(sim.calls({ service: 'dynamodb', operation: 'CreateTable' })).toHaveLength(1);
    expect(lines.some((l) => l.includes('created DynamoDB table first-use-locks'))).toBe(true);
    const ddb = new DynamoDBClient({});
    const read = async () =>
      (
        await ddb.send(
          new GetItemCommand({ TableName: 'first-use-locks', Key: { LockKey: { S: 'service:prod/web' } }, ConsistentRead: true })
        )
      ).Item;
    expect((await read())?.Holder?.S).toBe('host runner-1 pid 1001');
    await handle.release();
    expect(await read()).toBeUndefined();
  });

  it('lets exactly one of three runs started in the same tick proceed, 50 times over (lock-timeout 0)', async () => {
    const dbs = stores(3);
    const key = 'service:prod/race-now';
    for (let round = 0; round < 50; round++) {
      const results = await Promise.allSettled(dbs.map((db, i) => acquireLocks(db, [key], runner(i))));
      const won = results.filter((r): r is PromiseFulfilledResult<LockHandle> => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const winner = `host runner-${results.findIndex((r) => r.status === 'fulfilled')} pid`;
      for (const r of results) {
        if (r.status === 'rejected') {
          expect(r.reason).toBeInstanceOf(LockError);
          expect((r.reason as LockError).holder).toContain(winner);
        }
      }
      await won[0].value.release();
    }
  });

  it('never lets two waiting runs hold the key at once, and each gets its turn, 30 rounds of three', async () => {
    const dbs = stores(3);
    const key = 'service:prod/race-wait';
    const ex = new Exclusion();
    for (let round = 0; round < 30; round++) {
      await Promise.all(dbs.map(async (db, i) => ex.hold(await acquireLocks(db, [key], runner(i, { timeoutMs: 10_000 })), 3)));
    }
    expect(ex.most).toBe(1);
    expect(ex.entries).toBe(90);
  });

  it('takes over the lock of a runner that died, once its version has stood still for its lease', async () => {
    const ddb = new DynamoDBClient({});
    const key = 'service:prod/dead-holder';
    await ddb.send(
      new PutItemCommand({
        TableName: 'ecs-rollout-locks',
        Item: { LockKey: { S: key }, Owner: { S: 'killed' }, Holder: { S: 'host gone pid 1' }, Version: { S: 'v0' }, LeaseMs: { N: '400' } }
      })
    );
    const [db] = stores(1);
    const warnings: string[] = [];
    const started = performance.now();
    const handle = await acquireLocks(
      db,
      [key],
      runner(1, { timeoutMs: 5_000, pollMs: 25, log: { info: () => undefined, warning: (m) => warnings.push(m) } })
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    expect(warnings.some((w) => w.includes('took over') && w.includes('host gone pid 1'))).toBe(true);
    await handle.release();
  });

  it('does not take over from a live holder whose heartbeats keep its version moving', async () => {
    const [a, b] = stores(2);
    const key = 'service:prod/live-holder';
    // The waiter waits 2.5 leases; the lease is long enough that a loaded 2-core machine never starves three heartbeats in a row.
    const holder = await acquireLocks(a, [key], runner(1, { leaseMs: 2_000 }));
    const error = await acquireLocks(b, [key], runner(2, { leaseMs: 2_000, timeoutMs: 5_000, pollMs: 50 })).then(
      () => undefined,
      (e: unknown) => e
    );
    expect(error).toBeInstanceOf(LockError);
    expect((error as LockError).reason).toBe('busy');
    expect(holder.lost.aborted).toBe(false);
    await holder.release();
  });

  it('stays exclusive with DynamoDB throttling, 5xx answers, dropped connections and lost answers', async () => {
    sim.addFault({ kind: 'throttle', service: 'dynamodb', rate: 0.2 });
    sim.addFault({ kind: 'error', service: 'dynamodb', rate: 0.1 });
    sim.addFault({ kind: 'drop', service: 'dynamodb', rate: 0.05 });
    // Applied, then the connection reset: the SDK retries a write that already happened.
    sim.addFault({ kind: 'lost-answer', service: 'dynamodb', rate: 0.05 });
    const dbs = stores(3, 2);
    const key = 'service:prod/chaos';
    const ex = new Exclusion();
    for (let round = 0; round < 10; round++) {
      await Promise.all(
        dbs.map(async (db, i) => ex.hold(await acquireLocks(db, [key], runner(i, { leaseMs: 5_000, timeoutMs: 30_000, pollMs: 20 })), 3))
      );
    }
    expect(ex.most).toBe(1);
    expect(ex.entries).toBe(30);
    const faulted = sim.calls({ service: 'dynamodb' }).filter((c) => c.error);
    expect(faulted.length).toBeGreaterThan(10);
  });
});
