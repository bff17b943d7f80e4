import { InputError } from './errors.js';

/**
 * Splits a command line the way a POSIX shell does for words: whitespace separates,
 * '…' keeps everything literally, "…" keeps whitespace and honours \" \\ \$ \`,
 * and a backslash outside quotes escapes the next character. No expansion happens:
 * ECS runs the array as given.
 *   sh -c "echo 'a b' && run"  →  ["sh", "-c", "echo 'a b' && run"]
 */
export function splitCommand(text: string, label: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      const next = text[++i]!;
      // backslash-newline continues the line, as in a shell
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new InputError(`${label} has an unclosed ${quote} quote`, {}, `close the quote: ${text.trim()}${quote}`);
  if (inWord) words.push(word);
  return words;
}
