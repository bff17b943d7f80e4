/**
 * Composite alarm rules: ALARM("a") / OK("a") / INSUFFICIENT_DATA("a"), TRUE, FALSE,
 * combined with AND, OR, NOT and parentheses (NOT binds tightest, then AND, then OR).
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export type RuleNode =
  | { kind: 'state'; state: AlarmState; alarm: string }
  | { kind: 'const'; value: boolean }
  | { kind: 'not'; operand: RuleNode }
  | { kind: 'and' | 'or'; left: RuleNode; right: RuleNode };

const TOKEN = /\s*(?:(ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*(?:"((?:[^"\\]|\\.)*)"|([^)]*?))\s*\)|(AND|OR|NOT|TRUE|FALSE)\b|(\()|(\)))/y;

type Token = { t: 'state'; state: AlarmState; alarm: string } | { t: 'word'; w: string } | { t: '(' } | { t: ')' };

function tokenise(rule: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < rule.length) {
    if (/^\s*$/.test(rule.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(rule);
    if (!m) throw new Error(`Error in alarm rule: unexpected text at position ${pos}: '${rule.slice(pos, pos + 20)}'`);
    pos = TOKEN.lastIndex;
    if (m[1]) out.push({ t: 'state', state: m[1] as AlarmState, alarm: (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1').trim() });
    else if (m[4]) out.push({ t: 'word', w: m[4] });
    else if (m[5]) out.push({ t: '(' });
    else out.push({ t: ')' });
  }
  return out;
}

export function parseRule(rule: string): RuleNode {
  const tokens = tokenise(rule);
  let i = 0;
  const peekWord = (w: string): boolean => {
    const t = tokens[i];
    return t?.t === 'word' && t.w === w;
  };
  const or = (): RuleNode => {
    let left = and();
    while (peekWord('OR')) {
      i++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): RuleNode => {
    let left = unary();
    while (peekWord('AND')) {
      i++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): RuleNode => {
    const t = tokens[i++];
    if (!t) throw new Error('Error in alarm rule: unexpected end of the rule');
    if (t.t === 'state') return { kind: 'state', state: t.state, alarm: t.alarm };
    if (t.t === '(') {
      const inner = or();
      if (tokens[i++]?.t !== ')') throw new Error('Error in alarm rule: missing closing parenthesis');
      return inner;
    }
    if (t.t === 'word' && t.w === 'NOT') return { kind: 'not', operand: unary() };
    if (t.t === 'word' && (t.w === 'TRUE' || t.w === 'FALSE')) return { kind: 'const', value: t.w === 'TRUE' };
    throw new Error(`Error in alarm rule: unexpected ${t.t === 'word' ? t.w : t.t}`);
  };
  const node = or();
  if (i !== tokens.length) throw new Error('Error in alarm rule: unexpected text after the end of the expression');
  return node;
}

export function referencedAlarms(node: RuleNode): string[] {
  switch (node.kind) {
    case 'state':
      return [node.alarm];
    case 'const':
      return [];
    case 'not':
      return referencedAlarms(node.operand);
    default:
      return [...referencedAlarms(node.left), ...referencedAlarms(node.right)];
  }
}

export function evaluateRule(node: RuleNode, stateOf: (alarm: string) => AlarmState | undefined): boolean {
  switch (node.kind) {
    case 'state':
      return stateOf(node.alarm) === node.state;
    case 'const':
      return node.value;
    case 'not':
      return !evaluateRule(node.operand, stateOf);
    case 'and':
      return evaluateRule(node.left, stateOf) && evaluateRule(node.right, stateOf);
    case 'or':
      return evaluateRule(node.left, stateOf) || evaluateRule(node.right, stateOf);
  }
}
