/**
 * The compat spec: every input and output of aws-actions/amazon-ecs-render-task-definition v1.9.0
 * and aws-actions/amazon-ecs-deploy-task-definition v2.6.3 (read from their action.yml and
 * index.js at those tags), and how ecs-rollout treats it. One source of truth: scripts/gen-spec.ts
 * writes the README's and docs/migration.md's migration tables from it (and `--check` fails when
 * they drift), and the step refuses the inputs marked unsupported from `refusals` below.
 */

export const OFFICIAL_VERSIONS = { render: 'v1.9.0', deploy: 'v2.6.3' } as const;
export type OfficialAction = keyof typeof OFFICIAL_VERSIONS;

export type Treatment =
  /** Same name, same meaning, same default. */
  | { kind: 'same'; note?: string }
  /** Accepted under the official name, with ecs-rollout inputs doing the work. */
  | { kind: 'mapped'; to: string[]; note: string }
  /** Same meaning, but ecs-rollout's default is deliberately different; `warning` is the line the step prints, when it prints one. */
  | { kind: 'different-default'; ours: string; note: string; warning?: string }
  /** Not (yet) supported: giving it fails the step with `error` before any AWS call. */
  | { kind: 'unsupported'; error: string; note: string };

export interface OfficialInput {
  action: OfficialAction;
  name: string;
  /** The official action's default, as its code applies it ('' when none). */
  officialDefault: string;
  treatment: Treatment;
}

export interface OfficialOutput {
  action: OfficialAction;
  name: string;
  treatment: Treatment;
}

/** The CodeDeploy inputs: same name, meaning and default; read only for a service on the CODE_DEPLOY controller (given for another service they fail the step before any change). */
const codedeploy = (name: string, officialDefault: string, note: string): OfficialInput => ({
  action: 'deploy',
  name,
  officialDefault,
  treatment: { kind: 'same', note }
});

