/**
 * The files render touches, read and written defensively: the template is only ever a regular
 * file of bounded size in UTF-8, and the rendered file never lands on the template (which may
 * hold secrets in plain text once rendered) or on a FIFO, device or directory.
 */
import { constants } from 'node:fs';
import { lstat, open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';

/** Templates are far smaller (ECS takes at most 64 KiB per task definition); this only stops runaway inputs. */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;
/** What RegisterTaskDefinition accepts: AWS rejects a larger task definition. */
export const MAX_TASK_DEFINITION_BYTES = 64 * 1024;

/** Pseudo-filesystems: their "files" block (/proc/kmsg), never end (/dev/zero) or hold the runner's secrets (/proc/self/environ). */
const SYSTEM_DIRS = ['/proc/', '/sys/', '/dev/'];

const FIX_PATH = 'point task-definition at the template file in the repository';

/** ENOENT, EACCES…: duck-typed, as errors from node:fs may come from another realm (test runners). */
function ioError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(error);
}

/** What a bounded read is reading, for its messages. */
export interface FileKind {
  /** "the task definition template", "the AppSpec file" */
  name: string;
  /** "a template", "an AppSpec": what a system file is not */
  noun: string;
  maxBytes: number;
  /** The fix every message ends with. */
  fix: string;
  /** The fix when the file does not exist (default: `fix`). */
  missingFix?: string;
  /** A missing file is undefined instead of an error (an optional file at its default path). */
  optional?: boolean;
}

const TEMPLATE: FileKind = {
  name: 'the task definition template',
  noun: 'a template',
  maxBytes: MAX_TEMPLATE_BYTES,
  fix: FIX_PATH,
  missingFix: 'check the task-definition path (relative to the repository root)'
};

/** Reads the template: a regular file, at most MAX_TEMPLATE_BYTES. */
export async function readTemplateFile(path: string, shown: string): Promise<Uint8Array> {
  return (await readBoundedFile(path, shown, TEMPLATE))!;
}

/**
 * Reads a small input file defensively: a regular file (not under /proc, /sys or /dev), at most
 * `kind.maxBytes`. Opening is non-blocking so a FIFO is refused instead of waiting for a writer for ever.
 */
export async function readBoundedFile(path: string, shown: string, kind: FileKind): Promise<Uint8Array | undefined> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    if (ioError(error) === 'ENOENT') {
      if (kind.optional) return undefined;
      throw new InputError(`${kind.name} does not exist`, { file: shown }, kind.missingFix ?? kind.fix);
    }
    throw new InputError(`cannot read ${kind.name} (${ioError(error)})`, { file: shown }, kind.fix);
  }
  if (SYSTEM_DIRS.some((dir) => real.startsWith(dir))) {
    throw new InputError(`is ${real}, a system file, not ${kind.noun}`, { file: shown }, kind.fix);
  }
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = ioError(error);
    throw new InputError(
      code === 'EISDIR' ? `is a directory, not ${kind.noun} file` : `cannot read ${kind.name} (${code})`,
      { file: shown },
      kind.fix
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new InputError(`is ${kindOf(info)}, not a regular file`, { file: shown }, kind.fix);
    }
    if (info.size > kind.maxBytes) throw tooLarge(info.size, shown, kind);
    // Read one byte past the limit: the size stat reports may be stale or wrong.
    const buffer = Buffer.alloc(kind.maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > kind.maxBytes) throw tooLarge(length, shown, kind);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function tooLarge(bytes: number, file: string, kind: FileKind): InputError {
  const limit = kind === TEMPLATE ? 'templates are limited to' : `${kind.name} is limited to`;
  return new InputError(
    `is ${bytes > kind.maxBytes ? 'more than ' : ''}${formatBytes(Math.min(bytes, kind.maxBytes + 1))}; ${limit} ${formatBytes(kind.maxBytes)}`,
    { file },
    kind === TEMPLATE ? `${FIX_PATH} (a task definition is at most 64 KiB)` : kind.fix
  );
}

function kindOf(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
}

/** Fails on any byte sequence that is not UTF-8 (RFC 3629); drops a leading byte order mark, as decodeUtf8 does. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Strict UTF-8: a byte sequence that is not UTF-8 is reported with its offset instead of
 * silently becoming U+FFFD (which would then be registered as part of an image name or value).
 * A leading byte order mark is dropped.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  // The native decoder checks well-formed files (nearly all) without a JavaScript loop over every byte.
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    // Not UTF-8: the loop below finds where, for the message.
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad !== undefined) {
    const hex = Array.from(bytes.subarray(bad, bad + 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    throw new InputError(
      `is not UTF-8: invalid byte at offset ${bad} (${hex})`,
      { file, line: lineAt(bytes, bad) },
      utf16 ? 'the file is UTF-16: save it as UTF-8' : 'save the file as UTF-8'
    );
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start).toString('utf8');
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629), or undefined. */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return undefined;
}

/** Where `path` really is: symlinks and `..` resolved, also for a file that does not exist yet (its directory is). */
async function whereIs(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    try {
      return join(await realpath(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

/**
 * The rendered file may not be the template (by any name: relative, symlink, hard link) nor
 * anything but a regular file, which writing would hang on (FIFO) or fail obscurely for.
 */
export async function checkRenderedPath(renderedPath: string, template: string | undefined, label: string): Promise<void> {
  const target = await whereIs(renderedPath);
  if (template !== undefined) {
    const source = await whereIs(template);
    const [a, b] = await Promise.all([stat(target).catch(() => undefined), stat(source).catch(() => undefined)]);
    if (target === source || (a && b && a.dev === b.dev && a.ino === b.ino)) {
      throw new InputError(
        `${label} is "${renderedPath}", the template itself`,
        {},
        'writing there would replace the template with the rendered file (secret values included): choose another path, or leave rendered-path unset for a file in RUNNER_TEMP'
      );
    }
  }
  const existing = await lstat(target).catch(() => undefined);
  if (existing && !existing.isFile()) {
    throw new InputError(`${label} is "${renderedPath}", which is ${kindOf(existing)}`, {}, 'give the path of a file to write');
  }
}
