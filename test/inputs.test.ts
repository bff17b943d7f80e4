import { describe, expect, test } from '@jest/globals';
import { Inputs, parseKeyValueLines, type InputSource } from '../src/inputs.js';
import { parseDuration } from '../src/duration.js';
import { InputError } from '../src/errors.js';

function inputs(values: Record<string, string>): Inputs {
  const source: InputSource = { get: (n) => values[n] ?? '', label: (n) => `input \`${n}\`` };
  return new Inputs(source);
}

describe('KEY=VALUE lines', () => {
  test.each([
    ['a=1', { a: '1' }],
    ['url=https://x/?a=b&c=d', { url: 'https://x/?a=b&c=d' }],
    ['EMPTY=', { EMPTY: '' }],
    ['a=1\n\n# comment\nb=two words', { a: '1', b: 'two words' }],
    ['PEM<<EOF\n-----BEGIN-----\nabc\n-----END-----\nEOF\nnext=1', { PEM: '-----BEGIN-----\nabc\n-----END-----', next: '1' }]
  ])('%j', (text, expected) => {
    expect(Object.fromEntries(parseKeyValueLines(text, 'input `vars`'))).toEqual(expected);
  });

  test.each([
    // The line is never quoted: it may be the second line of a secret written without KEY<<EOF.
    ['no equals sign', /^input `vars` line 1 is not KEY=VALUE \(14 characters, no "=" after a name\)(?!.*no equals sign)/],
    ['=value', /not KEY=VALUE/],
    ['bad key=1', /"bad key" is not a valid name/],
    ['X<<END\nnever closed', /"X<<END" is never closed/]
  ])('rejects %j', (text, message) => {
    expect(() => parseKeyValueLines(text, 'input `vars`')).toThrow(message);
  });
});

describe('typed readers name the input', () => {
  test('bool', () => {
    expect(inputs({ x: 'TRUE' }).bool('x', false)).toBe(true);
    expect(() => inputs({ x: 'maybe' }).bool('x', false)).toThrow('input `x` is "maybe", not a boolean');
  });
  test('int with range', () => {
    expect(inputs({ n: '3' }).int('n', { min: 0 })).toBe(3);
    expect(() => inputs({ n: '-1' }).int('n', { min: 0 })).toThrow('input `n` is "-1" (use a whole number of at least 0)');
    expect(() => inputs({ n: '1.5' }).int('n')).toThrow(InputError);
  });
  test('oneOf', () => {
    expect(() => inputs({ s: 'canary' }).oneOf('s', ['rolling', 'blue-green'], 'rolling')).toThrow('use one of: rolling, blue-green');
  });
  test('list splits lines and commas', () => {
    expect(inputs({ l: 'a, b\nc\n\n' }).list('l')).toEqual(['a', 'b', 'c']);
  });
});

describe('durations', () => {
  test.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1m30s', 90_000],
    ['30', 30_000],
    ['0.2', 200],
    ['1h', 3_600_000]
  ])('%s', (text, ms) => expect(parseDuration(text, 'input `poll-interval`')).toBe(ms));

  test.each(['fast', '5 minutes', '-1s', ''])('rejects %j', (text) => {
    expect(() => parseDuration(text, 'input `poll-interval`')).toThrow(/input `poll-interval`: "?.*"? is not a duration/);
  });
});

describe('formatting durations', () => {
  test.each([
    [500, '500ms'],
    [1500, '1.5s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [119_600, '2m']
  ])('%d ms → %s', async (ms, text) => {
    const { formatDuration } = await import('../src/duration.js');
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('bad input that used to slip through', () => {
  test('a var given twice fails naming it and both lines, instead of the last one winning', () => {
    expect(() => inputs({ vars: 'tag=v1\nstage=prod\ntag=v2' }).keyValues('vars')).toThrow(
      'input `vars` sets "tag" twice (lines 1 and 3) (keep one tag=… line)'
    );
    expect(() => inputs({ vars: 'a<<EOF\nx\nEOF\na=y' }).keyValues('vars')).toThrow(/sets "a" twice \(lines 1 and 4\)/);
  });

  test('__proto__ is refused as a name, and nothing is polluted', () => {
    expect(() => inputs({ 'docker-labels': '__proto__=x' }).keyValues('docker-labels')).toThrow(
      'input `docker-labels` line 1: "__proto__" cannot be a name'
    );
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect([...inputs({ 'docker-labels': 'constructor=c\nprototype=p' }).keyValues('docker-labels')]).toEqual([
      ['constructor', 'c'],
      ['prototype', 'p']
    ]);
  });

  test.each(['1e3', '0x10', '1.0', '9'.repeat(400), 'Infinity'])('int refuses %j', (v) => {
    expect(() => inputs({ n: v }).int('n', { min: 0 })).toThrow(/^input `n` is ".*" \(use a whole number of at least 0\)$/);
  });

  test('a 400-digit number is shortened in the message', () => {
    expect(() => inputs({ n: '9'.repeat(400) }).int('n', { min: 0, max: 10 })).toThrow(
      'input `n` is "99999999999999999999…(400 characters)" (use a whole number from 0 to 10)'
    );
    expect(() => inputs({ x: '1e400' }).number('x', { min: 0, max: 100 })).toThrow('input `x` is "1e400" (use a number from 0 to 100)');
  });

  test('durations have an upper bound (a day unless the input says otherwise) and never exceed a timer', () => {
    expect(() => inputs({ d: '600h' }).duration('d', '5s')).toThrow('input `d` is 600h, longer than 24h (use at most 24h)');
    expect(() => inputs({ d: '10m' }).duration('d', '5s', { max: 5 * 60_000 })).toThrow(
      'input `d` is 10m, longer than 5m (use at most 5m)'
    );
    expect(() => inputs({ d: '9'.repeat(400) }).duration('d', '5s')).toThrow(/input `d` is 9{20}…\(400 characters\), longer than 24h/);
    expect(inputs({ d: '24h' }).duration('d', '5s')).toBe(86_400_000);
    expect(() => parseDuration('600h', 'input `d`')).toThrow(/input `d`: "600h" is longer than any wait can be/);
  });

  test('positive durations refuse zero with the fix the input gives', () => {
    expect(() => inputs({ d: '0' }).duration('d', '5s', { positive: true, zeroFix: 'use e.g. 5s' })).toThrow(
      'input `d` is 0 (use e.g. 5s)'
    );
    expect(() => inputs({ d: '0ms' }).duration('d', '5s', { positive: true })).toThrow(/input `d` is 0ms/);
    expect(inputs({ d: '0' }).duration('d', '5s')).toBe(0);
  });
});
