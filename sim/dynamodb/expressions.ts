/**
 * DynamoDB condition and update expressions, as the Developer Guide's grammar defines them, for
 * the subset the local ECS models: AND / OR / NOT / parentheses, = <> < <= > >=, BETWEEN, IN,
 * attribute_exists, attribute_not_exists, begins_with; `SET a = operand [+|- operand]` (operands:
 * :value, a name, if_not_exists(name, operand)) and `REMOVE a`. Top-level attribute names only.
 * Anything else is a ValidationException naming what the local ECS does not model.
 */
import { ApiError } from '../types.js';

/** An AttributeValue as the JSON protocol carries it ({"S": "…"}, {"N": "12"}, …). */
export type AttributeValue = Record<string, any>;
export type Item = Record<string, AttributeValue>;

const TYPES = ['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS'];

export function validation(message: string): ApiError {
  return new ApiError('ValidationException', message);
}

/** Exactly one data type per value, as DynamoDB insists. */
export function checkValue(value: unknown, where: string): AttributeValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw validation(`${where}: Supplied AttributeValue is not an object`);
  const types = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  if (types.length !== 1 || !TYPES.includes(types[0])) {
    throw validation(
      `Supplied AttributeValue ${types.length > 1 ? 'has more than one datatypes set' : 'is empty'}, must contain exactly one of the supported datatypes`
    );
  }
  const v = value as AttributeValue;
  if (v.N !== undefined && (typeof v.N !== 'string' || !Number.isFinite(Number(v.N)) || v.N.trim() === '')) {
    throw validation(`The parameter cannot be converted to a numeric value: ${String(v.N)}`);
  }
  return v;
}

// ---- tokens --------------------------------------------------------------------

type Token = { t: 'name' | 'hash' | 'colon' | 'op' | 'punct' | 'word'; s: string; at: number };

const WORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD', 'DELETE']);

function tokenize(text: string, kind: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const m =
      /^#[A-Za-z0-9_]+/.exec(rest) ??
      /^:[A-Za-z0-9_]+/.exec(rest) ??
      /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest) ??
      /^(<>|<=|>=|=|<|>)/.exec(rest) ??
      /^[(),+\-.[\]]/.exec(rest);
    if (!m) throw validation(`Invalid ${kind}: Syntax error; token: "${c}", near: "${text.slice(Math.max(0, i - 5), i + 5)}"`);
    const s = m[0];
    if (s.startsWith('#')) out.push({ t: 'hash', s, at: i });
    else if (s.startsWith(':')) out.push({ t: 'colon', s, at: i });
    else if (/^[A-Za-z_]/.test(s)) out.push({ t: WORDS.has(s.toUpperCase()) ? 'word' : 'name', s, at: i });
    else if (/^[<>=]/.test(s)) out.push({ t: 'op', s, at: i });
    else out.push({ t: 'punct', s, at: i });
    i += s.length;
  }
  return out;
}

// ---- placeholders --------------------------------------------------------------

/** Resolves #names and :values, remembering which were used (DynamoDB rejects unused ones). */
export class Placeholders {
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();
  constructor(
    private readonly names: Record<string, string> | undefined,
    private readonly values: Record<string, AttributeValue> | undefined
  ) {}
  name(token: string, kind: string): string {
    const n = this.names?.[token];
    if (n === undefined)
      throw validation(`Invalid ${kind}: An expression attribute name used in the document path is not defined; attribute name: ${token}`);
    this.usedNames.add(token);
    return n;
  }
  value(token: string, kind: string): AttributeValue {
    const v = this.values?.[token];
    if (v === undefined)
      throw validation(`Invalid ${kind}: An expression attribute value used in expression is not defined; attribute value: ${token}`);
    this.usedValues.add(token);
    return checkValue(v, `ExpressionAttributeValues contains invalid value for key ${token}`);
  }
  /** After every expression of the request has been parsed. */
  checkAllUsed(): void {
    const unusedNames = Object.keys(this.names ?? {}).filter((k) => !this.usedNames.has(k));
    if (unusedNames.length)
      throw validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
    const unusedValues = Object.keys(this.values ?? {}).filter((k) => !this.usedValues.has(k));
    if (unusedValues.length)
      throw validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);
  }
}

// ---- parsing -------------------------------------------------------------------

type Operand =
  { kind: 'path'; name: string } | { kind: 'value'; value: AttributeValue } | { kind: 'if_not_exists'; name: string; fallback: Operand };

