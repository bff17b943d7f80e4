/** The deployment lock against a literal in-memory LockStore and a fake clock that also drives the heartbeats. */
import { describe, expect, it } from '@jest/globals';
import { AwsCallError } from '../../src/aws/errors.js';
import { acquireLocks, lockHolder, lockKeys } from '../../src/lock/lock.js';
import { FakeClock, FakeStore, KEY, RUN_A, RUN_B, options, rejection } from './lock-fakes.js';

describe('acquireLocks', () => {
  it('takes a free lock, records who holds it, and deletes it on release', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    const a = options(clock);
    const handle = await acquireLocks(db, [KEY], a);
    expect(handle.keys).toEqual([KEY]);
    expect(db.items.get(KEY)).toMatchObject({ Owner: 'owner-a', Holder: RUN_A, LeaseMs: 30_000 });
    expect(handle.lost.aborted).toBe(false);
    await handle.release();
    expect(db.items.has(KEY)).toBe(false);
    expect(clock.running()).toBe(0);
    await handle.release();
    expect(db.calls.filter((c) => c.startsWith('deleteItem'))).toHaveLength(1);
  });

  it('lets the same owner in again (the post step re-entering with the id the main step saved)', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    const main = await acquireLocks(db, [KEY], options(clock));
    const post = await acquireLocks(db, [KEY], options(clock, { holder: `${RUN_A} post` }));
    expect(post.owner).toBe(main.owner);
    expect(clock.sleeps).toEqual([]);
    await post.release();
    expect(db.items.has(KEY)).toBe(false);
    await main.release();
  });

  it('with lock-timeout 0 fails at once, naming the holder, and changes nothing', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    const a = await acquireLocks(db, [KEY], options(clock));
    const b = options(clock, { owner: 'owner-b', holder: RUN_B, timeoutMs: 0 });
    const error = await rejection(acquireLocks(db, [KEY], b));
    expect(error.reason).toBe('busy');
    expect(error.holder).toBe(RUN_A);
    expect(error.message).toContain(RUN_A);
    expect(error.message).toContain('lock-timeout is 0');
    expect(clock.sleeps).toEqual([]);
    expect(db.items.get(KEY)?.Owner).toBe('owner-a');
    await a.release();
  });

  it('waits while the lock is held, printing the holder once, and takes it when it is released', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    const a = await acquireLocks(db, [KEY], options(clock));
    clock.onSleep = async (now) => {
      if (now >= 12_000) await a.release();
    };
    const b = options(clock, { owner: 'owner-b', holder: RUN_B, timeoutMs: 60_000 });
    const handle = await acquireLocks(db, [KEY], b);
    expect(db.items.get(KEY)?.Owner).toBe('owner-b');
    expect(clock.now()).toBe(15_000);
    expect(b.log.lines.filter((l) => l.includes(`is held by ${RUN_A}`))).toHaveLength(1);
    expect(b.log.lines.some((l) => l.includes('waiting up to 60 s'))).toBe(true);
    await handle.release();
  });

  it('a long wait says every 30 s that it is still waiting, for how long and for whom', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    const a = await acquireLocks(db, [KEY], options(clock, { leaseMs: 30_000 }));
    const b = options(clock, { owner: 'owner-b', holder: RUN_B, timeoutMs: 100_000 });
    await rejection(acquireLocks(db, [KEY], b));
    const still = b.log.lines.filter((l) => l.startsWith(`info: still waiting for deployment lock ${KEY} (held by ${RUN_A}):`));
    expect(still.map((l) => l.replace(/.*: /, ''))).toEqual(['30 s of 100 s', '60 s of 100 s', '90 s of 100 s']);
    await a.release();
  });

  it('gives up after lock-timeout while a live holder keeps heartbeating, and never takes it over', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    const a = await acquireLocks(db, [KEY], options(clock, { leaseMs: 30_000 }));
    const versions = new Set<string>();
    clock.onSleep = () => void versions.add(db.items.get(KEY)!.Version);
    const b = options(clock, { owner: 'owner-b', holder: RUN_B, timeoutMs: 100_000 });
    const error = await rejection(acquireLocks(db, [KEY], b));
    expect(error.reason).toBe('busy');
    expect(error.message).toMatch(/gave up after waiting 100 s/);
    expect(db.items.get(KEY)?.Owner).toBe('owner-a');
    expect(db.calls.some((c) => c.startsWith('putItem(version-is)'))).toBe(false);
    // A renewed every lease/3: B saw the version move, so its lease clock kept restarting.
    expect(versions.size).toBeGreaterThan(5);
    expect(a.lost.aborted).toBe(false);
    await a.release();
  });

  it('takes over a dead holder only after its version stood still for its whole lease, on our clock', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    db.abandoned(KEY, RUN_A, 40_000);
    const b = options(clock, { owner: 'owner-b', holder: RUN_B, timeoutMs: 300_000, pollMs: 5_000 });
    const takeoverAt: number[] = [];
    const put = db.putItem.bind(db);
    db.putItem = async (t, item, condition) => {
      if (condition.kind === 'version-is') takeoverAt.push(clock.now());
      return put(t, item, condition);
    };
    const handle = await acquireLocks(db, [KEY], b);
    expect(takeoverAt).toEqual([40_000]);
    expect(db.items.get(KEY)).toMatchObject({ Owner: 'owner-b', Holder: RUN_B });
    expect(b.log.lines.some((l) => l.startsWith('warning: took over deployment lock') && l.includes(RUN_A))).toBe(true);
    await handle.release();
  });

  it('does not take over an expired-looking lock when lock-timeout ends first', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    db.abandoned(KEY, RUN_A, 40_000);
    const error = await rejection(acquireLocks(db, [KEY], options(clock, { owner: 'owner-b', timeoutMs: 20_000 })));
    expect(error.reason).toBe('busy');
    expect(db.items.get(KEY)?.Owner).toBe(`dead-${RUN_A}`);
  });

  it('of two waiters on a dead lock, only one takes it over', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    db.abandoned(KEY, RUN_A, 30_000);
    const b = acquireLocks(db, [KEY], options(clock, { owner: 'owner-b', holder: RUN_B, timeoutMs: 200_000 }));
    const c = acquireLocks(db, [KEY], options(clock, { owner: 'owner-c', holder: 'host ci-7 pid 42', timeoutMs: 45_000 }));
    const [rb, rc] = await Promise.allSettled([b, c]);
    const winners = [rb, rc].filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    if (rb.status === 'fulfilled') await rb.value.release();
    if (rc.status === 'fulfilled') await rc.value.release();
  });

  it('aborts `lost`, saying who took it, when another run has overwritten the item', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    const a = options(clock);
    const handle = await acquireLocks(db, [KEY], a);
    db.items.set(KEY, { LockKey: KEY, Owner: 'owner-b', Holder: RUN_B, Version: 'vb', LeaseMs: 30_000 });
    await clock.advance(10_000);
    expect(handle.lost.aborted).toBe(true);
    expect(String(handle.lost.reason)).toContain(RUN_B);
    expect(clock.running()).toBe(0);
    await handle.release();
    // Release does not delete what is now someone else's.
    expect(db.items.get(KEY)?.Owner).toBe('owner-b');
    expect(a.log.lines.some((l) => l.includes(`already been taken over by ${RUN_B}`))).toBe(true);
  });

  it('rides out throttled heartbeats, and declares the lock lost only after a whole lease without one', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    let throttled = 2;
    db.fail = (op) =>
      op === 'updateItem' && throttled-- > 0 ? new AwsCallError('renewing', 'ThrottlingException', 'Rate exceeded') : undefined;
    const handle = await acquireLocks(db, [KEY], options(clock, { leaseMs: 30_000 }));
    await clock.advance(60_000);
    expect(handle.lost.aborted).toBe(false);

    db.fail = (op) => (op === 'updateItem' ? new AwsCallError('renewing', 'InternalServerError', 'Internal server error') : undefined);
    await clock.advance(20_000);
    expect(handle.lost.aborted).toBe(false);
    await clock.advance(20_000);
    expect(handle.lost.aborted).toBe(true);
    expect(String(handle.lost.reason)).toMatch(/no heartbeat reached DynamoDB for a whole lease/);
    db.fail = undefined;
    await handle.release();
  });

  it('takes several keys in sorted order and releases them in reverse', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    const keys = [
      'service:prod/web-green',
      'listener:arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2',
      'service:prod/web-blue'
    ];
    const handle = await acquireLocks(db, keys, options(clock));
    const sorted = [...keys].sort();
    expect(handle.keys).toEqual(sorted);
    expect(db.calls.filter((c) => c.startsWith('putItem')).map((c) => c.split(' ')[1])).toEqual(sorted);
    await handle.release();
    expect(db.calls.filter((c) => c.startsWith('deleteItem')).map((c) => c.split(' ')[1])).toEqual([...sorted].reverse());
  });

  it('releases the keys it already took when a later one cannot be had', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    db.items.set('service:prod/b', { LockKey: 'service:prod/b', Owner: 'owner-x', Holder: RUN_B, Version: 'v', LeaseMs: 30_000 });
    const error = await rejection(acquireLocks(db, ['service:prod/c', 'service:prod/b', 'service:prod/a'], options(clock)));
    expect(error.key).toBe('service:prod/b');
    expect(db.items.has('service:prod/a')).toBe(false);
    expect(db.calls.some((c) => c.endsWith('service:prod/c'))).toBe(false);
    expect(clock.running()).toBe(0);
  });

  it('creates the table on first use and waits for it to be ACTIVE', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    db.table = 'missing';
    const o = options(clock);
    const handle = await acquireLocks(db, [KEY], o);
    expect(db.calls.slice(0, 4)).toEqual([`putItem(free-or-owned-by) ${KEY}`, 'createTable ', 'describeTable ', 'describeTable ']);
    expect(o.log.lines.some((l) => l.includes('created DynamoDB table ecs-rollout-locks'))).toBe(true);
    expect(db.items.get(KEY)?.Owner).toBe('owner-a');
    await handle.release();
  });

  it('explains the IAM actions needed, and lock: false, when access is denied', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    db.fail = (op) =>
      op.startsWith('putItem')
        ? new AwsCallError(
            'taking deployment lock',
            'AccessDeniedException',
            'User: arn:aws:sts::1:assumed-role/deployer/x is not authorized to perform: dynamodb:PutItem'
          )
        : undefined;
    const error = await rejection(acquireLocks(db, [KEY], options(clock)));
    expect(error.reason).toBe('denied');
    expect(error.message).toContain('dynamodb:PutItem');
    expect(error.message).toContain('dynamodb:CreateTable');
    expect(error.message).toContain('table/ecs-rollout-locks');
    expect(error.message).toContain('lock: false');
  });

  it('stops waiting when the run is cancelled', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    const a = await acquireLocks(db, [KEY], options(clock));
    const cancel = new AbortController();
    clock.onSleep = (now) => {
      if (now >= 10_000) cancel.abort(new Error('cancelled (SIGINT)'));
    };
    const error = await rejection(acquireLocks(db, [KEY], options(clock, { owner: 'owner-b', timeoutMs: 600_000, signal: cancel.signal })));
    expect(error.reason).toBe('cancelled');
    expect(error.message).toContain(RUN_A);
    expect(clock.now()).toBeLessThan(20_000);
    await a.release();
  });

  it('treats a takeover whose answer was lost as taken when the item turns out to be ours', async () => {
    const clock = new FakeClock();
    const db = new FakeStore();
    db.abandoned(KEY, RUN_A, 30_000);
    const put = db.putItem.bind(db);
    // The takeover lands, its answer is lost, and the SDK's retry then fails its condition (the version moved: to ours).
    db.putItem = async (t, item, condition) => {
      const result = await put(t, item, condition);
      return condition.kind === 'version-is' && result === 'ok' ? 'condition-failed' : result;
    };
    const o = options(clock, { owner: 'owner-b', holder: RUN_B, timeoutMs: 60_000 });
    const handle = await acquireLocks(db, [KEY], o);
    expect(db.items.get(KEY)?.Owner).toBe('owner-b');
    expect(clock.now()).toBe(30_000);
    await handle.release();
    expect(db.items.has(KEY)).toBe(false);
  });
});

