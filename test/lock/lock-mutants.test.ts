/** Lock cases mutation testing found unguarded: release, heartbeat and table paths, transient errors, option checks; each with what the user reads. */
import { describe, expect, it } from '@jest/globals';
import { AwsCallError } from '../../src/aws/errors.js';
import { acquireLocks, lockHolder, lockKeys } from '../../src/lock/lock.js';
import { FakeClock, FakeStore, KEY, RUN_B, options, rejection } from './lock-fakes.js';

const throttled = (): AwsCallError => new AwsCallError('putting item', 'ThrottlingException', 'Rate exceeded');

describe('releasing', () => {
  it('says it released the lock', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    await (await acquireLocks(store, [KEY], o)).release();
    expect(o.log.lines).toEqual([
      `info: holding deployment lock ${KEY} in DynamoDB table ecs-rollout-locks`,
      `info: released deployment lock ${KEY}`
    ]);
  });

  it('a lock taken over meanwhile is left to its new holder, with a warning naming it', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    store.items.set(KEY, { LockKey: KEY, Owner: 'owner-b', Holder: RUN_B, Version: 'v', LeaseMs: 30_000 });
    await handle.release();
    expect(store.items.get(KEY)?.Owner).toBe('owner-b');
    expect(o.log.lines).toContain(`warning: deployment lock ${KEY} had already been taken over by ${RUN_B}`);
  });

  it('an item already gone (a retried delete) releases quietly', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    store.items.delete(KEY);
    await handle.release();
    expect(o.log.lines.filter((l) => l.startsWith('warning'))).toEqual([]);
  });

  it('a throttled delete is tried again; one that keeps failing is a warning saying when the lock expires', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    let fails = 1;
    store.fail = (op) => (op === 'deleteItem' && fails-- > 0 ? throttled() : undefined);
    await handle.release();
    expect(store.items.has(KEY)).toBe(false);

    const other = options(clock, { owner: 'owner-c' });
    const second = await acquireLocks(store, [KEY], other);
    store.fail = (op) => (op === 'deleteItem' ? throttled() : undefined);
    await second.release();
    expect(store.calls.filter((c) => c.startsWith('deleteItem'))).toHaveLength(2 + 3);
    expect(other.log.lines.at(-1)).toMatch(
      /^warning: could not release deployment lock service:prod\/web \(.*ThrottlingException.*\); it expires a lease \(30 s\) after its last heartbeat$/
    );
  });

  it('a release that is not transient gives up at once', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    store.fail = (op) => (op === 'deleteItem' ? new AwsCallError('deleting item', 'ValidationException', 'bad') : undefined);
    await handle.release();
    expect(store.calls.filter((c) => c.startsWith('deleteItem'))).toHaveLength(1);
  });
});

describe('the heartbeat', () => {
  it("keeps the item's version moving every third of the lease", async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const handle = await acquireLocks(store, [KEY], options(clock));
    const v0 = store.items.get(KEY)!.Version;
    await clock.advance(10_000);
    expect(store.items.get(KEY)!.Version).not.toBe(v0);
    expect(handle.lost.aborted).toBe(false);
    await handle.release();
  });

  it.each([
    ['the table was deleted', (store: FakeStore) => void (store.table = 'missing'), /DynamoDB table ecs-rollout-locks no longer exists/],
    ['the item was deleted', (store: FakeStore) => void store.items.delete(KEY), /its item was deleted by someone else/],
    [
      'another run took it',
      (store: FakeStore) => void store.items.set(KEY, { LockKey: KEY, Owner: 'b', Holder: RUN_B, Version: 'x', LeaseMs: 1 }),
      /took it over/
    ]
  ])('%s: the lock is lost, saying why', async (_what, change, why) => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    // A missing table makes the conditional update fail the way DynamoDB does.
    store.updateItem = async (_t, key) =>
      store.table !== 'ACTIVE' ? 'no-table' : store.items.get(key)?.Owner === 'owner-a' ? 'ok' : 'condition-failed';
    change(store);
    await clock.advance(10_000);
    expect(handle.lost.aborted).toBe(true);
    expect(String((handle.lost.reason as Error).message)).toMatch(why);
    expect(o.log.lines.some((l) => l.startsWith(`warning: lost deployment lock ${KEY}: `))).toBe(true);
  });

  it('one failed beat is a warning; the lock is lost only after a whole lease without a success', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    store.fail = (op) => (op === 'updateItem' ? throttled() : undefined);
    await clock.advance(10_000);
    expect(handle.lost.aborted).toBe(false);
    expect(o.log.lines.filter((l) => l.startsWith('warning: heartbeat'))).toHaveLength(1);
    await clock.advance(20_000);
    expect(handle.lost.aborted).toBe(true);
    expect((handle.lost.reason as Error).message).toMatch(
      /no heartbeat reached DynamoDB for a whole lease \(30 s; last error: .*ThrottlingException/
    );
  });
});

