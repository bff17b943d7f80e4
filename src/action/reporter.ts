import * as core from '@actions/core';
import type { Location } from '../errors.js';
import { inPhase, type Phase, type Reporter, type RolloutEvent } from '../events.js';
import { SecretMask } from '../mask.js';

function annotation(where: Location | undefined, mask: (text: string) => string): core.AnnotationProperties | undefined {
  if (!where?.file) return undefined;
  // The title is shown on the pull request as it is: masked like the message.
  return { file: where.file, ...(where.line ? { startLine: where.line } : {}), ...(where.path ? { title: mask(where.path) } : {}) };
}

/** Maps the core's reporter onto the runner: log groups per phase, annotations, masking. */
export class ActionReporter implements Reporter {
  readonly events: RolloutEvent[] = [];
  private inGroup = false;

  private readonly secrets = new SecretMask();

  info(message: string): void {
    core.info(this.mask(message));
  }
  notice(message: string, where?: Location): void {
    core.notice(
      this.mask(message),
      annotation(where, (t) => this.mask(t))
    );
  }
  warning(message: string, where?: Location): void {
    core.warning(
      this.mask(message),
      annotation(where, (t) => this.mask(t))
    );
  }
  error(message: string, where?: Location): void {
    core.error(
      this.mask(message),
      annotation(where, (t) => this.mask(t))
    );
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

  /** For what we write ourselves (the summary, failure messages). */
  mask(text: string): string {
    return this.secrets.mask(text);
  }

  secret(value: string): void {
    // Each form is announced to the runner once, before anything could print it.
    for (const form of this.secrets.add(value)) core.setSecret(form);
  }
}
