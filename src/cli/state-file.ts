/**
 * The CLI's equivalent of the action's saved state: one JSON file per deployment under
 * `.ecs-rollout/`, named after what it deploys plus a random id, so two deployments started
 * from one directory never share (or delete) each other's rollback state.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateStore } from '../deploy/types.js';

/** Where `deploy` writes and `rollback` looks, relative to the working directory. */
export const STATE_DIR = '.ecs-rollout';

export function fileState(path: string): StateStore & { clear(): void; readonly path: string } {
  const read = (): Record<string, unknown> => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`cannot read the state file ${path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new Error(`the state file ${path} is not a JSON object; look at it, finish the rollback by hand, then delete it`);
  };
  return {
    path,
    save(key, value) {
      // Written aside and renamed: a process killed mid-write leaves the previous state, not half a file.
      const next = `${path}.${process.pid}.tmp`;
      writeFileSync(next, `${JSON.stringify({ ...read(), [key]: value }, null, 2)}\n`);
      renameSync(next, path);
    },
    load<T>(key: string): T | undefined {
      return read()[key] as T | undefined;
    },
    clear() {
      rmSync(path, { force: true });
    }
  };
}

/** `prod-web`, `prod-web-blue-web-green`: what a deployment targets, safe as a file name. */
export function targetSlug(cluster: string, services: string[]): string {
  return [cluster, ...services].map((part) => part.slice(part.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9_.-]+/g, '_')).join('-');
}

/** A new deployment's own state file. */
export function newStatePath(dir: string, slug: string): string {
  mkdirSync(join(dir, STATE_DIR), { recursive: true });
  return join(dir, STATE_DIR, `${slug}.${randomUUID().slice(0, 8)}.json`);
}

/** The state files left in `dir` (of one target when `slug` is given), oldest name first. */
export function stateFiles(dir: string, slug?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, STATE_DIR));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json') && (slug === undefined || n.startsWith(`${slug}.`)))
    .sort()
    .map((n) => join(dir, STATE_DIR, n));
}
