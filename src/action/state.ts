import * as core from '@actions/core';
import type { StateStore } from '../deploy/types.js';

/** What the main step leaves for the post step (core.saveState writes GITHUB_STATE; the post step reads STATE_*). */
export const actionState: StateStore = {
  save(key, value) {
    core.saveState(key, JSON.stringify(value));
  },
  load<T>(key: string): T | undefined {
    const raw = core.getState(key);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return undefined;
    }
  }
};