describe('lockKeys', () => {
  it('names each service in its cluster and the listener or rule whose weights move', () => {
    const listener = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2';
    const rule =
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/api-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
    expect(lockKeys('prod', ['web-green', 'web-blue'], listener)).toEqual([
      'listener:' + listener,
      'service:prod/web-blue',
      'service:prod/web-green'
    ]);
    expect(
      lockKeys('arn:aws:ecs:us-east-1:123456789012:cluster/prod', ['arn:aws:ecs:us-east-1:123456789012:service/prod/api-blue'], rule)
    ).toEqual(['rule:' + rule, 'service:prod/api-blue']);
    expect(lockKeys('prod', ['web'])).toEqual(['service:prod/web']);
  });
});

describe('lockHolder', () => {
  it('is the workflow run URL with its attempt in GitHub Actions, else host and pid', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '111', GITHUB_RUN_ATTEMPT: '2' };
    expect(lockHolder(env)).toBe('https://github.com/acme/shop/actions/runs/111 (attempt 2)');
    expect(lockHolder({}, 'laptop', 4242)).toBe('host laptop pid 4242');
  });
});

describe('lock options', () => {
  it.each([
    [{ leaseMs: 0 }, /leaseMs/],
    [{ leaseMs: 1e13 }, /leaseMs/],
    [{ pollMs: 0 }, /pollMs/],
    [{ timeoutMs: -1 }, /timeoutMs/],
    [{ timeoutMs: Number.NaN }, /timeoutMs/]
  ])('refuses %j before writing anything', async (over, message) => {
    const clock = new FakeClock();
    const db = new FakeStore();
    await expect(acquireLocks(db, [KEY], options(clock, over))).rejects.toThrow(message);
    expect(db.calls).toEqual([]);
  });
});