export const OFFICIAL_INPUTS: readonly OfficialInput[] = [
  // amazon-ecs-render-task-definition v1.9.0
  {
    action: 'render',
    name: 'task-definition',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: 'A JSON file; YAML and `{{ placeholders }}` (from `vars`) work too. Go-template text such as `docker.{{.Name}}` is left as written.'
    }
  },
  {
    action: 'render',
    name: 'task-definition-arn',
    officialDefault: '',
    treatment: { kind: 'same', note: 'Starts from that revision. With no other render input it is deployed as it is (no new revision).' }
  },
  {
    action: 'render',
    name: 'task-definition-family',
    officialDefault: '',
    treatment: { kind: 'same', note: "Starts from the family's latest ACTIVE revision." }
  },
  {
    action: 'render',
    name: 'task-definition-revision',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: 'With `task-definition-family`: starts from that revision, not the latest. Alone, or with a file or ARN, it is an error (the official action fails alone, and ignores it beside a file or ARN).'
    }
  },
  {
    action: 'render',
    name: 'container-name',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: 'Comma-separated names (`web,worker`) give every named container the same `image` and the same per-container inputs, as the official action does since v1.8. For different images per container use `images`.'
    }
  },
  {
    action: 'render',
    name: 'image',
    officialDefault: '',
    treatment: { kind: 'same', note: 'Set on every container named by `container-name`.' }
  },
  {
    action: 'render',
    name: 'environment-variables',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: '`NAME=value` per line; replaces a variable of the same name, adds the others; `NAME=` sets "". A name given twice is an error.'
    }
  },
  { action: 'render', name: 'log-configuration-log-driver', officialDefault: '', treatment: { kind: 'same' } },
  {
    action: 'render',
    name: 'log-configuration-options',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: '`key=value` per line, merged into the existing options; a value keeps everything after the first `=` (the official action cuts it at a second `=`).'
    }
  },
  {
    action: 'render',
    name: 'docker-labels',
    officialDefault: '',
    treatment: { kind: 'same', note: 'Merged into the existing labels; a value keeps everything after the first `=`.' }
  },
  {
    action: 'render',
    name: 'command',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: 'Split like a shell, so quoted arguments stay together (the official action splits on every space); a JSON array of strings works too.'
    }
  },
  {
    action: 'render',
    name: 'task-role-arn',
    officialDefault: '',
    treatment: { kind: 'same', note: 'Sets `taskRoleArn`; must be an IAM role ARN, as in the official action.' }
  },
  {
    action: 'render',
    name: 'execution-role-arn',
    officialDefault: '',
    treatment: { kind: 'same', note: 'Sets `executionRoleArn`; must be an IAM role ARN.' }
  },
  {
    action: 'render',
    name: 'env-files',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: "One S3 object ARN per line; replaces the containers' `environmentFiles` (type `s3`). A line that is not an S3 object ARN is an error."
    }
  },
  {
    action: 'render',
    name: 'secrets',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: '`NAME=valueFrom` per line (Secrets Manager or SSM ARN); ECS fetches the values, they never pass through the step.'
    }
  },

  // amazon-ecs-deploy-task-definition v2.6.3
  {
    action: 'deploy',
    name: 'task-definition',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: 'The file to register (JSON or YAML, as the official action reads it); it may also be a template, rendered in the same step.'
    }
  },
  { action: 'deploy', name: 'desired-count', officialDefault: '', treatment: { kind: 'same', note: 'Never changed unless given.' } },
  {
    action: 'deploy',
    name: 'service',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: 'Without it the step registers only. A service on the CODE_DEPLOY controller is deployed through CodeDeploy (the `codedeploy-*` inputs), with the gates watched and a stop with rollback when one fails.'
    }
  },
  { action: 'deploy', name: 'cluster', officialDefault: 'default', treatment: { kind: 'same' } },
  {
    action: 'deploy',
    name: 'wait-for-service-stability',
    officialDefault: 'false',
    treatment: {
      kind: 'different-default',
      ours: 'true',
      note: 'ecs-rollout waits by default and reports the real outcome: a circuit-breaker rollback fails the step with `status: rolled-back` (as the official action does since v2.6.2, when it waits).',
      warning:
        'wait-for-service-stability is not set: waiting for the deployment and rolling it back if it fails (the official deploy action does not wait unless it is true); set it to true or false to silence this line'
    }
  },
  {
    action: 'deploy',
    name: 'wait-for-minutes',
    officialDefault: '30',
    treatment: {
      kind: 'same',
      note: 'Minutes, at most 360. When it runs out ecs-rollout rolls the deployment back (the official action only fails the step). `timeout` takes a duration instead.'
    }
  },
  {
    action: 'deploy',
    name: 'wait-max-delay-seconds',
    officialDefault: '600',
    treatment: {
      kind: 'mapped',
      to: ['max-poll-interval', 'poll-interval'],
      note: "The official waiter polls after 15 s, backing off up to this many seconds (unset: the SDK waiter's 600 s). ecs-rollout polls every `poll-interval` (5 s) while anything moves and backs off through still stretches up to `max-poll-interval` (15 s); this input is that longest wait when `max-poll-interval` is not given (at most 5 minutes), and caps `poll-interval` too. Values under 15 work here (the official waiter rejects them)."
    }
  },
  codedeploy(
    'codedeploy-appspec',
    'appspec.yaml',
    "JSON or YAML; every resource's `TaskDefinition` is replaced by the new revision and the AppSpec is sent as content (with its sha256). A path given that does not exist is an error. Differs: when the default `appspec.yaml` does not exist, the AppSpec is written from the service's load balancer (container and port) instead of failing."
  ),
  codedeploy(
    'codedeploy-application',
    'AppECS-{cluster}-{service}',
    'The CodeDeploy application; the default is the name the ECS console gives it.'
  ),
  codedeploy(
    'codedeploy-deployment-group',
    'DgpECS-{cluster}-{service}',
    "Its deployment group for this service; the group's target groups, listeners and waits are read before anything changes."
  ),
  codedeploy('codedeploy-deployment-description', '', 'Cut to 512 characters as the official action cuts it.'),
  codedeploy(
    'codedeploy-deployment-config',
    '',
    "An ECS configuration (e.g. `CodeDeployDefault.ECSCanary10Percent5Minutes`); unset: the deployment group's own."
  ),
  { action: 'deploy', name: 'force-new-deployment', officialDefault: 'false', treatment: { kind: 'same' } },
  {
    action: 'deploy',
    name: 'service-managed-ebs-volume-name',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: "With `service-managed-ebs-volume`: UpdateService's `volumeConfigurations`. Without it: a warning, nothing sent (as the official action does)."
    }
  },
  {
    action: 'deploy',
    name: 'service-managed-ebs-volume',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: 'JSON object (`roleArn` required; `sizeInGiB`, `volumeType`, `iops`, `throughput`, `encrypted`, `kmsKeyId`, `snapshotId`, `filesystemType`, `tagSpecifications`…). An unknown key, or one without the volume name, is an error (the official action drops it).'
    }
  },
  {
    action: 'deploy',
    name: 'run-task',
    officialDefault: 'false',
    treatment: {
      kind: 'same',
      note: 'With `service`, the task runs before the service is updated and a failed task leaves the service untouched; without one, the task of the registered revision runs on its own (FARGATE and the network as given, like the official action) and a non-zero exit fails the step.'
    }
  },
  {
    action: 'deploy',
    name: 'run-task-container-overrides',
    officialDefault: '[]',
    treatment: {
      kind: 'same',
      note: 'JSON array of container overrides, passed to RunTask. Not together with `run-task-container` / `run-task-command` / `run-task-environment`.'
    }
  },
  {
    action: 'deploy',
    name: 'run-task-security-groups',
    officialDefault: '',
    treatment: {
      kind: 'different-default',
      ours: "the service's",
      note: "Comma-separated. Unset: the service's security groups (the official action sends none)."
    }
  },
  {
    action: 'deploy',
    name: 'run-task-subnets',
    officialDefault: '',
    treatment: {
      kind: 'different-default',
      ours: "the service's",
      note: "Comma-separated. Unset: the service's subnets (the official action sends none, which an awsvpc task cannot run without)."
    }
  },
  {
    action: 'deploy',
    name: 'run-task-assign-public-IP',
    officialDefault: 'DISABLED',
    treatment: {
      kind: 'different-default',
      ours: "the service's",
      note: "Input names are case-insensitive, so `run-task-assign-public-ip` is the same input. Unset: the service's setting."
    }
  },
  {
    action: 'deploy',
    name: 'run-task-capacity-provider-strategy',
    officialDefault: '[]',
    treatment: {
      kind: 'same',
      note: 'JSON array of capacity provider strategy items; when given, no launch type is sent (a `run-task-launch-type` beside it is ignored with a warning, as the official action ignores it silently).'
    }
  },
  {
    action: 'deploy',
    name: 'run-task-launch-type',
    officialDefault: 'FARGATE',
    treatment: {
      kind: 'different-default',
      ours: "the service's",
      note: "Unset: the service's launch type or capacity provider strategy (the official action's default is FARGATE).",
      warning:
        "run-task-launch-type is not set: the task runs with the service's launch type or capacity providers (the official deploy action's default is FARGATE)"
    }
  },
  {
    action: 'deploy',
    name: 'run-task-started-by',
    officialDefault: 'GitHub-Actions',
    treatment: {
      kind: 'different-default',
      ours: 'ecs-rollout-migrate',
      note: 'Unset: `ecs-rollout-migrate`, so the tasks ecs-rollout starts are told apart.'
    }
  },
  {
    action: 'deploy',
    name: 'run-task-tags',
    officialDefault: '[]',
    treatment: { kind: 'same', note: 'JSON array of `{"key": …, "value": …}`, passed to RunTask.' }
  },
  {
    action: 'deploy',
    name: 'run-task-managed-ebs-volume-name',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: "With `run-task-managed-ebs-volume`: RunTask's `volumeConfigurations`. Without it: a warning, nothing sent."
    }
  },
  {
    action: 'deploy',
    name: 'run-task-managed-ebs-volume',
    officialDefault: '',
    treatment: { kind: 'same', note: 'JSON object, as `service-managed-ebs-volume` (plus `terminationPolicy`).' }
  },
  {
    action: 'deploy',
    name: 'wait-for-task-stopped',
    officialDefault: 'false',
    treatment: {
      kind: 'different-default',
      ours: 'true',
      note: 'ecs-rollout waits for the task and fails on a non-zero exit code unless this is `false`; with `false` it starts the task and goes on (the official default).',
      warning:
        'wait-for-task-stopped is not set: waiting for the one-off task and failing on a non-zero exit code before the service is updated (the official deploy action does not wait unless it is true); set it to true or false to silence this line'
    }
  },
  {
    action: 'deploy',
    name: 'enable-ecs-managed-tags',
    officialDefault: '',
    treatment: { kind: 'same', note: 'Passed to UpdateService and to RunTask, as in the official action.' }
  },
  {
    action: 'deploy',
    name: 'propagate-tags',
    officialDefault: '',
    treatment: { kind: 'same', note: '`SERVICE`, `TASK_DEFINITION` or `NONE`.' }
  },
  {
    action: 'deploy',
    name: 'keep-null-value-keys',
    officialDefault: '',
    treatment: {
      kind: 'same',
      note: 'Empty values (`""`, `[]`, `{}`, null) are removed before registering, as the official action does, except under these keys; an environment value `""` is always kept.'
    }
  },
  {
    action: 'deploy',
    name: 'max-retries',
    officialDefault: '3',
    treatment: {
      kind: 'different-default',
      ours: '8',
      note: "Attempts per AWS call (the SDK's maxAttempts, as in the official action). Unset: 8, with jittered back-off; access-denied and validation errors are never retried."
    }
  }
];

