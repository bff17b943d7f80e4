import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import type { StateStore } from '../deploy/types.js';

/** The CLI's equivalent of the action's saved state: a JSON file `ecs-rollout rollback` reads. */
export function fileState(path: string): StateStore & { clear(): void } {
  const read = (): Record<string, unknown> => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  return {
    save(key, value) {
      writeFileSync(path, `${JSON.stringify({ ...read(), [key]: value }, null, 2)}\n`);
    },
    load<T>(key: string): T | undefined {
      return read()[key] as T | undefined;
    },
    clear() {
      rmSync(path, { force: true });
    }
  };
}
