import { InputError } from './errors.js';
import { durationMs, formatDuration, MAX_TIMER_MS, parseDuration } from './duration.js';
import { INPUTS } from './generated/action-spec.js';

/** The longest any duration input may be unless it says otherwise. */
export const DAY_MS = 24 * 3_600_000;

const DEFAULTS = new Map(INPUTS.filter((i) => i.default !== undefined).map((i) => [i.name, i.default!]));

/** action.yml's default for an input ('' when it has none): the action and the CLI fall back to the same values. */
export function inputDefault(name: string): string {
  return DEFAULTS.get(name) ?? '';
}

/**
 * Raw inputs by their action.yml names. The action reads `INPUT_*`; the CLI reads
 * `--name value` flags with the same names, so both adapters share every parser below.
 */
export interface InputSource {
  /** The raw value, '' when not given. */
  get(name: string): string;
  /** How to name the input in a message: "input `vars`" (action) or "--vars" (CLI). */
  label(name: string): string;
}

/** Typed readers over an InputSource: every input is validated once, here, before anything else happens. */
export class Inputs {
  constructor(readonly source: InputSource) {}

  label(name: string): string {
    return this.source.label(name);
  }

  string(name: string): string | undefined {
    const v = this.source.get(name).trim();
    return v === '' ? undefined : v;
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw new InputError(`${this.label(name)} is required`, {}, `set ${this.label(name)}`);
    return v;
  }

  /** The raw text, untrimmed: for multi-line values whose whitespace matters. */
  raw(name: string): string {
    return this.source.get(name);
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.string(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if (['true', 'yes', '1', 'on'].includes(v)) return true;
    if (['false', 'no', '0', 'off'].includes(v)) return false;
    throw new InputError(`${this.label(name)} is "${v}", not a boolean`, {}, 'use true or false');
  }

  /** A whole number written in decimal (no 1e3, 0x10 or 1.0), within the bounds given. */
  int(name: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
    const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InputError(`${this.label(name)} is "${shorten(v)}"`, {}, `use a whole number${range(min, max)}`);
    }
    return n;
  }

  /** A decimal number (no exponent, hex or Infinity) within the bounds given. */
  number(name: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const { min = -Number.MAX_VALUE, max = Number.MAX_VALUE } = opts;
    const n = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new InputError(`${this.label(name)} is "${shorten(v)}"`, {}, `use a number${range(min, max)}`);
    }
    return n;
  }

  /**
   * Milliseconds; accepts 500ms, 90s, 5m or plain seconds. Every duration has an upper bound
   * (a day unless the input says otherwise), so no wait outlives a run or overflows a timer;
   * `positive` rejects 0 for waits where zero would mean "give up at once".
   */
  duration(name: string, fallback: string, opts: { max?: number; positive?: boolean; zeroFix?: string } = {}): number {
    const label = this.label(name);
    const text = (this.string(name) ?? fallback).trim();
    const ms = durationMs(text);
    if (ms === undefined) return parseDuration(text, label); // throws the "not a duration" message
    const max = Math.min(opts.max ?? DAY_MS, MAX_TIMER_MS);
    if (ms > max) {
      throw new InputError(`${label} is ${shorten(text)}, longer than ${formatDuration(max)}`, {}, `use at most ${formatDuration(max)}`);
    }
    if (opts.positive && ms <= 0) {
      throw new InputError(`${label} is ${text}`, {}, opts.zeroFix ?? 'use a duration above zero, e.g. 5s');
    }
    return ms;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const v = this.string(name);
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    throw new InputError(`${this.label(name)} is "${v}"`, {}, `use one of: ${allowed.join(', ')}`);
  }

  /** Non-empty lines, or comma-separated items on one line. */
  list(name: string): string[] {
    return this.raw(name)
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }

  /**
   * `KEY=VALUE` lines. The value is everything after the first `=`, so it may contain `=`.
   * A multi-line value uses the heredoc form GitHub uses for GITHUB_OUTPUT:
   *   KEY<<EOF
   *   line one
   *   line two
   *   EOF
   */
  keyValues(name: string): Map<string, string> {
    return parseKeyValueLines(this.raw(name), this.label(name));
  }
}

/**
 * A name given twice is an error, never "the last one wins": a second `tag=` further down a
 * long list silently deploying another image is exactly the mistake nobody spots in review.
 */
export function parseKeyValueLines(text: string, label: string): Map<string, string> {
  const out = new Map<string, string>();
  const lineOf = new Map<string, number>();
  const set = (key: string, value: string, line: number): void => {
    const first = lineOf.get(key);
    if (first !== undefined) {
      throw new InputError(`${label} sets "${key}" twice (lines ${first} and ${line})`, {}, `keep one ${key}=… line`);
    }
    lineOf.set(key, line);
    out.set(key, value);
  };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const heredoc = /^\s*([A-Za-z_][\w.-]*)<<(\S+)\s*$/.exec(line);
    if (heredoc) {
      const [, key, marker] = heredoc;
      checkName(key!, label, i + 1);
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && lines[j]!.trim() !== marker) body.push(lines[j++]!);
      if (j >= lines.length) {
        throw new InputError(`${label} line ${i + 1}: "${key}<<${marker}" is never closed`, {}, `end the value with a line "${marker}"`);
      }
      set(key!, body.join('\n'), i + 1);
      i = j;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      // The line's text is not quoted: it may be the second line of a secret given without KEY<<EOF.
      throw new InputError(
        `${label} line ${i + 1} is not KEY=VALUE (${line.trim().length} characters, no "=" after a name)`,
        {},
        'write one KEY=VALUE per line; a value over several lines is written KEY<<EOF, its lines, then EOF'
      );
    }
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][\w.-]*$/.test(key)) {
      throw new InputError(`${label} line ${i + 1}: "${key}" is not a valid name`, {}, 'names use letters, digits, _ . and -');
    }
    checkName(key, label, i + 1);
    set(key, line.slice(eq + 1), i + 1);
  }
  return out;
}

/** `__proto__` as a key is dropped (or pollutes a prototype) wherever JavaScript turns these maps into objects. */
function checkName(key: string, label: string, line: number): void {
  if (key === '__proto__') {
    throw new InputError(
      `${label} line ${line}: "__proto__" cannot be a name`,
      {},
      'JavaScript tools (this one and the AWS SDK) drop a key named __proto__: rename it'
    );
  }
}

function range(min: number, max: number): string {
  const lo = min > -Number.MAX_SAFE_INTEGER ? min : undefined;
  const hi = max < Number.MAX_SAFE_INTEGER ? max : undefined;
  if (lo !== undefined && hi !== undefined) return ` from ${lo} to ${hi}`;
  if (lo !== undefined) return ` of at least ${lo}`;
  if (hi !== undefined) return ` of at most ${hi}`;
  return '';
}

/** A value quoted in a message: a 400-digit number is not worth printing whole. */
function shorten(v: string): string {
  return v.length > 40 ? `${v.slice(0, 20)}…(${v.length} characters)` : v;
}
