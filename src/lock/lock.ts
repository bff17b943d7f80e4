/**
 * The deployment lock: one run at a time per service, blue/green pair and listener, across
 * workflows, runners and the CLI. It lives in a DynamoDB table (docs/locking.md): taken with a
 * conditional PutItem, kept alive by heartbeats that renew a random Version, taken over from a
 * dead holder once its Version has stood still for a whole lease on OUR monotonic clock (no
 * clocks are compared), released with a conditional DeleteItem.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { LockCondition, LockItem, LockStore, WriteResult } from '../aws/dynamodb.js';
import { AwsCallError, isThrottle, isTimeout } from '../aws/errors.js';
import { errorMessage } from '../errors.js';
import type { Timer } from '../timer.js';

export interface LockOptions {
  /** DynamoDB table (created on first use). */
  table: string;
  /** Random id of this run; the post step re-enters with the id the main step saved. */
  owner: string;
  /** Who we are, for the people waiting: see `lockHolder`. */
  holder: string;
  /** How long our Version may stand still before a waiter may take the lock over. */
  leaseMs: number;
  /** How long to wait for a held lock; 0 fails at once. */
  timeoutMs: number;
  /** How often to ask again while waiting. */
  pollMs: number;
  timer: Timer;
  /** Cancellation: ends the wait (the keys already taken are released). */
  signal?: AbortSignal;
  log: { info(m: string): void; warning(m: string): void };
  /**
   * Runs `beat` every `ms` until the returned function is called. Default: an unref'd
   * setInterval, so a forgotten lock never keeps the process alive. Tests drive it by hand.
   */
  schedule?: (ms: number, beat: () => void) => () => void;
}

export interface LockHandle {
  /** The keys held, in the order they were taken (sorted). */
  keys: string[];
  owner: string;
  /** Aborts (with a reason saying who took it, or why) when any key is lost: stop mutating. */
  lost: AbortSignal;
  /** Stops the heartbeats and deletes the items, in reverse order. Never throws: a failure is a warning (the lease expires). */
  release(): Promise<void>;
}

export type LockFailure = 'busy' | 'cancelled' | 'denied' | 'table';

/** The lock could not be had; nothing was changed. */
export class LockError extends Error {
  override readonly name = 'LockError';
  constructor(
    message: string,
    readonly reason: LockFailure,
    readonly key: string,
    /** For 'busy': who holds it. */
    readonly holder?: string,
    override readonly cause?: unknown
  ) {
    super(message);
  }
}

/** DynamoDB creates an on-demand table in seconds; past this something is wrong. */
const TABLE_WAIT_MS = 120_000;
const TABLE_POLL_MS = 1_000;
/** A missing table that stays missing after being created this many times is not a race. */
const TABLE_ATTEMPTS = 3;
const RELEASE_ATTEMPTS = 3;

const ACCESS_DENIED = /AccessDenied|UnauthorizedOperation|NotAuthorized/;

/** The lock keys of a deployment: each service, and the listener or rule whose weights it moves. */
export function lockKeys(cluster: string, services: string[], trafficTargetArn?: string): string[] {
  const clusterName = cluster.startsWith('arn:') ? cluster.slice(cluster.indexOf('/') + 1) : cluster;
  const keys = services.map((s) => `service:${clusterName}/${s.startsWith('arn:') ? s.slice(s.lastIndexOf('/') + 1) : s}`);
  if (trafficTargetArn) keys.push(`${trafficTargetArn.includes(':listener-rule/') ? 'rule' : 'listener'}:${trafficTargetArn}`);
  return [...new Set(keys)].sort();
}

/** A fresh owner id for a run. */
export function newOwnerId(): string {
  return randomUUID();
}

