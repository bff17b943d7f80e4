// Generated from action.yml by scripts/gen-spec.ts: do not edit.
export interface InputSpec {
  name: string;
  description: string;
  default?: string;
}
export interface OutputSpec {
  name: string;
  description: string;
}
export const INPUTS: readonly InputSpec[] = [
  {
    "name": "task-definition",
    "description": "Path of the task definition template (JSON or YAML) to render. Placeholders {{ name }} come from `vars`, {{ env.NAME }} from the environment."
  },
  {
    "name": "task-definition-family",
    "description": "Start from the latest ACTIVE revision of this family instead of a file (or from task-definition-revision of it)."
  },
  {
    "name": "task-definition-revision",
    "description": "With task-definition-family: start from this revision of the family instead of the latest."
  },
  {
    "name": "task-definition-arn",
    "description": "Start from this registered revision instead of a file. With no other render input, that revision is deployed as it is, without registering a new one."
  },
  {
    "name": "vars",
    "description": "Template variables, one KEY=VALUE per line (the value may contain =). A multi-line value uses KEY<<EOF ... EOF."
  },
  {
    "name": "secret-vars",
    "description": "Names of `vars` whose values are secret: masked in every log, summary and output."
  },
  {
    "name": "family",
    "description": "Override the family of the rendered task definition."
  },
  {
    "name": "container-name",
    "description": "Name of the container whose image is set by `image` (as in amazon-ecs-render-task-definition); several, comma-separated (web,worker), each get the same image and per-container inputs."
  },
  {
    "name": "image",
    "description": "Image URI for the containers named by `container-name`."
  },
  {
    "name": "images",
    "description": "Images for several containers, one container=image per line."
  },
  {
    "name": "environment-variables",
    "description": "Environment variables for `container-name`, one NAME=value per line; NAME= sets an empty string."
  },
  {
    "name": "secrets",
    "description": "Secrets for `container-name`, one NAME=arn (Secrets Manager or SSM parameter) per line."
  },
  {
    "name": "log-configuration-log-driver",
    "description": "Log driver for `container-name` (e.g. awslogs)."
  },
  {
    "name": "log-configuration-options",
    "description": "Log driver options for `container-name`, one key=value per line."
  },
  {
    "name": "docker-labels",
    "description": "Docker labels for `container-name`, one key=value per line."
  },
  {
    "name": "command",
    "description": "Command for `container-name`, split like a shell (quoted arguments stay together)."
  },
  {
    "name": "env-files",
    "description": "Environment files for `container-name`, one S3 object ARN (arn:aws:s3:::bucket/key) per line; replaces its environmentFiles."
  },
  {
    "name": "task-role-arn",
    "description": "IAM role ARN the task assumes (sets taskRoleArn)."
  },
  {
    "name": "execution-role-arn",
    "description": "IAM role ARN of the task execution role (sets executionRoleArn)."
  },
  {
    "name": "keep-null-value-keys",
    "description": "Comma-separated keys whose empty values (\"\", [], {}, null) are kept; every other empty value is removed before registering, as the official deploy action does."
  },
  {
    "name": "rendered-path",
    "description": "Where to write the rendered task definition (default: a file in RUNNER_TEMP)."
  },
  {
    "name": "register",
    "description": "Register the rendered task definition (true unless set). With false the action only renders; a step that sets only the official render action's inputs renders only too, as that action does."
  },
  {
    "name": "strategy",
    "description": "rolling (one ECS service), blue-green (two services behind one listener) or ecs-native (ECS's own BLUE_GREEN, LINEAR or CANARY deployment of one service, gated at every stage). A rolling service configured for ECS's own blue/green, linear or canary deployments is deployed as ecs-native, with a notice.",
    "default": "rolling"
  },
  {
    "name": "cluster",
    "description": "ECS cluster name.",
    "default": "default"
  },
  {
    "name": "service",
    "description": "ECS service to deploy (rolling). With no service and no blue/green services, the action renders and registers only."
  },
  {
    "name": "desired-count",
    "description": "Desired task count. Never changed unless given."
  },
  {
    "name": "force-new-deployment",
    "description": "Start a new deployment even when the revision is unchanged.",
    "default": "false"
  },
  {
    "name": "propagate-tags",
    "description": "Propagate tags from SERVICE or TASK_DEFINITION to tasks."
  },
  {
    "name": "enable-ecs-managed-tags",
    "description": "Turn on ECS managed tags for the tasks."
  },
  {
    "name": "enable-execute-command",
    "description": "Turn on ECS Exec for the service."
  },
  {
    "name": "health-check-grace-period",
    "description": "Seconds ECS ignores load balancer health checks after a task starts."
  },
  {
    "name": "service-managed-ebs-volume-name",
    "description": "Rolling: the task definition volume (configuredAtLaunch) that service-managed-ebs-volume configures."
  },
  {
    "name": "service-managed-ebs-volume",
    "description": "Rolling: the managed EBS volume for service-managed-ebs-volume-name, a JSON object (roleArn required; sizeInGiB, volumeType, iops, throughput, encrypted, kmsKeyId, snapshotId, filesystemType, tagSpecifications)."
  },
  {
    "name": "circuit-breaker",
    "description": "Turn on the ECS deployment circuit breaker with rollback (rolling).",
    "default": "true"
  },
  {
    "name": "wait-for-service-stability",
    "description": "Wait for the deployment to finish and report its verdict (default: true; the official deploy action's default is false, so leaving it unset prints one warning line)."
  },
  {
    "name": "wait-for-minutes",
    "description": "How long to wait for the deployment before rolling back (minutes).",
    "default": "30"
  },
  {
    "name": "timeout",
    "description": "Same as wait-for-minutes as a duration (500ms, 90s, 5m); wins when given."
  },
  {
    "name": "poll-interval",
    "description": "How often to poll ECS, ELB and CloudWatch (a duration).",
    "default": "5s"
  },
  {
    "name": "max-poll-interval",
    "description": "The longest wait between polls while nothing moves (tasks that take minutes to start, a bake watched by the service gate alone): polling slows down step by step from poll-interval to this and returns to poll-interval as soon as anything changes. It stays at poll-interval while ECS may finish at any moment, and while alarm, metric or target-health gates are watched, so verdicts and failing gates are still seen within one poll-interval; a bake or the timeout is never overshot. Equal to poll-interval: no back-off.",
    "default": "15s"
  },
  {
    "name": "wait-max-delay-seconds",
    "description": "The official deploy action's longest wait between polls, in seconds: max-poll-interval when that is not given (and caps poll-interval)."
  },
  {
    "name": "call-timeout",
    "description": "Deadline of one AWS call, its retries included (a duration). A call that does not answer in time is abandoned: a read is retried at the next poll, and the deployment's own timeout and cancellation always win.",
    "default": "30s"
  },
  {
    "name": "max-retries",
    "description": "Attempts per AWS call, the first included, as in the official deploy action (default: 8, with jittered back-off; access-denied and validation errors are never retried)."
  },
  {
    "name": "lock",
    "description": "Hold a deployment lock in DynamoDB while deploying, so that only one run at a time deploys a service, a blue/green pair or a listener (across workflows, runners and the CLI). false deploys without it.",
    "default": "true"
  },
  {
    "name": "lock-table",
    "description": "The DynamoDB table that holds the deployment locks (partition key LockKey, string). Created on first use (on-demand billing) when missing.",
    "default": "ecs-rollout-locks"
  },
  {
    "name": "lock-timeout",
    "description": "How long to wait for another run's deployment lock before failing with nothing changed (a duration; 0 fails at once). Default: the deployment timeout."
  },
  {
    "name": "bake-time",
    "description": "Rolling: how long to keep watching the gates after the service is stable before declaring success.",
    "default": "0"
  },
  {
    "name": "log-lines",
    "description": "When a deployment fails: the last lines each failed container of the new revision wrote through the awslogs driver, read from CloudWatch Logs (masked, with a link to the log stream) into the log and the summary. 0 reads no logs (and needs no logs:GetLogEvents permission).",
    "default": "20"
  },
  {
    "name": "run-task",
    "description": "Run a one-off task of the new revision (e.g. migrations) before updating the service; a non-zero exit code fails the step and leaves the service untouched.",
    "default": "false"
  },
  {
    "name": "run-task-container",
    "description": "Container of the one-off task to override (default: the first essential container)."
  },
  {
    "name": "run-task-command",
    "description": "Command override for the one-off task, split like a shell."
  },
  {
    "name": "run-task-environment",
    "description": "Environment overrides for the one-off task, one NAME=value per line."
  },
  {
    "name": "run-task-launch-type",
    "description": "Launch type of the one-off task (default: as the service)."
  },
  {
    "name": "run-task-subnets",
    "description": "Subnets of the one-off task (default: as the service)."
  },
  {
    "name": "run-task-security-groups",
    "description": "Security groups of the one-off task (default: as the service)."
  },
  {
    "name": "run-task-assign-public-ip",
    "description": "ENABLED or DISABLED for the one-off task (default: as the service)."
  },
  {
    "name": "run-task-started-by",
    "description": "startedBy of the one-off task (default: ecs-rollout-migrate)."
  },
  {
    "name": "run-task-container-overrides",
    "description": "Container overrides of the one-off task, a JSON array as RunTask takes it (the official action's form; instead of run-task-container, -command and -environment)."
  },
  {
    "name": "run-task-capacity-provider-strategy",
    "description": "Capacity provider strategy of the one-off task, a JSON array (then no launch type is sent)."
  },
  {
    "name": "run-task-tags",
    "description": "Tags of the one-off task, a JSON array of {\"key\": …, \"value\": …}."
  },
  {
    "name": "run-task-managed-ebs-volume-name",
    "description": "The task definition volume (configuredAtLaunch) that run-task-managed-ebs-volume configures for the one-off task."
  },
  {
    "name": "run-task-managed-ebs-volume",
    "description": "The managed EBS volume of the one-off task, a JSON object (roleArn required), as service-managed-ebs-volume plus terminationPolicy."
  },
  {
    "name": "wait-for-task-stopped",
    "description": "Wait for the one-off task to stop and fail on a non-zero exit code (default: true; false starts it and goes on, the official deploy action's default)."
  },
  {
    "name": "blue-service",
    "description": "Blue/green: the blue ECS service."
  },
  {
    "name": "green-service",
    "description": "Blue/green: the green ECS service."
  },
  {
    "name": "blue-target-group",
    "description": "Blue/green: ARN of the blue service's target group."
  },
  {
    "name": "green-target-group",
    "description": "Blue/green: ARN of the green service's target group."
  },
  {
    "name": "listener-arn",
    "description": "Blue/green: the listener whose default action forwards to both target groups."
  },
  {
    "name": "listener-rule-arn",
    "description": "Blue/green: the listener rule that forwards to both target groups (instead of listener-arn)."
  },
  {
    "name": "traffic-steps",
    "description": "Blue/green: percentages of traffic for the new colour, e.g. 10,50,100, or a preset: all-at-once, canary-10, linear-20.",
    "default": "10,50,100"
  },
  {
    "name": "step-bake",
    "description": "Blue/green: time the gates are watched after each traffic step.",
    "default": "30s"
  },
  {
    "name": "final-bake",
    "description": "Blue/green: time the gates are watched at 100 % before the old colour is retired.",
    "default": "60s"
  },
  {
    "name": "termination-wait",
    "description": "Blue/green: wait after the final bake before the old colour is scaled down.",
    "default": "30s"
  },
  {
    "name": "on-interrupted",
    "description": "Blue/green: what to do when the listener is not at 100/0 (an earlier deployment was interrupted): fail, rollback or resume.",
    "default": "fail"
  },
  {
    "name": "idle-desired-count",
    "description": "Blue/green: desired count of the old colour after promotion (0 scales it down).",
    "default": "0"
  },
  {
    "name": "smoke-test-url",
    "description": "Blue/green: URL that must answer 2xx before any production traffic moves (e.g. a test listener)."
  },
  {
    "name": "smoke-test-timeout",
    "description": "Blue/green: how long the smoke test may take.",
    "default": "10s"
  },
  {
    "name": "ecs-strategy",
    "description": "ECS-native: the deployment strategy ECS runs for this deployment, BLUE_GREEN, LINEAR, CANARY or ROLLING (default: the one the service has configured). BLUE_GREEN, LINEAR and CANARY need the service's load balancer advancedConfiguration."
  },
  {
    "name": "ecs-bake-time",
    "description": "ECS-native: how long ECS keeps both revisions after production traffic moved (bakeTimeInMinutes), in whole minutes, e.g. 5m (default: the service's)."
  },
  {
    "name": "linear-step-percent",
    "description": "ECS-native LINEAR: percent of production traffic per step, 3 to 100 in tenths (default: the service's, else ECS's 10)."
  },
  {
    "name": "linear-step-bake",
    "description": "ECS-native LINEAR: wait between steps, in whole minutes, e.g. 2m (default: the service's, else ECS's 6m)."
  },
  {
    "name": "canary-percent",
    "description": "ECS-native CANARY: percent of production traffic for the canary, 0.1 to 100 in tenths (default: the service's, else ECS's 5)."
  },
  {
    "name": "canary-bake",
    "description": "ECS-native CANARY: wait at the canary percentage before the rest moves, in whole minutes, e.g. 10m (default: the service's, else ECS's 10m)."
  },
  {
    "name": "codedeploy-appspec",
    "description": "CodeDeploy (a service on the CODE_DEPLOY deployment controller): path of the AppSpec file, JSON or YAML; its TaskDefinition is replaced by the new revision. Default appspec.yaml; when that file does not exist, ecs-rollout writes the AppSpec from the service's load balancer (container name and port)."
  },
  {
    "name": "codedeploy-application",
    "description": "CodeDeploy: the application (default AppECS-{cluster}-{service}, as the console names it)."
  },
  {
    "name": "codedeploy-deployment-group",
    "description": "CodeDeploy: the deployment group (default DgpECS-{cluster}-{service})."
  },
  {
    "name": "codedeploy-deployment-description",
    "description": "CodeDeploy: a description of the deployment (truncated to 512 characters)."
  },
  {
    "name": "codedeploy-deployment-config",
    "description": "CodeDeploy: the deployment configuration, e.g. CodeDeployDefault.ECSCanary10Percent5Minutes (default: the deployment group's)."
  },
  {
    "name": "alarms",
    "description": "Names of existing CloudWatch alarms (metric or composite) to watch; ALARM rolls the deployment back."
  },
  {
    "name": "cpu-alarm-threshold",
    "description": "Create a temporary CPUUtilization alarm (percent) on the service running the new revision."
  },
  {
    "name": "memory-alarm-threshold",
    "description": "Create a temporary MemoryUtilization alarm (percent) on the service running the new revision."
  },
  {
    "name": "alarm-period",
    "description": "Period of the temporary alarms in seconds (10, 30 or a multiple of 60).",
    "default": "60"
  },
  {
    "name": "alarm-evaluation-periods",
    "description": "Evaluation periods of the temporary alarms.",
    "default": "1"
  },
  {
    "name": "alarm-datapoints",
    "description": "Datapoints to alarm of the temporary alarms (default: the evaluation periods)."
  },
  {
    "name": "alarm-mode",
    "description": "transitions: an alarm already in ALARM at the start only fails the deployment if it fires again after the start (hotfixes deploy); strict: any ALARM fails.",
    "default": "transitions"
  },
  {
    "name": "ecs-alarm-rollback",
    "description": "Rolling: also hand the named alarms to ECS (deploymentConfiguration.alarms) so ECS rolls back when this step is not running.",
    "default": "false"
  },
  {
    "name": "inconclusive-limit",
    "description": "How many consecutive inconclusive gate checks (e.g. INSUFFICIENT_DATA) to hold before deciding by on-inconclusive.",
    "default": "10"
  },
  {
    "name": "on-inconclusive",
    "description": "fail or pass when a gate stays inconclusive past inconclusive-limit.",
    "default": "fail"
  },
  {
    "name": "max-error-rate",
    "description": "Built-in traffic gate, no alarm to create: the largest share of the new revision's requests answered 5xx (by its targets, and by the ELB where CloudWatch has that per target group), from its target group's AWS/ApplicationELB metrics over the last 2 minutes, e.g. 1%. With compare-to-baseline, the most it may be worse than the baseline, in percentage points."
  },
  {
    "name": "max-response-time",
    "description": "Built-in traffic gate: the slowest the new revision's target group may answer (TargetResponseTime), a statistic and a duration, e.g. \"p99 800ms\" or \"avg 300ms\". With compare-to-baseline, the most it may be slower than the baseline."
  },
  {
    "name": "compare-to-baseline",
    "description": "Judge max-error-rate and max-response-time against a baseline: the live colour over the same minutes (blue/green), the target group production leaves (ecs-native), or the same target group before the deployment (rolling). A release no worse than what serves now passes during an incident that hurts both; a worse one fails.",
    "default": "false"
  },
  {
    "name": "min-requests",
    "description": "Fewest requests in the evaluated window for the metric gates to judge; fewer is inconclusive (held), never a pass.",
    "default": "50"
  },
  {
    "name": "release",
    "description": "Path of a release file (YAML): several services deployed as one unit, in dependency waves, all rolled back when one fails (see docs/release.md). Its keys are these inputs; the service inputs of this step are then not used."
  },
  {
    "name": "environment",
    "description": "Create a GitHub deployment for this environment and move its status with the rollout."
  },
  {
    "name": "environment-url",
    "description": "URL of the environment shown on the GitHub deployment."
  },
  {
    "name": "github-token",
    "description": "Token for GitHub deployment statuses (needs deployments: write)."
  }
];
export const OUTPUTS: readonly OutputSpec[] = [
  {
    "name": "task-definition",
    "description": "Path of the rendered task definition file."
  },
  {
    "name": "task-definition-arn",
    "description": "ARN of the registered (or reused) revision."
  },
  {
    "name": "task-definition-reused",
    "description": "true when an identical ACTIVE revision was reused instead of registering a new one."
  },
  {
    "name": "previous-task-definition-arn",
    "description": "Revision the service ran before the deployment."
  },
  {
    "name": "deployment-id",
    "description": "The deployment of the new revision: the ECS deployment id (rolling, blue-green), or the service deployment ARN (ecs-native)."
  },
  {
    "name": "status",
    "description": "succeeded, rolled-back or failed."
  },
  {
    "name": "rolled-back",
    "description": "true when the deployment was rolled back."
  },
  {
    "name": "reason",
    "description": "Why the deployment ended as it did. For a failure, one sentence of at most 160 characters: the verdict, the root cause (failed health checks with their HTTP codes, a container exit or OOM kill, an image or secret that could not be fetched, no capacity, a timeout, an alarm, a metric gate, cancellation, the deployment lock) and where traffic is now, e.g. \"Rolled back: web:5 failed its ELB health checks (HTTP 500) — 100 % stays on web-green (web:4)\". The whole reason is in the log and the job summary."
  },
  {
    "name": "live-service",
    "description": "Blue/green: the service serving 100 % of traffic at the end."
  },
  {
    "name": "previous-service",
    "description": "Blue/green: the service that was live before."
  },
  {
    "name": "traffic",
    "description": "Blue/green and ecs-native: final production weights by target group, e.g. web-blue=0,web-green=100."
  },
  {
    "name": "steps-completed",
    "description": "Blue/green and ecs-native: how many production traffic shifts were completed."
  },
  {
    "name": "run-task-arn",
    "description": "The one-off task started by run-task, as a JSON array of its ARN (as the official deploy action writes it)."
  },
  {
    "name": "codedeploy-deployment-id",
    "description": "The CodeDeploy deployment id (a service on the CODE_DEPLOY deployment controller)."
  },
  {
    "name": "services",
    "description": "Release: a JSON object, service → its outputs (status, reason, rolled-back, task-definition-arn, previous-task-definition-arn, …)."
  }
];
