/** The lock tests' fakes: an in-memory LockStore, a monotonic clock that fires heartbeats as it moves, a log. */
import type { LockCondition, LockItem, LockStore, WriteResult } from '../../src/aws/dynamodb.js';
import { LockError, type LockOptions } from '../../src/lock/lock.js';
import type { Timer } from '../../src/timer.js';

/** Lets every promise chain started by a heartbeat run to its end. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Monotonic fake time; sleeping moves it and fires the heartbeats that fall due on the way. */
export class FakeClock implements Timer {
  t = 0;
  readonly sleeps: number[] = [];
  onSleep?: (now: number) => void | Promise<void>;
  private readonly jobs: { every: number; next: number; beat: () => void; on: boolean }[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    this.sleeps.push(ms);
    await this.advance(ms);
    await this.onSleep?.(this.t);
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = this.jobs.filter((j) => j.on && j.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.t = due.next;
      due.next += due.every;
      due.beat();
      await settle();
    }
    this.t = end;
  }
  readonly schedule = (every: number, beat: () => void): (() => void) => {
    const job = { every, next: this.t + every, beat, on: true };
    this.jobs.push(job);
    return () => {
      job.on = false;
    };
  };
  running(): number {
    return this.jobs.filter((j) => j.on).length;
  }
}

/** DynamoDB's single-item semantics for the three lock conditions. */
export class FakeStore implements LockStore {
  readonly items = new Map<string, LockItem>();
  table: 'missing' | 'CREATING' | 'ACTIVE' = 'ACTIVE';
  readonly calls: string[] = [];
  /** Returns an error to throw instead of answering. */
  fail?: (op: string, key: string) => Error | undefined;
  private describes = 0;

  private holds(condition: LockCondition, item: LockItem | undefined): boolean {
    if (condition.kind === 'free-or-owned-by') return !item || item.Owner === condition.owner;
    if (condition.kind === 'owned-by') return item?.Owner === condition.owner;
    return item?.Version === condition.version;
  }
  private check(op: string, key: string): void {
    this.calls.push(`${op} ${key}`);
    const error = this.fail?.(op, key);
    if (error) throw error;
  }
  async createTable(): Promise<'created' | 'exists'> {
    this.check('createTable', '');
    if (this.table !== 'missing') return 'exists';
    this.table = 'CREATING';
    return 'created';
  }
  async describeTable(): Promise<string | undefined> {
    this.check('describeTable', '');
    if (this.table === 'CREATING' && ++this.describes >= 2) this.table = 'ACTIVE';
    return this.table === 'missing' ? undefined : this.table;
  }
  async putItem(_t: string, item: LockItem, condition: LockCondition): Promise<WriteResult> {
    this.check(`putItem(${condition.kind})`, item.LockKey);
    if (this.table !== 'ACTIVE') return 'no-table';
    if (!this.holds(condition, this.items.get(item.LockKey))) return 'condition-failed';
    this.items.set(item.LockKey, { ...item });
    return 'ok';
  }
  async getItem(_t: string, key: string): Promise<LockItem | undefined> {
    this.check('getItem', key);
    const item = this.items.get(key);
    return item && { ...item };
  }
  async updateItem(_t: string, key: string, version: string, condition: LockCondition): Promise<WriteResult> {
    this.check('updateItem', key);
    const item = this.items.get(key);
    if (!this.holds(condition, item)) return 'condition-failed';
    this.items.set(key, { ...item!, Version: version });
    return 'ok';
  }
  async deleteItem(_t: string, key: string, condition: LockCondition): Promise<WriteResult> {
    this.check('deleteItem', key);
    if (!this.holds(condition, this.items.get(key))) return 'condition-failed';
    this.items.delete(key);
    return 'ok';
  }
  /** What a runner killed with kill -9 leaves behind: an item nobody renews. */
  abandoned(key: string, holder: string, leaseMs: number): void {
    this.items.set(key, { LockKey: key, Owner: `dead-${holder}`, Holder: holder, Version: 'v-dead', LeaseMs: leaseMs });
  }
}

export class Log {
  readonly lines: string[] = [];
  info = (m: string): void => void this.lines.push(`info: ${m}`);
  warning = (m: string): void => void this.lines.push(`warning: ${m}`);
}

export const KEY = 'service:prod/web';
export const RUN_A = 'https://github.com/acme/shop/actions/runs/111 (attempt 1)';
export const RUN_B = 'https://github.com/acme/shop/actions/runs/222 (attempt 1)';

export function options(clock: FakeClock, over: Partial<LockOptions> = {}): LockOptions & { log: Log } {
  return {
    table: 'ecs-rollout-locks',
    owner: 'owner-a',
    holder: RUN_A,
    leaseMs: 30_000,
    timeoutMs: 0,
    pollMs: 5_000,
    timer: clock,
    schedule: clock.schedule,
    ...over,
    log: new Log()
  };
}

export async function rejection(p: Promise<unknown>): Promise<LockError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof LockError) return error;
    throw error;
  }
  throw new Error('expected the lock not to be had');
}
