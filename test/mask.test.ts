/** The secret mask: every form a value can reach a reader in, whole and line by line. */
import { describe, expect, it } from '@jest/globals';
import { MASK, SecretMask, secretForms } from '../src/mask.js';

function masked(secrets: string[], text: string): string {
  const m = new SecretMask();
  for (const s of secrets) m.add(s);
  return m.mask(text);
}

describe('SecretMask', () => {
  const HARD = 'p"a\\ss=wörd|1';

  it.each([
    ['as it is', HARD],
    ['JSON-escaped (a diff, a JSON file)', JSON.stringify(HARD).slice(1, -1)],
    ['JSON-escaped with \\u escapes (other encoders)', 'p\\"a\\\\ss=w\\u00f6rd|1'],
    ['URL-encoded (a URL in an error message)', encodeURIComponent(HARD)],
    ['form-encoded (a query string)', new URLSearchParams({ v: HARD }).toString().slice(2)],
    ['table-escaped (a cell of the job summary)', 'p"a\\ss=wörd\\|1']
  ])('masks the value %s', (_form, shown) => {
    expect(masked([HARD], `before ${shown} after`)).toBe(`before ${MASK} after`);
  });

  it('masks each line of a multi-line secret, as the runner sees a log line by line', () => {
    const pem = '-----BEGIN KEY-----\nMIIBOgIBAAJBAK\n-----END KEY-----';
    const out = masked([pem], `line one ${pem.split('\n')[1]}\nand "${JSON.stringify(pem).slice(1, -1)}"`);
    expect(out).toBe(`line one ${MASK}\nand "${MASK}"`);
    expect(masked([pem], 'key: -----END KEY-----')).toBe(`key: ${MASK}`);
  });

  it('a secret that contains another is masked whole, whichever was added first', () => {
    expect(masked(['token', 'my-token-value'], 'x my-token-value y token')).toBe(`x ${MASK} y ${MASK}`);
    expect(masked(['my-token-value', 'token'], 'x my-token-value y')).toBe(`x ${MASK} y`);
  });

  it('overlapping secrets leave no tail of either', () => {
    // "xabc" starts first, "abcdef" ends later: every character of both goes.
    expect(masked(['xabc', 'abcdef'], '1xabcdef2')).toBe(`1${MASK}2`);
  });

  it('ignores values too short to mask without garbling every line', () => {
    expect(masked(['ab', ' \n '], 'ab cd')).toBe('ab cd');
  });

  it('add returns only the forms not registered before (each is announced to the runner once)', () => {
    const m = new SecretMask();
    const first = m.add('s3cr"t');
    expect(first).toEqual(expect.arrayContaining(['s3cr"t', 's3cr\\"t', 's3cr%22t']));
    expect(m.add('s3cr"t')).toEqual([]);
  });

  it('covers tells whether text holds a secret in any form', () => {
    const m = new SecretMask();
    m.add('a b=c');
    expect(m.covers('x=a%20b%3Dc')).toBe(true);
    expect(m.covers('a b')).toBe(false);
  });

  it('a lone surrogate has no URL form but is still masked as it is', () => {
    const odd = 'abc\ud800def';
    expect(secretForms(odd)).toContain(odd);
    expect(masked([odd], `[${odd}]`)).toBe(`[${MASK}]`);
  });
});