/** Who holds the lock, for the runs that wait: the workflow run (and attempt), or host and pid. */
export function lockHolder(env: NodeJS.ProcessEnv = process.env, host: string = hostname(), pid: number = process.pid): string {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const attempt = env.GITHUB_RUN_ATTEMPT ? ` (attempt ${env.GITHUB_RUN_ATTEMPT})` : '';
    return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`;
  }
  return `host ${host} pid ${pid}`;
}

const defaultSchedule = (ms: number, beat: () => void): (() => void) => {
  const handle = setInterval(beat, ms);
  handle.unref();
  return () => clearInterval(handle);
};

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function deniedError(error: AwsCallError, key: string, table: string): LockError {
  return new LockError(
    `${error.message}. The deployment lock needs dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:DeleteItem, ` +
      `dynamodb:DescribeTable and dynamodb:CreateTable on arn:aws:dynamodb:<region>:<account>:table/${table} (see docs/iam.md), ` +
      `or set the input lock: false to deploy without a lock`,
    'denied',
    key,
    undefined,
    error
  );
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Programming errors, not input errors (the adapters validate the inputs): caught before anything is written. */
function checkOptions(o: LockOptions): void {
  const bad = (name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    if (!Number.isFinite(value) || value < min || value > max)
      throw new RangeError(`lock ${name} must be between ${min} and ${max} ms, not ${value}`);
  };
  // The heartbeat runs every lease/3 on a timer: beyond 2^31 ms node would fire it at once, every millisecond.
  bad('leaseMs', o.leaseMs, 3, 3 * MAX_TIMER_MS);
  bad('pollMs', o.pollMs, 1, MAX_TIMER_MS);
  bad('timeoutMs', o.timeoutMs, 0);
  if (!o.table || !o.owner) throw new RangeError('lock table and owner must not be empty');
}

/** Takes every key (sorted, so two runs wanting overlapping keys cannot deadlock), or none. */
export async function acquireLocks(db: LockStore, keys: string[], o: LockOptions): Promise<LockHandle> {
  checkOptions(o);
  const sorted = [...new Set(keys)].sort();
  const started = o.timer.now();
  const held: HeldKey[] = [];
  try {
    for (const key of sorted) held.push(await acquireOne(db, key, o, started));
  } catch (error) {
    for (const h of [...held].reverse()) await h.release();
    throw error;
  }
  const lost = new AbortController();
  for (const h of held) {
    const onLost = (): void => {
      if (!lost.signal.aborted) lost.abort(h.lost.reason);
    };
    if (h.lost.aborted) onLost();
    else h.lost.addEventListener('abort', onLost, { once: true });
  }
  let released: Promise<void> | undefined;
  return {
    keys: sorted,
    owner: o.owner,
    lost: lost.signal,
    release: () =>
      // Released all at once: only taking them needs an order (a release of 50 services would otherwise wait 50 round trips).
      (released ??= (async () => {
        await Promise.all([...held].reverse().map((h) => h.release()));
      })())
  };
}

interface HeldKey {
  lost: AbortSignal;
  release(): Promise<void>;
}

async function acquireOne(db: LockStore, key: string, o: LockOptions, started: number): Promise<HeldKey> {
  const { table, timer, log } = o;
  /** The holder's item and when (our clock) we first saw its Version: its lease runs from there. */
  let seen: { item: LockItem; at: number } | undefined;
  let reported: string | undefined;
  /** When we last said anything about the wait: a long wait still prints a line every 30 s. */
  let said = timer.now();
  let tableAttempts = 0;
  const cancelled = (): LockError =>
    new LockError(
      `cancelled while waiting for deployment lock ${key}${reported ? ` (held by ${reported})` : ''}`,
      'cancelled',
      key,
      reported
    );

  /** When a write of ours whose outcome we never learned was sent: it may have made us holder from then on. */
  let uncertainSince: number | undefined;
  let transientFailures = 0;

  for (;;) {
    if (o.signal?.aborted) throw cancelled();
    try {
      const takeover = seen !== undefined && timer.now() - seen.at >= leaseOf(seen.item, o);
      const condition: LockCondition =
        takeover && seen ? { kind: 'version-is', version: seen.item.Version } : { kind: 'free-or-owned-by', owner: o.owner };
      const sentAt = timer.now();
      uncertainSince ??= sentAt;
      const item: LockItem = {
        LockKey: key,
        Owner: o.owner,
        Holder: o.holder,
        Version: randomUUID(),
        LeaseMs: o.leaseMs,
        AcquiredAt: new Date().toISOString()
      };
      const result: WriteResult = await db.putItem(table, item, condition, o.signal);
      if (result === 'no-table') {
        uncertainSince = undefined;
        if (++tableAttempts > TABLE_ATTEMPTS)
          throw new LockError(`DynamoDB table ${table} is still missing after creating it`, 'table', key);
        await ensureTable(db, key, o);
        continue;
      }
      if (result === 'ok') {
        if (takeover)
          log.warning(
            `took over deployment lock ${key} from ${reported ?? 'a previous run'}: its heartbeat had stopped for a whole lease (${seconds(leaseOf(seen?.item, o))})`
          );
        else log.info(`holding deployment lock ${key} in DynamoDB table ${table}`);
        return hold(db, key, sentAt, o);
      }
      // Someone else holds it, or an earlier write of ours landed and only its answer was lost: read it.
      const current = await db.getItem(table, key, o.signal);
      if (!current) continue; // released between our write and our read: try again at once
      if (current.Owner === o.owner) {
        log.info(`holding deployment lock ${key} in DynamoDB table ${table}`);
        return hold(db, key, Math.min(uncertainSince, sentAt), o);
      }
      // Not ours: none of our writes so far landed (the item's owner is someone else's now).
      uncertainSince = undefined;
      transientFailures = 0;
      if (!seen || seen.item.Version !== current.Version) seen = { item: current, at: timer.now() };
      if (reported !== current.Holder) {
        reported = current.Holder;
        said = timer.now();
        log.info(
          `deployment lock ${key} is held by ${current.Holder || 'an unnamed holder'}${current.AcquiredAt ? ` (since ${current.AcquiredAt})` : ''}` +
            (o.timeoutMs > 0 ? `; waiting up to ${seconds(o.timeoutMs)}` : '')
        );
      }
      const now = timer.now();
      if (now - said >= WAIT_HEARTBEAT_MS) {
        said = now;
        log.info(
          `still waiting for deployment lock ${key} (held by ${current.Holder || 'an unnamed holder'}): ${seconds(Math.round(now - started))} of ${seconds(o.timeoutMs)}`
        );
      }
      const untilTakeover = seen.at + leaseOf(current, o) - now;
      if (untilTakeover <= 0) continue;
      const remaining = started + o.timeoutMs - now;
      if (remaining <= 0) {
        throw new LockError(
          `deployment lock ${key} is held by ${current.Holder || 'an unnamed holder'}` +
            (o.timeoutMs > 0
              ? `; gave up after waiting ${seconds(Math.round(now - started))} (lock-timeout)`
              : ' (lock-timeout is 0: not waiting)') +
            `. Nothing was changed.`,
          'busy',
          key,
          current.Holder
        );
      }
      await timer.sleep(Math.max(1, Math.min(o.pollMs, remaining, untilTakeover)), o.signal);
    } catch (error) {
      if (error instanceof LockError) throw error;
      if (o.signal?.aborted) throw cancelled();
      if (error instanceof AwsCallError && ACCESS_DENIED.test(error.code)) throw deniedError(error, key, table);
      // Throttling, 5xx, timeouts, dropped connections the SDK's own retries did not get past: try
      // again while lock-timeout lasts (the lock's safety does not depend on any single answer).
      if (!transient(error) || timer.now() - started >= o.timeoutMs) throw error;
      if (++transientFailures === 1) log.warning(`deployment lock ${key}: ${errorMessage(error)}; trying again`);
      await timer.sleep(o.pollMs, o.signal);
    }
  }
}

/** Live progress: never more than this long without a line while waiting for a lock. */
const WAIT_HEARTBEAT_MS = 30_000;

const TRANSIENT =
  /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|TooManyRequests|InternalServerError|InternalFailure|ServiceUnavailable|TimeoutError|RequestTimeout|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up/i;

/** Worth asking again: throttling, server errors, timeouts, broken connections. */
function transient(error: unknown): boolean {
  if (isThrottle(error) || isTimeout(error)) return true;
  const code = error instanceof AwsCallError ? error.code : '';
  return TRANSIENT.test(`${code} ${errorMessage(error)}`);
}

/** The holder's own lease (what it promised to renew within); ours when the item has none that makes sense. */
function leaseOf(item: LockItem | undefined, o: LockOptions): number {
  return item && Number.isFinite(item.LeaseMs) && item.LeaseMs > 0 ? item.LeaseMs : o.leaseMs;
}

async function ensureTable(db: LockStore, key: string, o: LockOptions): Promise<void> {
  const created = await db.createTable(o.table);
  o.log.info(
    created === 'created'
      ? `created DynamoDB table ${o.table} for deployment locks (on-demand)`
      : `DynamoDB table ${o.table} is being created by another run`
  );
  const until = o.timer.now() + TABLE_WAIT_MS;
  for (;;) {
    const status = await db.describeTable(o.table);
    if (status === 'ACTIVE') return;
    if (o.timer.now() >= until) {
      throw new LockError(
        `DynamoDB table ${o.table} is ${status ?? 'missing'} ${seconds(TABLE_WAIT_MS)} after it was created; expected ACTIVE`,
        'table',
        key
      );
    }
    await o.timer.sleep(Math.min(TABLE_POLL_MS, o.pollMs), o.signal);
    if (o.signal?.aborted) throw new LockError(`cancelled while waiting for DynamoDB table ${o.table} to become ACTIVE`, 'cancelled', key);
  }
}

/** Keeps a taken key alive until released; `lost` aborts when it is taken from us or cannot be renewed for a lease. */
function hold(db: LockStore, key: string, acquiredAt: number, o: LockOptions): HeldKey {
  const lost = new AbortController();
  // From when the write that made us holder was SENT: a waiter's lease starts no earlier than that.
  let renewedAt = acquiredAt;
  let inFlight = false;
  let stopped = false;
  let failures = 0;

  const lose = (why: string): void => {
    if (lost.signal.aborted) return;
    o.log.warning(`lost deployment lock ${key}: ${why}`);
    lost.abort(new Error(`lost deployment lock ${key}: ${why}`));
    stop();
  };
  const overdue = (): boolean => o.timer.now() - renewedAt >= o.leaseMs;

  const beat = (): void => {
    if (stopped || inFlight) {
      if (!stopped && overdue())
        lose(`no heartbeat reached DynamoDB for a whole lease (${seconds(o.leaseMs)}): another run may take it over`);
      return;
    }
    inFlight = true;
    const sentAt = o.timer.now();
    void db
      .updateItem(o.table, key, randomUUID(), { kind: 'owned-by', owner: o.owner })
      .then(async (result) => {
        if (stopped) return;
        if (result === 'ok') {
          renewedAt = sentAt;
          failures = 0;
          return;
        }
        const now = result === 'no-table' ? undefined : await db.getItem(o.table, key).catch(() => undefined);
        if (stopped) return;
        lose(
          result === 'no-table'
            ? `DynamoDB table ${o.table} no longer exists`
            : now
              ? `${now.Holder || 'another run'} took it over (our heartbeat had not reached DynamoDB for a lease)`
              : 'its item was deleted by someone else'
        );
      })
      .catch((error: unknown) => {
        if (stopped) return;
        // Throttling, 5xx, timeouts: the next beat tries again; only a lease without one success loses the lock.
        failures++;
        if (overdue()) lose(`no heartbeat reached DynamoDB for a whole lease (${seconds(o.leaseMs)}; last error: ${errorMessage(error)})`);
        else if (failures === 1)
          o.log.warning(`heartbeat of deployment lock ${key} failed (retrying at the next beat): ${errorMessage(error)}`);
      })
      .finally(() => {
        inFlight = false;
      });
  };

  const cancel = (o.schedule ?? defaultSchedule)(Math.max(1, Math.floor(o.leaseMs / 3)), beat);
  const stop = (): void => {
    stopped = true;
    cancel();
  };

  return {
    lost: lost.signal,
    release: async () => {
      stop();
      // A lock left behind blocks the next run for a whole lease: worth a few more tries than the SDK's.
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await db.deleteItem(o.table, key, { kind: 'owned-by', owner: o.owner });
          if (result === 'condition-failed') {
            const now = await db.getItem(o.table, key).catch(() => undefined);
            // Absent: a retried delete whose first answer was lost. Someone else's: they took it over.
            if (now && now.Owner !== o.owner)
              o.log.warning(`deployment lock ${key} had already been taken over by ${now.Holder || 'another run'}`);
          } else if (result === 'ok') {
            o.log.info(`released deployment lock ${key}`);
          }
          return;
        } catch (error) {
          if (attempt < RELEASE_ATTEMPTS && transient(error)) {
            await o.timer.sleep(o.pollMs);
            continue;
          }
          o.log.warning(
            `could not release deployment lock ${key} (${errorMessage(error)}); it expires a lease (${seconds(o.leaseMs)}) after its last heartbeat`
          );
          return;
        }
      }
    }
  };
}
