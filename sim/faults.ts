/**
 * Fault injection: rules matched per request by service, operation and caller, each
 * firing with a probability (`rate`) and/or for the first `count` matching calls.
 * Also an optional token bucket that throttles ECS reads the way ECS does per account
 * and region; it is off unless enabled, so ordinary tests are not slowed by it.
 */
import type { ServiceName } from './types.js';

/**
 * `drop` resets the connection before the call reaches the model (nothing changed);
 * `lost-answer` lets the model apply the call, then resets the connection instead of
 * answering (the change happened, the caller cannot know); `ignore` answers success
 * without applying (ELBv2 ModifyListener / ModifyRule only).
 */
export type FaultKind = 'throttle' | 'error' | 'latency' | 'drop' | 'lost-answer' | 'deny' | 'ignore';

export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'error', 'latency', 'drop', 'lost-answer', 'deny', 'ignore'];

export interface FaultRule {
  kind: FaultKind;
  service?: ServiceName;
  operation?: string;
  accessKeyId?: string;
  /** Probability (0–1) that a matching call is hit. Default 1. */
  rate?: number;
  /** Only the first N hits; the rule is spent afterwards. */
  count?: number;
  /** For `latency`: milliseconds added before answering. */
  latencyMs?: number;
  /** For `deny`: the role in the error message (default ecs-rollout-deployer). */
  role?: string;
}

export interface StoredFault extends FaultRule {
  id: number;
  hits: number;
}

export interface BucketSettings {
  /** Tokens per real second. */
  ratePerSecond: number;
  burst: number;
}

/** What the platform should do with a request before it reaches the model. */
export interface FaultDecision {
  latencyMs: number;
  /** The first terminal fault that hit (throttle, error, drop, lost-answer, deny), if any. */
  terminal?: StoredFault | { kind: 'throttle'; id: 0; hits: 0 };
}

interface CallKey {
  service: ServiceName;
  operation: string;
  accessKeyId: string;
}

const ECS_READ = /^(Describe|List)/;

export class Faults {
  private rules: StoredFault[] = [];
  private nextId = 1;
  private bucket?: { settings: BucketSettings; tokens: number; at: number };

  /** `random` is the sim's seeded generator (every rate roll comes from it, so a run replays with its seed). */
  constructor(
    private readonly random: () => number,
    private readonly realNow: () => number = Date.now
  ) {}

  add(rule: FaultRule): StoredFault {
    if (!FAULT_KINDS.includes(rule.kind))
      throw new Error(`unknown fault kind ${JSON.stringify(rule.kind)}; expected one of ${FAULT_KINDS.join(', ')}`);
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1))
      throw new Error(`fault rate must be between 0 and 1, got ${rule.rate}`);
    if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count > 0))
      throw new Error(`fault count must be a positive integer, got ${rule.count}`);
    const stored: StoredFault = { ...rule, id: this.nextId++, hits: 0 };
    this.rules.push(stored);
    return stored;
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
    this.bucket = undefined;
  }

  list(): StoredFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Turns the realistic ECS read throttle on (default 20/s sustained, burst 50) or off (undefined). */
  setEcsReadThrottle(settings: Partial<BucketSettings> | undefined): void {
    if (!settings) {
      this.bucket = undefined;
      return;
    }
    const full = { ratePerSecond: settings.ratePerSecond ?? 20, burst: settings.burst ?? 50 };
    this.bucket = { settings: full, tokens: full.burst, at: this.realNow() };
  }

  ecsReadThrottle(): BucketSettings | undefined {
    return this.bucket?.settings;
  }

  /** Platform-level faults for one request (everything but `ignore`). */
  decide(call: CallKey): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const rule of this.rules) {
      if (rule.kind === 'ignore' || !this.matches(rule, call) || !this.fires(rule)) continue;
      if (rule.kind === 'latency') decision.latencyMs += rule.latencyMs ?? 1000;
      else decision.terminal ??= rule;
    }
    if (!decision.terminal && call.service === 'ecs' && ECS_READ.test(call.operation) && !this.takeToken()) {
      decision.terminal = { kind: 'throttle', id: 0, hits: 0 };
    }
    this.rules = this.rules.filter((r) => r.count === undefined || r.hits < r.count);
    return decision;
  }

  /** Model-level: consumes one matching `ignore` rule if it fires. */
  take(kind: 'ignore', call: CallKey): boolean {
    for (const rule of this.rules) {
      if (rule.kind !== kind || !this.matches(rule, call) || !this.fires(rule)) continue;
      this.rules = this.rules.filter((r) => r.count === undefined || r.hits < r.count);
      return true;
    }
    return false;
  }

  private matches(rule: FaultRule, call: CallKey): boolean {
    return (
      (rule.service === undefined || rule.service === call.service) &&
      (rule.operation === undefined || rule.operation === call.operation) &&
      (rule.accessKeyId === undefined || rule.accessKeyId === call.accessKeyId)
    );
  }

  private fires(rule: StoredFault): boolean {
    if (rule.count !== undefined && rule.hits >= rule.count) return false;
    if ((rule.rate ?? 1) < 1 && this.random() >= (rule.rate ?? 1)) return false;
    rule.hits++;
    return true;
  }

  private takeToken(): boolean {
    const b = this.bucket;
    if (!b) return true;
    const now = this.realNow();
    b.tokens = Math.min(b.settings.burst, b.tokens + ((now - b.at) / 1000) * b.settings.ratePerSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
