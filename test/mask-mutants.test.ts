/**
 * Mask cases mutation testing found unguarded: the exact forms announced to the runner (each
 * becomes an ::add-mask:: line), the length floor at its edge, trimmed lines of multi-line
 * secrets, form encoding, and secrets that touch.
 */
import { describe, expect, it } from '@jest/globals';
import { MASK, SecretMask, secretForms } from '../src/mask.js';

function masked(secrets: string[], text: string): string {
  const m = new SecretMask();
  for (const s of secrets) m.add(s);
  return m.mask(text);
}

describe('secretForms: what the runner is told to mask', () => {
  it('a one-line secret: as it is, JSON-escaped, URL-encoded and form-encoded, nothing else', () => {
    expect(secretForms('s3cr"t x!')).toEqual(['s3cr"t x!', 's3cr\\"t x!', 's3cr%22t%20x!', 's3cr%22t+x%21']);
  });

  it('a one-line secret with spaces around it is not also registered trimmed (that would mask a shorter, common word)', () => {
    expect(secretForms('  tok3n  ')).toEqual(['  tok3n  ', '%20%20tok3n%20%20', '++tok3n++']);
    expect(masked(['  tok3n  '], 'the tok3n word')).toBe('the tok3n word');
  });

  it('a lone surrogate has no URL forms: only itself and its JSON escape', () => {
    expect(secretForms('abc\ud800def')).toEqual(['abc\ud800def', 'abc\\ud800def']);
  });

  it('a multi-line secret: each line and each trimmed line too', () => {
    const forms = secretForms('first-line\n   indented-line  ');
    expect(forms).toEqual(expect.arrayContaining(['first-line', '   indented-line  ', 'indented-line']));
    expect(masked(['first-line\n   indented-line  '], 'log: indented-line.')).toBe(`log: ${MASK}.`);
  });
});

describe('the length floor (3 characters)', () => {
  it('a 3-character secret is masked', () => {
    expect(masked(['abc'], 'x abc y')).toBe(`x ${MASK} y`);
  });

  it('a secret that is 3 characters only with its spaces is too short: " a " is not masked', () => {
    expect(secretForms(' a ')).toEqual([]);
    expect(masked([' a '], 'x a y')).toBe('x a y');
  });
});

describe('masking', () => {
  it('a form-encoded secret (spaces as +, ! as %21) is masked', () => {
    expect(masked(['pass word!'], 'GET /login?pw=pass+word%21&x=1')).toBe(`GET /login?pw=${MASK}&x=1`);
  });

  it('two secrets that touch become one mask, not two', () => {
    expect(masked(['abcx', 'defy'], '[abcxdefy]')).toBe(`[${MASK}]`);
  });

  it('text without a secret is returned as it is', () => {
    expect(masked(['s3cret'], 'nothing here')).toBe('nothing here');
  });

  it('every occurrence is masked, and what lies between them is kept', () => {
    expect(masked(['s3cret'], 's3cret and s3cret')).toBe(`${MASK} and ${MASK}`);
  });
});