describe('waiting for the lock', () => {
  it('a transient error while taking it is a warning once, then tried again within lock-timeout', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    let fails = 2;
    store.fail = (op) => (op.startsWith('putItem') && fails-- > 0 ? throttled() : undefined);
    const o = options(clock, { timeoutMs: 60_000 });
    await (await acquireLocks(store, [KEY], o)).release();
    expect(o.log.lines.filter((l) => l.includes('trying again'))).toHaveLength(1);
    expect(clock.sleeps).toEqual([5_000, 5_000]);
  });

  it('a transient error past lock-timeout, or one that is not transient, is thrown as it is', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.fail = (op) => (op.startsWith('putItem') ? throttled() : undefined);
    await expect(acquireLocks(store, [KEY], options(clock, { timeoutMs: 0 }))).rejects.toThrow(/ThrottlingException/);
    store.fail = (op) => (op.startsWith('putItem') ? new AwsCallError('putting item', 'ValidationException', 'bad key') : undefined);
    await expect(acquireLocks(store, [KEY], options(clock, { timeoutMs: 60_000 }))).rejects.toThrow(/ValidationException/);
  });

  it('a table another run is creating is waited for, saying so', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.table = 'missing';
    store.createTable = async () => {
      store.table = 'CREATING';
      return 'exists';
    };
    const o = options(clock);
    await (await acquireLocks(store, [KEY], o)).release();
    expect(o.log.lines[0]).toBe('info: DynamoDB table ecs-rollout-locks is being created by another run');
  });

  it('a table that never becomes ACTIVE fails after two minutes, naming its status', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.table = 'missing';
    store.describeTable = async () => 'CREATING';
    const error = await rejection(acquireLocks(store, [KEY], options(clock)));
    expect(error.message).toBe('DynamoDB table ecs-rollout-locks is CREATING 120 s after it was created; expected ACTIVE');
  });

  it('the holder and how long we wait are said once; a holder without a name is "an unnamed holder"', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.items.set(KEY, { LockKey: KEY, Owner: 'b', Holder: '', Version: 'v', LeaseMs: 30_000, AcquiredAt: '2030-01-01T00:00:00Z' });
    const o = options(clock, { timeoutMs: 10_000 });
    const error = await rejection(acquireLocks(store, [KEY], o));
    expect(o.log.lines).toEqual([
      `info: deployment lock ${KEY} is held by an unnamed holder (since 2030-01-01T00:00:00Z); waiting up to 10 s`
    ]);
    expect(error.message).toBe(
      `deployment lock ${KEY} is held by an unnamed holder; gave up after waiting 10 s (lock-timeout). Nothing was changed.`
    );
  });
});

describe('options and names', () => {
  it.each([
    [{ leaseMs: 2 }, 'lock leaseMs must be between 3 and 6442450941 ms, not 2'],
    [{ pollMs: 0 }, 'lock pollMs must be between 1 and 2147483647 ms, not 0'],
    [{ timeoutMs: -1 }, 'lock timeoutMs must be between 0 and 9007199254740991 ms, not -1'],
    [{ leaseMs: Number.NaN }, 'lock leaseMs must be between 3 and 6442450941 ms, not NaN'],
    [{ table: '' }, 'lock table and owner must not be empty'],
    [{ owner: '' }, 'lock table and owner must not be empty']
  ])('%j is refused before anything is written', async (over, message) => {
    const store = new FakeStore();
    await expect(acquireLocks(store, [KEY], options(new FakeClock(), over))).rejects.toThrow(message);
    expect(store.calls).toEqual([]);
  });

  it('the holder is the run on GitHub (another server too, no attempt when unknown)', () => {
    expect(lockHolder({ GITHUB_RUN_ID: '5', GITHUB_REPOSITORY: 'a/b', GITHUB_SERVER_URL: 'https://ghe.example' })).toBe(
      'https://ghe.example/a/b/actions/runs/5'
    );
    expect(lockHolder({ GITHUB_RUN_ID: '5' }, 'h', 1)).toBe('host h pid 1');
  });

  it('lockKeys dedupes and sorts; a cluster ARN gives its name', () => {
    expect(lockKeys('arn:aws:ecs:us-east-1:1:cluster/prod', ['web', 'web'])).toEqual(['service:prod/web']);
  });

  it('LockError says which key and why', async () => {
    const store = new FakeStore();
    store.items.set(KEY, { LockKey: KEY, Owner: 'b', Holder: RUN_B, Version: 'v', LeaseMs: 30_000 });
    const error = await rejection(acquireLocks(store, [KEY], options(new FakeClock())));
    expect(error).toMatchObject({ name: 'LockError', reason: 'busy', key: KEY, holder: RUN_B });
    expect(error.message).toBe(`deployment lock ${KEY} is held by ${RUN_B} (lock-timeout is 0: not waiting). Nothing was changed.`);
  });
});

