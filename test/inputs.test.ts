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
    ['no equals sign', /input `vars` line 1 is "no equals sign", not KEY=VALUE/],
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
    expect(() => inputs({ n: '-1' }).int('n', { min: 0 })).toThrow(/input `n` is "-1".*≥ 0/);
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
