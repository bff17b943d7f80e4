/**
 * The command table: every `ecs-rollout` command, its flags and help. To add a command, add
 * one entry here whose `load` imports a module exporting `run(ctx): Promise<CommandResult>`
 * (see command.ts); parsing, `--help`, `help <command>`, `--json` and exit codes come with it.
 */
import { INPUTS } from '../generated/action-spec.js';
import type { CommandSpec, FlagSpec } from './command.js';

/** Inputs that say what to render: meaningless to a command that picks an existing revision. */
const RENDER_INPUTS = new Set([
  'task-definition',
  'task-definition-family',
  'task-definition-revision',
  'task-definition-arn',
  'vars',
  'secret-vars',
  'family',
  'container-name',
  'image',
  'images',
  'environment-variables',
  'secrets',
  'log-configuration-log-driver',
  'log-configuration-options',
  'docker-labels',
  'command',
  'env-files',
  'task-role-arn',
  'execution-role-arn',
  'keep-null-value-keys',
  'rendered-path',
  'register'
]);

/** The GitHub-only inputs (deployment statuses): the CLI has no workflow run to attach them to. */
const GITHUB_INPUTS = new Set(['environment', 'environment-url', 'github-token']);

/** Where a service or a blue/green pair is, and how patient the AWS calls are. */
const WHERE = [
  'cluster',
  'service',
  'blue-service',
  'green-service',
  'blue-target-group',
  'green-target-group',
  'listener-arn',
  'listener-rule-arn',
  'call-timeout',
  'max-retries'
] as const;

const DEPLOY_INPUTS = INPUTS.map((i) => i.name).filter(
  (n) => !RENDER_INPUTS.has(n) && !n.startsWith('run-task') && n !== 'wait-for-task-stopped' && !GITHUB_INPUTS.has(n)
);