describe('a takeover whose answer was lost', () => {
  it('holds from when the write that landed was sent, so the lease it promised is not overstated', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.abandoned(KEY, RUN_B, 30_000);
    const put = store.putItem.bind(store);
    let lostAnswers = 1;
    // The takeover lands in DynamoDB, but its answer never reaches us.
    store.putItem = async (table, item, condition) => {
      const result = await put(table, item, condition);
      if (condition.kind === 'version-is' && result === 'ok' && lostAnswers-- > 0)
        throw new AwsCallError('putting item', 'TimeoutError', 'socket timed out');
      return result;
    };
    const o = options(clock, { timeoutMs: 120_000, pollMs: 15_000 });
    const handle = await acquireLocks(store, [KEY], o);
    expect(clock.now()).toBe(45_000);
    expect(store.items.get(KEY)?.Owner).toBe('owner-a');
    expect(o.log.lines.at(-1)).toBe(`info: holding deployment lock ${KEY} in DynamoDB table ecs-rollout-locks`);

    // A waiter may take over a lease after the write landed (at 30 s), not after we learned of it (45 s).
    store.fail = (op) => (op === 'updateItem' ? throttled() : undefined);
    await clock.advance(10_000);
    expect(handle.lost.aborted).toBe(false);
    await clock.advance(10_000);
    expect(handle.lost.aborted).toBe(true);
    expect((handle.lost.reason as Error).message).toMatch(/no heartbeat reached DynamoDB for a whole lease \(30 s; last error:/);
  });
});

describe("the holder's lease", () => {
  it.each([
    ['missing (read as NaN)', Number.NaN],
    ['zero', 0],
    ['negative', -5_000],
    ['infinite', Number.POSITIVE_INFINITY]
  ])('%s: our own lease is used, so a dead holder is taken over after 30 s, neither at once nor never', async (_what, leaseMs) => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.abandoned(KEY, RUN_B, leaseMs);
    const o = options(clock, { timeoutMs: 120_000 });
    const handle = await acquireLocks(store, [KEY], o);
    expect(clock.now()).toBe(30_000);
    expect(store.items.get(KEY)?.Owner).toBe('owner-a');
    expect(o.log.lines).toContain(
      `warning: took over deployment lock ${KEY} from ${RUN_B}: its heartbeat had stopped for a whole lease (30 s)`
    );
    await handle.release();
  });

  it("a holder's longer lease is waited out in full", async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.abandoned(KEY, RUN_B, 90_000);
    const o = options(clock, { timeoutMs: 120_000 });
    await (await acquireLocks(store, [KEY], o)).release();
    expect(o.log.lines).toContain(
      `warning: took over deployment lock ${KEY} from ${RUN_B}: its heartbeat had stopped for a whole lease (90 s)`
    );
    expect(clock.now()).toBe(90_000);
  });
});

describe('a heartbeat that never answers', () => {
  it('loses the lock once a whole lease has passed since the last renewal, saying another run may take it', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    store.updateItem = () => new Promise(() => undefined);
    await clock.advance(20_000);
    expect(handle.lost.aborted).toBe(false);
    await clock.advance(10_000);
    expect(handle.lost.aborted).toBe(true);
    expect((handle.lost.reason as Error).message).toBe(
      `lost deployment lock ${KEY}: no heartbeat reached DynamoDB for a whole lease (30 s): another run may take it over`
    );
    expect(o.log.lines.at(-1)).toBe(
      `warning: lost deployment lock ${KEY}: no heartbeat reached DynamoDB for a whole lease (30 s): another run may take it over`
    );
    expect(clock.running()).toBe(0);
  });
});
