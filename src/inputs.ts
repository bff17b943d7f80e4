import { InputError } from './errors.js';
import { parseDuration } from './duration.js';
import { INPUTS } from './generated/action-spec.js';

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

  int(name: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    const { min = -Infinity, max = Infinity } = opts;
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = [Number.isFinite(min) ? `≥ ${min}` : '', Number.isFinite(max) ? `≤ ${max}` : '']
        .filter(Boolean)
        .join(' and ');
      throw new InputError(`${this.label(name)} is "${v}"`, {}, `use a whole number${range ? ` ${range}` : ''}`);
    }
    return n;
  }

  number(name: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    const { min = -Infinity, max = Infinity } = opts;
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new InputError(`${this.label(name)} is "${v}"`, {}, `use a number between ${min} and ${max}`);
    }
    return n;
  }

  /** Milliseconds; accepts 500ms, 90s, 5m or plain seconds. */
  duration(name: string, fallback: string): number {
    return parseDuration(this.string(name) ?? fallback, this.label(name));
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

export function parseKeyValueLines(text: string, label: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const heredoc = /^\s*([A-Za-z_][\w.-]*)<<(\S+)\s*$/.exec(line);
    if (heredoc) {
      const [, key, marker] = heredoc;
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && lines[j]!.trim() !== marker) body.push(lines[j++]!);
      if (j >= lines.length) {
        throw new InputError(`${label} line ${i + 1}: "${key}<<${marker}" is never closed`, {}, `end the value with a line "${marker}"`);
      }
      out.set(key!, body.join('\n'));
      i = j;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new InputError(`${label} line ${i + 1} is "${line.trim()}", not KEY=VALUE`, {}, 'write one KEY=VALUE per line');
    }
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][\w.-]*$/.test(key)) {
      throw new InputError(`${label} line ${i + 1}: "${key}" is not a valid name`, {}, 'names use letters, digits, _ . and -');
    }
    out.set(key, line.slice(eq + 1));
  }
  return out;
}
