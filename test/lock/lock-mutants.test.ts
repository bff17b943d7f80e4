/** Lock cases mutation testing found unguarded: release, heartbeat and table paths, transient errors, option checks; each with what the user reads. */
import { describe, expect, it, jest } from '@jest/globals';
import { AwsCallError } from '../../src/aws/errors.js';
import { acquireLocks, lockHolder, lockKeys, newOwnerId } from '../../src/lock/lock.js';
import { FakeClock, FakeStore, KEY, RUN_B, options, rejection, settle } from './lock-fakes.js';

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

describe('what waiting says and how long it takes', () => {
  it('a poll is cut short so that a dead holder is taken over when its lease ends, not at the next poll', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.abandoned(KEY, RUN_B, 30_000);
    await (await acquireLocks(store, [KEY], options(clock, { timeoutMs: 120_000, pollMs: 20_000 }))).release();
    expect(clock.sleeps).toEqual([20_000, 10_000]);
    expect(clock.now()).toBe(30_000);
  });

  it('lock-timeout counts from when this run started waiting, not from when the machine booted', async () => {
    const clock = new FakeClock();
    clock.t = 1_000_000;
    const store = new FakeStore();
    store.items.set(KEY, { LockKey: KEY, Owner: 'b', Holder: RUN_B, Version: 'v', LeaseMs: 300_000 });
    const o = options(clock, { timeoutMs: 10_000 });
    const error = await rejection(acquireLocks(store, [KEY], o));
    expect(error.message).toBe(
      `deployment lock ${KEY} is held by ${RUN_B}; gave up after waiting 10 s (lock-timeout). Nothing was changed.`
    );
    expect(clock.now()).toBe(1_010_000);

    // A transient error early in a long wait is tried again, however late the clock already is.
    const later = new FakeStore();
    let fails = 1;
    later.fail = (op) => (op.startsWith('putItem') && fails-- > 0 ? throttled() : undefined);
    await (await acquireLocks(later, [KEY], options(clock, { timeoutMs: 60_000 }))).release();
    expect(later.items.has(KEY)).toBe(false);
  });

  it('with lock-timeout 0 the holder is named without a wait, and the time it was taken only when known', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.items.set(KEY, { LockKey: KEY, Owner: 'b', Holder: RUN_B, Version: 'v', LeaseMs: 30_000 });
    const o = options(clock);
    await rejection(acquireLocks(store, [KEY], o));
    expect(o.log.lines).toEqual([`info: deployment lock ${KEY} is held by ${RUN_B}`]);
  });

  it('a transient error with lock-timeout 0 is thrown without waiting', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.fail = (op) => (op.startsWith('putItem') ? throttled() : undefined);
    await expect(acquireLocks(store, [KEY], options(clock))).rejects.toThrow(/ThrottlingException/);
    expect(clock.sleeps).toEqual([]);
  });

  it('"Rate exceeded" under any code is throttling, tried again; only the first failure is a warning', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    let fails = 3;
    store.fail = (op) =>
      op.startsWith('putItem') && fails-- > 0 ? new AwsCallError('putting item', 'LimitExceeded', 'Rate exceeded') : undefined;
    const o = options(clock, { timeoutMs: 60_000 });
    await (await acquireLocks(store, [KEY], o)).release();
    expect(o.log.lines.filter((l) => l.includes('trying again'))).toEqual([
      `warning: deployment lock ${KEY}: putting item: LimitExceeded: Rate exceeded; trying again`
    ]);
  });

  it('a lock released between our write and our read is taken at once', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.items.set(KEY, { LockKey: KEY, Owner: 'b', Holder: RUN_B, Version: 'v', LeaseMs: 30_000 });
    const get = store.getItem.bind(store);
    store.getItem = async (table, key) => {
      store.items.delete(key);
      return get(table, key);
    };
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    expect(store.items.get(KEY)?.Owner).toBe('owner-a');
    expect(clock.sleeps).toEqual([]);
    await handle.release();
  });

  it('cancelled before anyone was seen holding it: the message names only the key', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const abort = new AbortController();
    store.putItem = async () => {
      abort.abort();
      throw new Error('This operation was aborted');
    };
    const error = await rejection(acquireLocks(store, [KEY], options(clock, { timeoutMs: 60_000, signal: abort.signal })));
    expect(error).toMatchObject({ reason: 'cancelled', key: KEY, message: `cancelled while waiting for deployment lock ${KEY}` });
  });
});

describe('the table', () => {
  it('a table that keeps vanishing is created three times, then refused naming the table', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.putItem = async () => 'no-table';
    const error = await rejection(acquireLocks(store, [KEY], options(clock)));
    expect(error).toMatchObject({
      reason: 'table',
      key: KEY,
      message: 'DynamoDB table ecs-rollout-locks is still missing after creating it'
    });
    expect(store.calls.filter((c) => c.startsWith('createTable'))).toHaveLength(3);
  });

  it('is polled every second while it is being created, and given up on exactly two minutes after', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.table = 'missing';
    store.describeTable = async () => undefined;
    const error = await rejection(acquireLocks(store, [KEY], options(clock)));
    expect(error.message).toBe('DynamoDB table ecs-rollout-locks is missing 120 s after it was created; expected ACTIVE');
    expect(error.reason).toBe('table');
    expect(clock.now()).toBe(120_000);
    expect(new Set(clock.sleeps)).toEqual(new Set([1_000]));
  });

  it('cancelling while the table is being created says so', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    store.table = 'missing';
    store.describeTable = async () => 'CREATING';
    const abort = new AbortController();
    clock.onSleep = () => abort.abort();
    const error = await rejection(acquireLocks(store, [KEY], options(clock, { signal: abort.signal })));
    expect(error).toMatchObject({
      reason: 'cancelled',
      message: 'cancelled while waiting for DynamoDB table ecs-rollout-locks to become ACTIVE'
    });
  });
});

