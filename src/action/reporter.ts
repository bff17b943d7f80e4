import * as core from '@actions/core';
import type { Location } from '../errors.js';
import { inPhase, type Phase, type Reporter, type RolloutEvent } from '../events.js';

function annotation(where?: Location): core.AnnotationProperties | undefined {
  if (!where?.file) return undefined;
  return { file: where.file, ...(where.line ? { startLine: where.line } : {}), ...(where.path ? { title: where.path } : {}) };
}

/** Maps the core's reporter onto the runner: log groups per phase, annotations, masking. */
export class ActionReporter implements Reporter {
  readonly events: RolloutEvent[] = [];
  private inGroup = false;

  info(message: string): void {
    core.info(message);
  }
  notice(message: string, where?: Location): void {
    core.notice(message, annotation(where));
  }
  warning(message: string, where?: Location): void {
    core.warning(message, annotation(where));
  }
  error(message: string, where?: Location): void {
    core.error(message, annotation(where));
  }

  async phase<T>(phase: Phase, title: string, fn: () => Promise<T>): Promise<T> {
    // The runner cannot nest groups: an inner phase (a rollback inside a deploy) gets a header line instead.
    const own = !this.inGroup;
    if (own) {
      core.startGroup(title);
      this.inGroup = true;
    } else {
      core.info(`── ${title}`);
    }
    try {
      return await inPhase((e) => this.event(e), phase, title, fn);
    } finally {
      if (own) {
        core.endGroup();
        this.inGroup = false;
      }
    }
  }

  event(event: RolloutEvent): void {
    this.events.push(event);
  }

  private readonly masked = new Set<string>();

  secret(value: string): void {
    // Masking short or empty strings would garble every log line; each value is announced once.
    if (value.length >= 3 && !this.masked.has(value)) {
      this.masked.add(value);
      core.setSecret(value);
    }
  }
}
