/**
 * register: one new revision, or none when an identical one exists (re-runs of the same commit
 * must not churn revisions). "Identical" is judged after normalisation; tags do not count,
 * because describe-task-definition does not return them with the latest revision.
 */
import type { Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import type { EcsApi } from './aws/clients.js';
import type { Reporter } from './events.js';
import type { Rendered } from './render/index.js';
import { sameTaskDefinition } from './render/normalize.js';

export interface Registered {
  arn: string;
  reused: boolean;
  revision: number;
}

export async function registerRevision(
  rendered: Rendered,
  deps: { ecs: EcsApi; reporter: Reporter },
  opts: {
    tags?: Tag[];
    /** Revisions the target services run now: after a rollback the latest revision is the bad one, and the good one should be reused. */
    candidates?: string[];
    /** Filled with every revision read to decide (by ARN), so the diff against the serving one need not read it again. */
    read?: Map<string, TaskDefinition>;
  } = {}
): Promise<Registered> {
  const { ecs, reporter } = deps;
  const reuse = (arn: string, why: string): Registered => {
    reporter.info(`reusing ${arn}: ${why}`);
    reporter.event({ kind: 'registered', arn, reused: true });
    return { arn, reused: true, revision: revisionOf(arn) };
  };

  if (rendered.base?.unchanged) return reuse(rendered.base.arn, 'nothing was changed in the revision it started from');

  const seen = (td: TaskDefinition | undefined): void => {
    if (td?.taskDefinitionArn) opts.read?.set(td.taskDefinitionArn, td);
  };
  const latest = await ecs.latestTaskDefinition(rendered.family);
  seen(latest);
  if (latest?.taskDefinitionArn && sameTaskDefinition(latest, rendered.input)) {
    return reuse(latest.taskDefinitionArn, `it is the latest ACTIVE revision of ${rendered.family} and equals the rendered definition`);
  }
  for (const arn of new Set(opts.candidates ?? [])) {
    if (arn === latest?.taskDefinitionArn) continue;
    const { taskDefinition } = await ecs.describeTaskDefinition(arn);
    seen(taskDefinition);
    if (
      taskDefinition.family === rendered.family &&
      taskDefinition.status === 'ACTIVE' &&
      sameTaskDefinition(taskDefinition, rendered.input)
    ) {
      return reuse(arn, 'the service runs this revision now and it equals the rendered definition');
    }
  }

  const tags = mergeTags(rendered.input.tags, opts.tags);
  const registered = await ecs.registerTaskDefinition({ ...rendered.input, ...(tags.length > 0 ? { tags } : {}) });
  const arn = registered.taskDefinitionArn;
  if (!arn) throw new Error(`registering a revision of task definition family ${rendered.family}: the response has no taskDefinitionArn`);
  reporter.info(`registered ${arn}`);
  reporter.event({ kind: 'registered', arn, reused: false });
  return { arn, reused: false, revision: registered.revision ?? revisionOf(arn) };
}

/** Later tags win by key: the step's tags override the template's. */
function mergeTags(...lists: (Tag[] | undefined)[]): Tag[] {
  const byKey = new Map<string, Tag>();
  for (const list of lists) for (const tag of list ?? []) if (tag.key !== undefined) byKey.set(tag.key, tag);
  return [...byKey.values()];
}

function revisionOf(arn: string): number {
  const m = /:(\d+)$/.exec(arn);
  return m ? Number(m[1]) : 0;
}
