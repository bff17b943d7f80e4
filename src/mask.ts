/**
 * Values that must never be printed. The runner masks what it was told with ::add-mask::,
 * but only in the exact form it was told: a value that reaches a message JSON-escaped (in a
 * diff of the environment, say) or a file we write ourselves (the job summary) would slip
 * through, so every adapter also masks its own output here.
 */
export class SecretMask {
  private values: string[] = [];

  /** Registers a value (and its JSON-escaped form); returns the forms not seen before. */
  add(value: string): string[] {
    // Masking very short strings would garble every line.
    if (value.length < 3) return [];
    const forms = [value, JSON.stringify(value).slice(1, -1)].filter((v, i, all) => all.indexOf(v) === i && !this.values.includes(v));
    if (forms.length > 0) {
      this.values.push(...forms);
      // Longest first, so a secret that contains another is masked whole.
      this.values.sort((a, b) => b.length - a.length);
    }
    return forms;
  }

  mask(text: string): string {
    let out = text;
    for (const v of this.values) out = out.split(v).join('***');
    return out;
  }
}