export type Condition =
  | { op: 'and' | 'or'; left: Condition; right: Condition }
  | { op: 'not'; inner: Condition }
  | { op: 'cmp'; cmp: string; left: Operand; right: Operand }
  | { op: 'between'; subject: Operand; low: Operand; high: Operand }
  | { op: 'in'; subject: Operand; list: Operand[] }
  | { op: 'exists' | 'not_exists'; name: string }
  | { op: 'begins_with'; subject: Operand; prefix: Operand };

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
    private readonly kind: string,
    private readonly ph: Placeholders
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw validation(`Invalid ${this.kind}: Syntax error; token: <EOF>, near: "${this.text.slice(-10)}"`);
    return t;
  }
  private syntax(t: Token): ApiError {
    return validation(
      `Invalid ${this.kind}: Syntax error; token: "${t.s}", near: "${this.text.slice(Math.max(0, t.at - 8), t.at + t.s.length + 8)}"`
    );
  }
  private expect(s: string): void {
    const t = this.next();
    if (t.s.toUpperCase() !== s) throw this.syntax(t);
  }
  private isWord(s: string): boolean {
    const t = this.peek();
    return t?.t === 'word' && t.s.toUpperCase() === s;
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }
  rejectTrailing(): void {
    const t = this.peek();
    if (t) throw this.syntax(t);
  }

  /** OR binds loosest, then AND, then NOT (the guide's precedence). */
  condition(): Condition {
    let left = this.conjunction();
    while (this.isWord('OR')) {
      this.next();
      left = { op: 'or', left, right: this.conjunction() };
    }
    return left;
  }
  private conjunction(): Condition {
    let left = this.negation();
    while (this.isWord('AND')) {
      this.next();
      left = { op: 'and', left, right: this.negation() };
    }
    return left;
  }
  private negation(): Condition {
    if (this.isWord('NOT')) {
      this.next();
      return { op: 'not', inner: this.negation() };
    }
    return this.primary();
  }
  private primary(): Condition {
    const t = this.peek();
    if (t?.s === '(') {
      this.next();
      const inner = this.condition();
      this.expect(')');
      return inner;
    }
    if (t?.t === 'name' && this.tokens[this.i + 1]?.s === '(') {
      const fn = this.next().s;
      this.next();
      if (fn === 'attribute_exists' || fn === 'attribute_not_exists') {
        const name = this.pathName();
        this.expect(')');
        return { op: fn === 'attribute_exists' ? 'exists' : 'not_exists', name };
      }
      if (fn === 'begins_with') {
        const subject = this.operand();
        this.expect(',');
        const prefix = this.operand();
        this.expect(')');
        return { op: 'begins_with', subject, prefix };
      }
      if (['attribute_type', 'contains', 'size'].includes(fn))
        throw validation(`Invalid ${this.kind}: the function ${fn} is not modelled by the local ECS`);
      throw validation(`Invalid ${this.kind}: Invalid function name; function: ${fn}`);
    }
    const subject = this.operand();
    const op = this.peek();
    if (op?.t === 'op') {
      this.next();
      return { op: 'cmp', cmp: op.s, left: subject, right: this.operand() };
    }
    if (this.isWord('BETWEEN')) {
      this.next();
      const low = this.operand();
      this.expect('AND');
      return { op: 'between', subject, low, high: this.operand() };
    }
    if (this.isWord('IN')) {
      this.next();
      this.expect('(');
      const list = [this.operand()];
      while (this.peek()?.s === ',') {
        this.next();
        list.push(this.operand());
      }
      this.expect(')');
      return { op: 'in', subject, list };
    }
    throw op ? this.syntax(op) : validation(`Invalid ${this.kind}: Syntax error; token: <EOF>, near: "${this.text.slice(-10)}"`);
  }

  /** A top-level attribute name (nested document paths are not modelled). */
  pathName(): string {
    const t = this.next();
    let name: string;
    if (t.t === 'hash') name = this.ph.name(t.s, this.kind);
    else if (t.t === 'name') name = t.s;
    else throw this.syntax(t);
    const after = this.peek();
    if (after?.s === '.' || after?.s === '[')
      throw validation(`Invalid ${this.kind}: nested document paths are not modelled by the local ECS`);
    return name;
  }

  operand(): Operand {
    const t = this.peek();
    if (t?.t === 'colon') {
      this.next();
      return { kind: 'value', value: this.ph.value(t.s, this.kind) };
    }
    if (t?.t === 'name' && t.s === 'if_not_exists' && this.tokens[this.i + 1]?.s === '(') {
      this.next();
      this.next();
      const name = this.pathName();
      this.expect(',');
      const fallback = this.operand();
      this.expect(')');
      return { kind: 'if_not_exists', name, fallback };
    }
    return { kind: 'path', name: this.pathName() };
  }

  /** `SET a = x [+|- y], … REMOVE b, …` in either order, each clause once. */
  update(): UpdateAction[] {
    const actions: UpdateAction[] = [];
    const seen = new Set<string>();
    while (!this.done()) {
      const t = this.next();
      const clause = t.s.toUpperCase();
      if (t.t !== 'word' || !['SET', 'REMOVE', 'ADD', 'DELETE'].includes(clause)) throw this.syntax(t);
      if (clause === 'ADD' || clause === 'DELETE')
        throw validation(`Invalid ${this.kind}: the ${clause} clause is not modelled by the local ECS`);
      if (seen.has(clause))
        throw validation(`Invalid ${this.kind}: The "${clause}" section can only be used once in an update expression;`);
      seen.add(clause);
      for (;;) {
        const name = this.pathName();
        if (clause === 'SET') {
          this.expect('=');
          const left = this.operand();
          const sign = this.peek();
          if (sign?.s === '+' || sign?.s === '-') {
            this.next();
            actions.push({ kind: 'set', name, value: left, arith: { op: sign.s, right: this.operand() } });
          } else actions.push({ kind: 'set', name, value: left });
        } else actions.push({ kind: 'remove', name });
        if (this.peek()?.s !== ',') break;
        this.next();
      }
    }
    if (actions.length === 0) throw validation(`Invalid ${this.kind}: The expression can not be empty;`);
    return actions;
  }
}