export const OFFICIAL_OUTPUTS: readonly OfficialOutput[] = [
  {
    action: 'render',
    name: 'task-definition',
    treatment: { kind: 'same', note: 'Path of the rendered file (`rendered-path` chooses it).' }
  },
  {
    action: 'deploy',
    name: 'task-definition-arn',
    treatment: { kind: 'same', note: 'The registered revision, or the identical one reused.' }
  },
  {
    action: 'deploy',
    name: 'codedeploy-deployment-id',
    treatment: {
      kind: 'same',
      note: 'The CodeDeploy deployment (`d-…`) of a CODE_DEPLOY service; `deployment-id` is the same id. Empty for other services.'
    }
  },
  {
    action: 'deploy',
    name: 'run-task-arn',
    treatment: { kind: 'same', note: 'A JSON array of the task ARN, as the official action writes it.' }
  }
];

/** Official inputs that fail the step when given: name → the error. */
export function refusedInputs(): ReadonlyMap<string, string> {
  return new Map(
    OFFICIAL_INPUTS.flatMap((i) => (i.treatment.kind === 'unsupported' ? [[i.name.toLowerCase(), i.treatment.error] as const] : []))
  );
}

/** The warning line printed for an input whose default differs, from this spec (so docs and log say the same). */
export function defaultWarning(name: string): string {
  const found = OFFICIAL_INPUTS.find((i) => i.name === name && i.treatment.kind === 'different-default');
  if (found?.treatment.kind !== 'different-default' || !found.treatment.warning)
    throw new Error(`no default warning for ${name} in the compat spec`);
  return found.treatment.warning;
}

/**
 * Whether a step reads as written for the official actions: every input it sets (other than
 * at action.yml's default) is one of theirs. Only such a step is told, in one line each, where
 * an ecs-rollout default differs; a step that uses ecs-rollout's own inputs chose ecs-rollout.
 */
export function writtenForOfficial(given: (name: string) => boolean, allInputs: readonly string[]): boolean {
  const official = new Set(OFFICIAL_INPUTS.map((i) => i.name.toLowerCase()));
  return allInputs.filter(given).every((name) => official.has(name.toLowerCase()));
}
