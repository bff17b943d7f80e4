/**
 * Values that must never be printed. The runner masks what it was told with ::add-mask::,
 * but only in the exact form it was told, and line by line: a value that reaches a message
 * JSON-escaped (a diff of the environment), URL-encoded (an ARN or URL quoted in an error),
 * table-escaped (the job summary) or split across lines would slip through, and so would
 * anything we send elsewhere ourselves (GitHub deployment statuses). So every form is
 * registered, and every adapter also masks its own output here.
 */

/** Masking very short strings would garble every line. */
const MIN_LENGTH = 3;
export const MASK = '***';

/**
 * Every form in which `value` could reach a reader: as it is, each of its lines (the runner
 * masks line by line, so a multi-line secret is only hidden if each line is), and each of
 * those JSON-escaped (as JSON.stringify writes it, and with non-ASCII as \uXXXX as other
 * encoders do), URL-encoded (encodeURIComponent and form encoding) and with `|` escaped (a
 * Markdown table cell).
 */
export function secretForms(value: string): string[] {
  const lines = value.split(/\r\n|\r|\n/);
  const pieces = [value, ...(lines.length > 1 ? lines.flatMap((l) => [l, l.trim()]) : [])];
  const forms: string[] = [];
  for (const piece of pieces) {
    if (piece.trim().length < MIN_LENGTH) continue;
    const json = JSON.stringify(piece).slice(1, -1);
    forms.push(piece, json, asciiJson(json), piece.replace(/\|/g, '\\|'), ...urlForms(piece));
  }
  return [...new Set(forms)].filter((f) => f.length >= MIN_LENGTH);
}

function asciiJson(json: string): string {
  return json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function urlForms(piece: string): string[] {
  try {
    return [encodeURIComponent(piece), new URLSearchParams({ v: piece }).toString().slice(2)];
  } catch {
    // A lone surrogate has no URL encoding, so it cannot reach a URL either.
    return [];
  }
}

export class SecretMask {
  private forms: string[] = [];

  /** Registers a value in all its forms; returns the forms not seen before (for the runner's ::add-mask::). */
  add(value: string): string[] {
    const fresh = secretForms(value).filter((f) => !this.forms.includes(f));
    this.forms.push(...fresh);
    return fresh;
  }

  /**
   * Every character inside any occurrence of any form becomes part of one `***`. Overlapping
   * occurrences are merged rather than replaced one form after another, so a form that
   * overlaps a longer one cannot leave the longer one's tail in the text.
   */
  mask(text: string): string {
    const spans = this.occurrences(text);
    if (spans.length === 0) return text;
    spans.sort((a, b) => a[0] - b[0]);
    let out = '';
    let at = 0;
    let i = 0;
    while (i < spans.length) {
      const start = spans[i]![0];
      let end = spans[i]![1];
      while (++i < spans.length && spans[i]![0] <= end) end = Math.max(end, spans[i]![1]);
      out += text.slice(at, start) + MASK;
      at = end;
    }
    return out + text.slice(at);
  }

  /** Whether `text` holds a registered value in any form. */
  covers(text: string): boolean {
    return this.forms.some((f) => text.includes(f));
  }

  private occurrences(text: string): Array<[number, number]> {
    const spans: Array<[number, number]> = [];
    for (const form of this.forms) {
      for (let i = text.indexOf(form); i !== -1; i = text.indexOf(form, i + 1)) spans.push([i, i + form.length]);
    }
    return spans;
  }
}