describe('heartbeats and release, edge cases', () => {
  it('a lease of 1.234 s is said as 1.2 s', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const handle = await acquireLocks(store, [KEY], options(clock, { leaseMs: 1_234 }));
    store.updateItem = () => new Promise(() => undefined);
    await clock.advance(2_000);
    expect((handle.lost.reason as Error).message).toMatch(/for a whole lease \(1\.2 s\)/);
  });

  it('heartbeat failures after the first are not repeated as warnings', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    store.fail = (op) => (op === 'updateItem' ? throttled() : undefined);
    await clock.advance(20_000);
    expect(handle.lost.aborted).toBe(false);
    expect(o.log.lines.filter((l) => l.startsWith('warning: heartbeat'))).toHaveLength(1);
  });

  it.each([
    ['a heartbeat refused', 'update'],
    ['a read after a refused heartbeat', 'get'],
    ['a heartbeat that fails', 'throw']
  ])('%s that answers only after the release loses nothing and warns of nothing', async (_what, late) => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    let answer: () => void = () => undefined;
    const later = <T>(value: () => T): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        answer = () => (late === 'throw' ? reject(throttled()) : resolve(value()));
      });
    if (late === 'update') store.updateItem = () => later(() => 'condition-failed' as const);
    if (late === 'throw') store.updateItem = () => later(() => 'ok' as const);
    if (late === 'get') {
      store.updateItem = async () => 'condition-failed';
      store.getItem = () => later(() => ({ LockKey: KEY, Owner: 'b', Holder: RUN_B, Version: 'x', LeaseMs: 30_000 }));
    }
    await clock.advance(10_000);
    await handle.release();
    answer();
    await settle();
    expect(handle.lost.aborted).toBe(false);
    expect(o.log.lines.filter((l) => l.startsWith('warning'))).toEqual([]);
  });

  it('a release that finds the table gone does not claim to have released anything', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    store.deleteItem = async () => 'no-table';
    await handle.release();
    expect(o.log.lines.some((l) => l.includes('released'))).toBe(false);
  });

  it('a key lost while the next one was being waited for makes the whole handle lost at once', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const [first, second] = ['listener:arn:x', KEY];
    store.abandoned(second, 'dead', 30_000);
    clock.onSleep = (now) => {
      if (now === 5_000) store.items.set(first, { LockKey: first, Owner: 'b', Holder: RUN_B, Version: 'x', LeaseMs: 30_000 });
    };
    const handle = await acquireLocks(store, [second, first], options(clock, { timeoutMs: 120_000 }));
    expect(handle.keys).toEqual([first, second]);
    expect(handle.lost.aborted).toBe(true);
    expect((handle.lost.reason as Error).message).toBe(
      `lost deployment lock ${first}: ${RUN_B} took it over (our heartbeat had not reached DynamoDB for a lease)`
    );
  });
});

describe('limits and ids', () => {
  it('the largest lease and poll a timer can hold are accepted', async () => {
    const store = new FakeStore();
    const handle = await acquireLocks(store, [KEY], options(new FakeClock(), { leaseMs: 3 * (2 ** 31 - 1), pollMs: 2 ** 31 - 1 }));
    expect(store.items.get(KEY)?.LeaseMs).toBe(3 * (2 ** 31 - 1));
    await handle.release();
  });

  it('each run gets its own owner id', () => {
    const [a, b] = [newOwnerId(), newOwnerId()];
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it('the holder on github.com names the run and its attempt', () => {
    expect(lockHolder({ GITHUB_RUN_ID: '5', GITHUB_REPOSITORY: 'a/b', GITHUB_RUN_ATTEMPT: '2' })).toBe(
      'https://github.com/a/b/actions/runs/5 (attempt 2)'
    );
  });
});

describe('a holder without a name', () => {
  it('is "another run" when it takes over our lock, and when we find it holding ours at release', async () => {
    const clock = new FakeClock();
    const store = new FakeStore();
    const o = options(clock);
    const handle = await acquireLocks(store, [KEY], o);
    store.items.set(KEY, { LockKey: KEY, Owner: 'b', Holder: '', Version: 'x', LeaseMs: 30_000 });
    await clock.advance(10_000);
    expect((handle.lost.reason as Error).message).toBe(
      `lost deployment lock ${KEY}: another run took it over (our heartbeat had not reached DynamoDB for a lease)`
    );
    await handle.release();
    expect(o.log.lines.at(-1)).toBe(`warning: deployment lock ${KEY} had already been taken over by another run`);
  });
});

describe('the real heartbeat timer', () => {
  it('beats every third of the lease, and a release stops it and resolves', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const clock = new FakeClock();
      const store = new FakeStore();
      const o = options(clock);
      delete o.schedule;
      const handle = await acquireLocks(store, [KEY], o);
      jest.advanceTimersByTime(10_000);
      await settle();
      expect(store.calls.filter((c) => c.startsWith('updateItem'))).toHaveLength(1);
      await handle.release();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(30_000);
      await settle();
      expect(store.calls.filter((c) => c.startsWith('updateItem'))).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