const SUMMARY_FILE: FlagSpec = { name: 'summary-file', value: 'PATH', description: 'write the Markdown summary there' };
const STATE_FILE: FlagSpec = {
  name: 'state-file',
  value: 'PATH',
  description: 'where the deployment records what a rollback needs (default: a new file in .ecs-rollout/)'
};
const FAMILY: FlagSpec = {
  name: 'family',
  value: 'FAMILY',
  description: 'the task definition family (default: the family of the revision --service, or the blue/green services, run now)'
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'render',
    summary: 'render and validate the task definition, print it (no AWS call unless starting from a revision)',
    usage: ['ecs-rollout render --task-definition FILE [--vars KEY=VALUE …] [--json]'],
    inputs: 'all',
    flags: [],
    load: () => import('./builtin.js').then((m) => m.render)
  },
  {
    name: 'diff',
    summary: 'render, then show what changes against the revision the service runs now',
    usage: ['ecs-rollout diff --task-definition FILE [--vars …] --cluster CLUSTER --service SERVICE'],
    inputs: 'all',
    flags: [],
    load: () => import('./builtin.js').then((m) => m.diff)
  },
  {
    name: 'verify',
    summary: 'read-only pre-deploy checks: cluster and services, roles, ECR images, secrets and parameters, log groups',
    usage: ['ecs-rollout verify --task-definition FILE [--vars …] --cluster CLUSTER --service SERVICE [--json]'],
    details: [
      'Takes the same inputs as deploy, renders the task definition and looks up, without changing anything, every image in ECR ' +
        '(by tag or digest; images in other registries are "not checked"), every secrets[].valueFrom (Secrets Manager, with its ' +
        'json-key:version-stage:version-id suffix, or SSM Parameter Store), every awslogs log group (unless awslogs-create-group is "true"), ' +
        'the execution and task roles (and that ECS tasks may assume them), and the cluster and service(s). Every problem is listed with the field and the fix.',
      'Exits 0 when every check passed (some may be "not checked"), 1 when any check failed or could not be made, 2 for bad input.'
    ],
    inputs: 'all',
    flags: [],
    load: () => import('../commands/verify.js')
  },
  {
    name: 'register',
    summary: 'render, validate and register (reusing an identical latest revision)',
    usage: ['ecs-rollout register --task-definition FILE [--vars …]'],
    inputs: 'all',
    flags: [SUMMARY_FILE],
    load: () => import('./builtin.js').then((m) => m.register)
  },
  {
    name: 'deploy',
    summary: 'render, register and deploy (rolling or blue-green), with gates and rollback',
    usage: [
      'ecs-rollout deploy --task-definition FILE [--vars …] --cluster CLUSTER --service SERVICE',
      'ecs-rollout deploy --task-definition FILE --strategy blue-green --blue-service … --green-service … --blue-target-group … --green-target-group … --listener-arn …'
    ],
    details: ['Exits 0 only when the new revision serves 100 % and every gate passed; 1 when it failed or was rolled back.'],
    inputs: 'all',
    flags: [SUMMARY_FILE, STATE_FILE],
    load: () => import('./builtin.js').then((m) => m.deploy)
  },
  {
    name: 'rollback',
    summary: 'roll a service (or blue/green pair) back to its previous revision, or finish interrupted deploys',
    usage: [
      'ecs-rollout rollback --cluster CLUSTER --service SERVICE [--deregister]',
      'ecs-rollout rollback --cluster CLUSTER --blue-service … --green-service … --blue-target-group … --green-target-group … --listener-arn …',
      'ecs-rollout rollback [--state-file PATH]'
    ],
    details: [
      'With a service (or the blue/green inputs) it first finishes any deploy of that target left interrupted in .ecs-rollout/; ' +
        'if there is none, it rolls back on demand, deploying the previous revision with the same gates, verification and automatic rollback as `deploy`:',
      '  rolling: the previous revision is the newest revision of the same family, older than the one the service runs, that a successful ' +
        'deployment of this service put in place (ECS ListServiceDeployments) and that is still ACTIVE (ECS will not deploy a deregistered one); ' +
        'when that history has none, the newest ACTIVE revision of ' +
        'the family older than the current one (as ecspresso does). Run it again to go back one more.',
      '  blue/green: traffic goes back to the idle colour, which must still run an older, ACTIVE revision than the live one; it is scaled up, ' +
        'gated and shifted step by step like a deploy.',
      "With no target it finishes every deploy recorded in .ecs-rollout/ (or --state-file), what the action's post step does.",
      'To deploy a revision of your choice instead: ecs-rollout deploy --task-definition-arn FAMILY:REVISION --cluster … --service …'
    ],
    inputs: [...DEPLOY_INPUTS],
    flags: [
      { name: 'deregister', description: 'after a successful rollback, deregister the revision rolled back from' },
      SUMMARY_FILE,
      {
        name: 'state-file',
        value: 'PATH',
        description: 'finish the interrupted deploy recorded in this file (default: every one in .ecs-rollout/ for the target)'
      }
    ],
    load: () => import('../commands/rollback.js')
  },
  {
    name: 'status',
    summary: 'blue/green: which colour is live, the listener weights and target health',
    usage: [
      'ecs-rollout status --strategy blue-green --cluster CLUSTER --blue-service … --green-service … --blue-target-group … --green-target-group … --listener-arn …'
    ],
    inputs: ['strategy', ...WHERE],
    flags: [],
    load: () => import('./builtin.js').then((m) => m.status)
  },
  {
    name: 'revisions',
    summary: "list a family's revisions and which service or colour runs each",
    usage: ['ecs-rollout revisions --family FAMILY [--cluster CLUSTER …]', 'ecs-rollout revisions --cluster CLUSTER --service SERVICE'],
    details: [
      'Every service in each --cluster is looked at (repeat --cluster for more; the default cluster is "default"), so every use is shown. ' +
        '--service (or the blue/green services) picks the family they run, when --family is not given. ' +
        '"rollback target" marks a revision `ecs-rollout rollback` could go back to.'
    ],
    inputs: WHERE,
    flags: [FAMILY],
    load: () => import('../commands/revisions.js')
  },
  {
    name: 'deregister',
    summary: 'deregister old revisions of a family, keeping the newest N, every one in use and every rollback target',
    usage: [
      'ecs-rollout deregister --family FAMILY --keep N [--cluster CLUSTER …] [--dry-run]',
      'ecs-rollout deregister --cluster CLUSTER --service SERVICE --keep N'
    ],
    details: [
      'Never deregistered: the newest N ACTIVE revisions; a revision any deployment of any service in the --cluster(s) uses (a blue/green ' +
        'idle colour included, whatever its task count); and the revisions `ecs-rollout rollback` could go back to for each service running ' +
        'the family (ECS refuses to update a service to an INACTIVE revision). Repeat --cluster for every cluster that runs the family: ' +
        'services in other clusters are not seen. Deregistered revisions stay readable (INACTIVE); tasks running them keep running.'
    ],
    inputs: WHERE,
    flags: [
      FAMILY,
      { name: 'keep', value: 'N', description: 'how many of the newest ACTIVE revisions to keep whatever their use (0 or more)' },
      { name: 'dry-run', description: 'list what would be deregistered, change nothing' }
    ],
    load: () => import('../commands/deregister.js')
  }
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