export type UpdateAction =
  { kind: 'set'; name: string; value: Operand; arith?: { op: string; right: Operand } } | { kind: 'remove'; name: string };

export function parseCondition(text: string, ph: Placeholders, kind = 'ConditionExpression'): Condition {
  if (text.trim() === '') throw validation(`Invalid ${kind}: The expression can not be empty;`);
  const p = new Parser(tokenize(text, kind), text, kind, ph);
  const c = p.condition();
  p.rejectTrailing();
  return c;
}

export function parseUpdate(text: string, ph: Placeholders): UpdateAction[] {
  const kind = 'UpdateExpression';
  if (text.trim() === '') throw validation(`Invalid ${kind}: The expression can not be empty;`);
  const p = new Parser(tokenize(text, kind), text, kind, ph);
  return p.update();
}

// ---- evaluation ----------------------------------------------------------------

function resolve(o: Operand, item: Item | undefined): AttributeValue | undefined {
  if (o.kind === 'value') return o.value;
  if (o.kind === 'path') return item?.[o.name];
  return item?.[o.name] ?? resolve(o.fallback, item);
}

function typeOf(v: AttributeValue): string {
  return Object.keys(v)[0];
}

/** Order for S (code points, as UTF-8 byte order for these), N (numeric) and B (bytes); undefined when not comparable. */
function order(a: AttributeValue, b: AttributeValue): number | undefined {
  const t = typeOf(a);
  if (t !== typeOf(b)) return undefined;
  if (t === 'N') return Math.sign(Number(a.N) - Number(b.N));
  if (t === 'S') return a.S < b.S ? -1 : a.S > b.S ? 1 : 0;
  if (t === 'B') return Buffer.compare(Buffer.from(String(a.B), 'base64'), Buffer.from(String(b.B), 'base64'));
  return undefined;
}

function equal(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (!a || !b) return false;
  const o = order(a, b);
  if (o !== undefined) return o === 0;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A missing attribute or a type mismatch makes an ordering false and `<>` true (as on DynamoDB). */
export function evaluate(c: Condition, item: Item | undefined): boolean {
  switch (c.op) {
    case 'and':
      return evaluate(c.left, item) && evaluate(c.right, item);
    case 'or':
      return evaluate(c.left, item) || evaluate(c.right, item);
    case 'not':
      return !evaluate(c.inner, item);
    case 'exists':
      return item?.[c.name] !== undefined;
    case 'not_exists':
      return item?.[c.name] === undefined;
    case 'begins_with': {
      const s = resolve(c.subject, item);
      const p = resolve(c.prefix, item);
      return s?.S !== undefined && p?.S !== undefined && String(s.S).startsWith(String(p.S));
    }
    case 'in': {
      const s = resolve(c.subject, item);
      return c.list.some((o) => equal(s, resolve(o, item)));
    }
    case 'between': {
      const s = resolve(c.subject, item);
      const lo = resolve(c.low, item);
      const hi = resolve(c.high, item);
      if (!s || !lo || !hi) return false;
      const a = order(s, lo);
      const b = order(s, hi);
      return a !== undefined && b !== undefined && a >= 0 && b <= 0;
    }
    case 'cmp': {
      const l = resolve(c.left, item);
      const r = resolve(c.right, item);
      if (c.cmp === '=') return equal(l, r);
      if (c.cmp === '<>') return !equal(l, r);
      if (!l || !r) return false;
      const o = order(l, r);
      if (o === undefined) return false;
      return c.cmp === '<' ? o < 0 : c.cmp === '<=' ? o <= 0 : c.cmp === '>' ? o > 0 : o >= 0;
    }
  }
}

/** Applies SET / REMOVE to a copy of the item (DynamoDB evaluates every operand against the item before the update). */
export function applyUpdate(actions: UpdateAction[], before: Item | undefined, keyNames: string[]): Item {
  const after: Item = { ...(before ?? {}) };
  for (const a of actions) {
    if (keyNames.includes(a.name)) {
      throw validation(`One or more parameter values were invalid: Cannot update attribute ${a.name}. This attribute is part of the key`);
    }
    if (a.kind === 'remove') {
      delete after[a.name];
      continue;
    }
    let value = resolve(a.value, before);
    if (!value) throw validation('The provided expression refers to an attribute that does not exist in the item');
    if (a.arith) {
      const right = resolve(a.arith.right, before);
      if (!right) throw validation('The provided expression refers to an attribute that does not exist in the item');
      if (value.N === undefined || right.N === undefined)
        throw validation('An operand in the update expression has an incorrect data type');
      const n = a.arith.op === '+' ? Number(value.N) + Number(right.N) : Number(value.N) - Number(right.N);
      value = { N: String(n) };
    }
    after[a.name] = value;
  }
  return after;
}
