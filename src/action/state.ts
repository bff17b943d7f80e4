import * as core from '@actions/core';
import type { StateStore } from '../deploy/types.js';

/**
 * Values saved by this process. core.saveState only appends to the GITHUB_STATE file, which
 * the runner turns into STATE_* variables for the post step; core.getState reads those, so
 * without this the main step could not read back what it saved itself (e.g. the temporary
 * alarms to delete at the end of the run).
 */
const savedHere = new Map<string, string>();

/** What the main step leaves for the post step (core.saveState writes GITHUB_STATE; the post step reads STATE_*). */
export const actionState: StateStore = {
  save(key, value) {
    const raw = JSON.stringify(value);
    savedHere.set(key, raw);
    core.saveState(key, raw);
  },
  load<T>(key: string): T | undefined {
    const raw = savedHere.get(key) ?? core.getState(key);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      // Never "nothing to roll back": the post step must say that it cannot tell.
      throw new Error(
        `the saved state ${key} cannot be read (not JSON: ${raw.length} characters); the post step cannot tell what the main step left: ` +
          'look at the service, listener and alarms, and roll back by hand with ecs-rollout rollback or the console if needed'
      );
    }
  }
};
