export const id = 376;
export const ids = [376];
export const modules = {

/***/ 2376:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 18 modules
var core = __webpack_require__(6257);
;// CONCATENATED MODULE: ./src/generated/action-spec.ts
const INPUTS = [
    {
        "name": "task-definition",
        "description": "Path of the task definition template (JSON or YAML) to render. Placeholders {{ name }} come from `vars`, {{ env.NAME }} from the environment."
    },
    {
        "name": "task-definition-family",
        "description": "Start from the latest ACTIVE revision of this family instead of a file."
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
        "description": "Name of the container whose image is set by `image` (as in amazon-ecs-render-task-definition)."
    },
    {
        "name": "image",
        "description": "Image URI for the container named by `container-name`."
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
        "name": "rendered-path",
        "description": "Where to write the rendered task definition (default: a file in RUNNER_TEMP)."
    },
    {
        "name": "register",
        "description": "Register the rendered task definition. With false, the action only renders.",
        "default": "true"
    },
    {
        "name": "strategy",
        "description": "rolling (one ECS service) or blue-green (two services behind one listener).",
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
        "name": "circuit-breaker",
        "description": "Turn on the ECS deployment circuit breaker with rollback (rolling).",
        "default": "true"
    },
    {
        "name": "wait-for-service-stability",
        "description": "Wait for the deployment to finish and report its verdict.",
        "default": "true"
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
        "name": "bake-time",
        "description": "Rolling: how long to keep watching the gates after the service is stable before declaring success.",
        "default": "0"
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
        "description": "startedBy of the one-off task."
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
const OUTPUTS = [
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
        "description": "ECS deployment id of the new revision."
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
        "description": "Why the deployment ended as it did."
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
        "description": "Blue/green: final weights, e.g. web-blue=0,web-green=100."
    },
    {
        "name": "steps-completed",
        "description": "Blue/green: how many traffic steps were completed."
    }
];

;// CONCATENATED MODULE: ./src/action/input-source.ts


const DEFAULTS = new Map(INPUTS.filter((i) => i.default !== undefined).map((i) => [i.name, i.default]));
/** INPUT_* as the runner sets them; action.yml's defaults when the runner did not (e.g. a local run). */
const actionInputSource = {
    get(name) {
        const value = core/* getInput */.V4(name, { trimWhitespace: false });
        return value !== '' ? value : (DEFAULTS.get(name) ?? '');
    },
    label: (name) => `input \`${name}\``
};

// EXTERNAL MODULE: ./src/action/reporter.ts + 2 modules
var action_reporter = __webpack_require__(5275);
// EXTERNAL MODULE: ./src/action/state.ts
var state = __webpack_require__(3175);
// EXTERNAL MODULE: ./src/errors.ts
var src_errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/action/undici-lazy.js
var undici_lazy = __webpack_require__(1768);
;// CONCATENATED MODULE: ./src/action/deployments.ts


/** GitHub's limit for a deployment status description. */
const MAX_DESCRIPTION = 140;
/** A GitHub API call should never hold up a deployment for long. */
const CALL_TIMEOUT_MS = 15_000;
/**
 * Reads the run's repository, commit, ref and URL from the runner's variables; undefined
 * outside a runner (no GITHUB_REPOSITORY or GITHUB_SHA).
 */
function runContextFromEnv(env) {
    const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
    const sha = env['GITHUB_SHA'];
    if (!owner || !repo || !sha)
        return undefined;
    // Branches and tags read better on the deployment; a pull request's merge ref is
    // not something to deploy from, so the commit stands in for it.
    const gitRef = env['GITHUB_REF'] ?? '';
    const ref = /^refs\/(heads|tags)\//.test(gitRef) ? gitRef.replace(/^refs\/(heads|tags)\//, '') : sha;
    const server = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
    const runId = env['GITHUB_RUN_ID'];
    return { repo: { owner, repo }, sha, ref, ...(runId ? { runUrl: `${server}/${owner}/${repo}/actions/runs/${runId}` } : {}) };
}
function truncateDescription(text) {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length <= MAX_DESCRIPTION ? flat : `${flat.slice(0, MAX_DESCRIPTION - 1)}…`;
}
function isProductionEnvironment(name) {
    return /^(production|prod)$/i.test(name.trim());
}
const PERMISSION_HINT = 'give the job `permissions: deployments: write` (or remove the `environment` input)';
/** 401/403/404 all mean this token may not write deployments here; retrying cannot help. */
function isPermissionError(error) {
    const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
    return status === 401 || status === 403 || status === 404;
}
function statusText(error) {
    const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
    return `${typeof status === 'number' ? `${status} ` : ''}${(0,src_errors/* errorMessage */.gJ)(error)}`;
}
/**
 * Every call goes through one gate: after a permission error the rest are skipped (one
 * warning, not one per status), and any other failure is a warning too.
 */
class Gate {
    environment;
    log;
    denied = false;
    constructor(environment, log) {
        this.environment = environment;
        this.log = log;
    }
    async call(what, fn) {
        if (this.denied)
            return undefined;
        try {
            return await fn(AbortSignal.timeout(CALL_TIMEOUT_MS));
        }
        catch (error) {
            if (isPermissionError(error)) {
                this.denied = true;
                this.log.warning(`GitHub deployment for environment \`${this.environment}\` skipped: ${what} was refused (${statusText(error)}); the token lacks the \`deployments: write\` permission: ${PERMISSION_HINT}`);
            }
            else {
                this.log.warning(`GitHub deployment for environment \`${this.environment}\`: ${what} failed: ${statusText(error)}`);
            }
            return undefined;
        }
    }
}
/** A created GitHub deployment; `finish` sets its final status. */
class GithubDeployment {
    client;
    gate;
    id;
    opts;
    constructor(client, gate, id, opts) {
        this.client = client;
        this.gate = gate;
        this.id = id;
        this.opts = opts;
    }
    /**
     * success makes GitHub mark the environment's previous deployments inactive; a failure
     * (rolled back or failed) must not, because the previous release is still what runs.
     */
    async finish(status, description) {
        const ok = status === 'succeeded';
        await this.gate.call(`setting the deployment status to ${ok ? 'success' : 'failure'}`, (signal) => this.client.rest.repos.createDeploymentStatus({
            ...this.opts.repo,
            deployment_id: this.id,
            state: ok ? 'success' : 'failure',
            description: truncateDescription(description),
            auto_inactive: ok,
            ...(this.opts.runUrl ? { log_url: this.opts.runUrl } : {}),
            ...(ok && this.opts.environmentUrl ? { environment_url: this.opts.environmentUrl } : {}),
            request: { signal }
        }));
    }
}
/**
 * Creates a deployment for the commit and marks it in_progress. Undefined (after a warning)
 * when there is no token, the token may not write deployments, or GitHub did not create it.
 */
async function startDeployment(opts) {
    if (!opts.token) {
        opts.log.warning(`GitHub deployment for environment \`${opts.environment}\` skipped: no \`github-token\`; pass the workflow's token with the \`deployments: write\` permission`);
        return undefined;
    }
    await (0,undici_lazy.loadUndici)();
    const { getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
    const client = getOctokit(opts.token);
    const gate = new Gate(opts.environment, opts.log);
    const created = await gate.call('creating the deployment', (signal) => client.rest.repos.createDeployment({
        ...opts.repo,
        ref: opts.sha,
        // Without an empty list GitHub refuses to deploy a commit whose checks are pending,
        // which is every commit of the run that is deploying it.
        required_contexts: [],
        auto_merge: false,
        environment: opts.environment,
        transient_environment: false,
        production_environment: isProductionEnvironment(opts.environment),
        description: truncateDescription(opts.description ?? `ecs-rollout ${opts.sha.slice(0, 7)}`),
        payload: { ref: opts.ref, sha: opts.sha },
        request: { signal }
    }));
    // 202 (a merge GitHub wanted to make first) has no id: nothing to track.
    const id = created && 'id' in created.data ? created.data.id : undefined;
    if (created && id === undefined) {
        opts.log.warning(`GitHub deployment for environment \`${opts.environment}\` not created: ${JSON.stringify(created.data)}`);
    }
    if (id === undefined)
        return undefined;
    await gate.call('setting the deployment status to in_progress', (signal) => client.rest.repos.createDeploymentStatus({
        ...opts.repo,
        deployment_id: id,
        state: 'in_progress',
        description: truncateDescription(opts.description ?? 'Deploying'),
        ...(opts.runUrl ? { log_url: opts.runUrl } : {}),
        ...(opts.environmentUrl ? { environment_url: opts.environmentUrl } : {}),
        request: { signal }
    }));
    return new GithubDeployment(client, gate, id, opts);
}

// EXTERNAL MODULE: ./src/aws/clients.ts
var clients = __webpack_require__(201);
;// CONCATENATED MODULE: ./src/cancel.ts
/**
 * One cancellation signal for the whole run. A cancelled workflow sends SIGINT, then
 * SIGTERM a few seconds later, then kills: the first signal aborts every wait so the
 * rollback starts at once; later signals are ignored so the rollback can finish.
 */
function cancellationOnSignals(onSignal) {
    const controller = new AbortController();
    const handler = (signal) => {
        if (!controller.signal.aborted) {
            onSignal?.(signal);
            controller.abort(new Error(`cancelled (${signal})`));
        }
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return controller;
}

// EXTERNAL MODULE: ./src/duration.ts
var duration = __webpack_require__(7607);
;// CONCATENATED MODULE: ./src/inputs.ts


/** Typed readers over an InputSource: every input is validated once, here, before anything else happens. */
class Inputs {
    source;
    constructor(source) {
        this.source = source;
    }
    label(name) {
        return this.source.label(name);
    }
    string(name) {
        const v = this.source.get(name).trim();
        return v === '' ? undefined : v;
    }
    required(name) {
        const v = this.string(name);
        if (v === undefined)
            throw new src_errors/* InputError */.dz(`${this.label(name)} is required`, {}, `set ${this.label(name)}`);
        return v;
    }
    /** The raw text, untrimmed: for multi-line values whose whitespace matters. */
    raw(name) {
        return this.source.get(name);
    }
    bool(name, fallback) {
        const v = this.string(name)?.toLowerCase();
        if (v === undefined)
            return fallback;
        if (['true', 'yes', '1', 'on'].includes(v))
            return true;
        if (['false', 'no', '0', 'off'].includes(v))
            return false;
        throw new src_errors/* InputError */.dz(`${this.label(name)} is "${v}", not a boolean`, {}, 'use true or false');
    }
    int(name, opts = {}) {
        const v = this.string(name);
        if (v === undefined)
            return undefined;
        const n = Number(v);
        const { min = -Infinity, max = Infinity } = opts;
        if (!Number.isInteger(n) || n < min || n > max) {
            const range = [Number.isFinite(min) ? `≥ ${min}` : '', Number.isFinite(max) ? `≤ ${max}` : '']
                .filter(Boolean)
                .join(' and ');
            throw new src_errors/* InputError */.dz(`${this.label(name)} is "${v}"`, {}, `use a whole number${range ? ` ${range}` : ''}`);
        }
        return n;
    }
    number(name, opts = {}) {
        const v = this.string(name);
        if (v === undefined)
            return undefined;
        const n = Number(v);
        const { min = -Infinity, max = Infinity } = opts;
        if (!Number.isFinite(n) || n < min || n > max) {
            throw new src_errors/* InputError */.dz(`${this.label(name)} is "${v}"`, {}, `use a number between ${min} and ${max}`);
        }
        return n;
    }
    /** Milliseconds; accepts 500ms, 90s, 5m or plain seconds. */
    duration(name, fallback) {
        return (0,duration/* parseDuration */.E)(this.string(name) ?? fallback, this.label(name));
    }
    oneOf(name, allowed, fallback) {
        const v = this.string(name);
        if (v === undefined)
            return fallback;
        if (allowed.includes(v))
            return v;
        throw new src_errors/* InputError */.dz(`${this.label(name)} is "${v}"`, {}, `use one of: ${allowed.join(', ')}`);
    }
    /** Non-empty lines, or comma-separated items on one line. */
    list(name) {
        return this.raw(name)
            .split(/[\n,]/)
            .map((s) => s.trim())
            .filter((s) => s !== '');
    }
    /**
     * `KEY=VALUE` lines. The value is everything after the first `=`, so it may contain `=`.
     * A multi-line value uses the heredoc form GitHub uses for GITHUB_OUTPUT:
     *   KEY<<EOF
     *   line one
     *   line two
     *   EOF
     */
    keyValues(name) {
        return parseKeyValueLines(this.raw(name), this.label(name));
    }
}
function parseKeyValueLines(text, label) {
    const out = new Map();
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (line.trim() === '' || line.trimStart().startsWith('#'))
            continue;
        const heredoc = /^\s*([A-Za-z_][\w.-]*)<<(\S+)\s*$/.exec(line);
        if (heredoc) {
            const [, key, marker] = heredoc;
            const body = [];
            let j = i + 1;
            while (j < lines.length && lines[j].trim() !== marker)
                body.push(lines[j++]);
            if (j >= lines.length) {
                throw new src_errors/* InputError */.dz(`${label} line ${i + 1}: "${key}<<${marker}" is never closed`, {}, `end the value with a line "${marker}"`);
            }
            out.set(key, body.join('\n'));
            i = j;
            continue;
        }
        const eq = line.indexOf('=');
        if (eq <= 0) {
            throw new src_errors/* InputError */.dz(`${label} line ${i + 1} is "${line.trim()}", not KEY=VALUE`, {}, 'write one KEY=VALUE per line');
        }
        const key = line.slice(0, eq).trim();
        if (!/^[A-Za-z_][\w.-]*$/.test(key)) {
            throw new src_errors/* InputError */.dz(`${label} line ${i + 1}: "${key}" is not a valid name`, {}, 'names use letters, digits, _ . and -');
        }
        out.set(key, line.slice(eq + 1));
    }
    return out;
}

;// CONCATENATED MODULE: ./src/render/json.ts
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** `containerDefinitions[1].portMappings[0].containerPort`: the form every message uses. */
function formatPath(path) {
    let out = '';
    for (const seg of path) {
        if (typeof seg === 'number')
            out += `[${seg}]`;
        else
            out += out === '' ? seg : `.${seg}`;
    }
    return out;
}
/** A deep copy through JSON: drops undefined, turns Dates into strings (read-only fields are stripped anyway). */
function toJson(value) {
    return JSON.parse(JSON.stringify(value ?? null));
}

;// CONCATENATED MODULE: ./src/render/units.ts
/**
 * Task-level cpu and memory: the API takes strings, either units ("1024", MiB) or the
 * forms the console writes ("1 vCPU", "0.5 vcpu", "2 GB", "512 MiB"). ECS returns plain
 * numbers as strings after registering, so comparisons go through these.
 */
function cpuUnits(value) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpus?)?\s*$/i.exec(value);
    if (!m)
        return undefined;
    const n = Number(m[1]) * (m[2] ? 1024 : 1);
    return Number.isInteger(n) ? n : undefined;
}
function memoryMiB(value) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(gb|gib|mb|mib)?\s*$/i.exec(value);
    if (!m)
        return undefined;
    const n = Number(m[1]) * (m[2] && m[2].toLowerCase().startsWith('g') ? 1024 : 1);
    return Number.isInteger(n) ? n : undefined;
}
/** Fargate's task sizes (AWS docs, "Task CPU and memory"): memory in MiB allowed for each CPU value. */
const FARGATE = [
    { cpu: 256, memory: [512, 1024, 2048] },
    { cpu: 512, memory: range(1024, 4096, 1024) },
    { cpu: 1024, memory: range(2048, 8192, 1024) },
    { cpu: 2048, memory: range(4096, 16384, 1024) },
    { cpu: 4096, memory: range(8192, 30720, 1024) },
    { cpu: 8192, memory: range(16384, 61440, 4096) },
    { cpu: 16384, memory: range(32768, 122880, 8192) }
];
function range(from, to, step) {
    const out = [];
    for (let v = from; v <= to; v += step)
        out.push(v);
    return out;
}
function checkFargateSize(cpu, memory) {
    const row = FARGATE.find((r) => r.cpu === cpu);
    if (!row)
        return { ok: false, problem: 'cpu', fix: `use one of ${FARGATE.map((r) => r.cpu).join(', ')} (1024 = 1 vCPU)` };
    if (!row.memory.includes(memory)) {
        const lo = row.memory[0];
        const hi = row.memory[row.memory.length - 1];
        const step = row.memory.length > 1 ? row.memory[1] - lo : 0;
        return {
            ok: false,
            problem: 'memory',
            fix: row.memory.length <= 3
                ? `with cpu ${cpu} use memory ${row.memory.join(', ')}`
                : `with cpu ${cpu} use memory from ${lo} to ${hi} in steps of ${step} (MiB)`
        };
    }
    return { ok: true };
}

;// CONCATENATED MODULE: ./src/text.ts
/** Edit distance, for "did you mean" suggestions. */
function editDistance(a, b) {
    const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diag = prev[0];
        prev[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = prev[j];
            prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
            diag = tmp;
        }
    }
    return prev[b.length];
}
/** The closest candidate, when it is close enough to be a plausible typo. */
function closest(word, candidates) {
    let best;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = editDistance(word.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

;// CONCATENATED MODULE: ./src/render/schema.ts



let model;
function loadModel() {
    return (model ??= (async () => {
        const [sdk, schema] = await Promise.all([Promise.all(/* import() */[__webpack_require__.e(890), __webpack_require__.e(861), __webpack_require__.e(212)]).then(__webpack_require__.t.bind(__webpack_require__, 212, 19)), __webpack_require__.e(/* import() */ 890).then(__webpack_require__.t.bind(__webpack_require__, 6890, 19))]);
        // The schema types enum fields as plain strings; the SDK's enum objects carry the values.
        const enums = new Map([
            ['networkMode', Object.values(sdk.NetworkMode)],
            ['requiresCompatibilities', Object.values(sdk.Compatibility)],
            ['protocol', Object.values(sdk.TransportProtocol)],
            ['appProtocol', Object.values(sdk.ApplicationProtocol)],
            ['logDriver', Object.values(sdk.LogDriver)],
            ['condition', Object.values(sdk.ContainerCondition)],
            ['pidMode', Object.values(sdk.PidMode)],
            ['ipcMode', Object.values(sdk.IpcMode)]
        ]);
        return { request: schema.NormalizedSchema.of(sdk.RegisterTaskDefinitionRequest$), enums };
    })());
}
function lineOf(ctx, path) {
    for (let n = path.length; n >= 0; n--) {
        const line = ctx.lines.get(formatPath(path.slice(0, n)));
        if (line !== undefined)
            return line;
    }
    return undefined;
}
function problem(ctx, path, message, fix) {
    return new src_errors/* InputError */.dz(message, { ...(ctx.file ? { file: ctx.file } : {}), line: lineOf(ctx, path), path: formatPath(path) }, fix);
}
/**
 * Walks `value` against `schema`, coercing in place where that is harmless (a placeholder in a
 * numeric field, a number for the top-level cpu/memory strings), and returns every problem.
 */
function checkShape(doc, m, ctx) {
    const errors = [];
    checkStruct(doc, m.request, [], m, ctx, errors);
    return errors;
}
function expected(s) {
    if (s.isStructSchema())
        return 'an object';
    if (s.isListSchema())
        return 'a list';
    if (s.isMapSchema())
        return 'a map of names to strings';
    if (s.isNumericSchema())
        return 'a number';
    if (s.isBooleanSchema())
        return 'true or false';
    return 'a string';
}
function describe(v) {
    if (v === null)
        return 'empty (null)';
    if (Array.isArray(v))
        return 'a list';
    if (typeof v === 'object')
        return 'an object';
    return `${typeof v === 'string' ? 'the string' : `the ${typeof v}`} ${JSON.stringify(v)}`;
}
function requiredCount(s) {
    const raw = s.getSchema();
    return Array.isArray(raw) && typeof raw[6] === 'number' ? raw[6] : 0;
}
function checkStruct(value, s, path, m, ctx, errors) {
    const members = new Map();
    const names = [];
    for (const [name, member] of s.structIterator()) {
        members.set(name, member);
        names.push(name);
    }
    for (const key of Object.keys(value)) {
        const member = members.get(key);
        const childPath = [...path, key];
        if (!member) {
            const guess = closest(key, names);
            errors.push(problem(ctx, childPath, `unknown field "${key}"`, guess ? `did you mean "${guess}"?` : `remove it; ${path.length ? formatPath(path) : 'a task definition'} has: ${names.join(', ')}`));
            continue;
        }
        const coerced = checkValue(value[key], member, childPath, m, ctx, errors);
        if (coerced !== undefined)
            value[key] = coerced;
    }
    for (const name of names.slice(0, requiredCount(s))) {
        if (!(name in value))
            errors.push(problem(ctx, [...path, name], `"${name}" is missing`, `add ${name}; ECS requires it`));
    }
}
/** Returns a replacement when the value was coerced. */
function checkValue(value, s, path, m, ctx, errors) {
    const here = formatPath(path);
    const field = [...path].reverse().find((p) => typeof p === 'string') ?? '';
    const wrong = (fix) => {
        errors.push(problem(ctx, path, `is ${describe(value)}, expected ${expected(s)}`, fix));
        return undefined;
    };
    if (value === null) {
        errors.push(problem(ctx, path, 'has no value', 'give it a value or remove the field'));
        return undefined;
    }
    if (s.isDocumentSchema() || s.isTimestampSchema() || s.isBlobSchema())
        return undefined;
    if (s.isStructSchema()) {
        if (!isObject(value))
            return wrong();
        checkStruct(value, s, path, m, ctx, errors);
        return undefined;
    }
    if (s.isListSchema()) {
        if (!Array.isArray(value))
            return wrong(typeof value === 'string' ? `write a list: ["${value}"]` : undefined);
        const item = s.getValueSchema();
        value.forEach((v, i) => {
            const coerced = checkValue(v, item, [...path, i], m, ctx, errors);
            if (coerced !== undefined)
                value[i] = coerced;
        });
        return undefined;
    }
    if (s.isMapSchema()) {
        if (!isObject(value))
            return wrong();
        const item = s.getValueSchema();
        for (const [k, v] of Object.entries(value)) {
            const coerced = checkValue(v, item, [...path, k], m, ctx, errors);
            if (coerced !== undefined)
                value[k] = coerced;
        }
        return undefined;
    }
    const variable = ctx.placeholders.get(here);
    if (s.isNumericSchema()) {
        if (typeof value === 'number') {
            return Number.isFinite(value) ? undefined : wrong();
        }
        if (typeof value === 'string' && variable !== undefined) {
            if (/^-?\d+(\.\d+)?$/.test(value.trim()))
                return Number(value.trim());
            errors.push(problem(ctx, path, `{{ ${variable} }} is "${value}", not a number`, `set ${variable} to a number`));
            return undefined;
        }
        return wrong(typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? `write ${value.trim()} without quotes` : undefined);
    }
    if (s.isBooleanSchema()) {
        if (typeof value === 'boolean')
            return undefined;
        if (typeof value === 'string' && variable !== undefined) {
            if (value.trim() === 'true' || value.trim() === 'false')
                return value.trim() === 'true';
            errors.push(problem(ctx, path, `{{ ${variable} }} is "${value}", not true or false`, `set ${variable} to true or false`));
            return undefined;
        }
        return wrong(value === 'true' || value === 'false' ? `write ${value} without quotes` : undefined);
    }
    if (s.isStringSchema()) {
        let text;
        if (typeof value === 'string')
            text = value;
        else if (typeof value === 'number' && path.length === 1 && (field === 'cpu' || field === 'memory')) {
            // The API types task-level cpu/memory as strings; everyone writes numbers. Harmless to convert.
            text = String(value);
        }
        else {
            return wrong(typeof value === 'number' || typeof value === 'boolean' ? `quote it: "${String(value)}"` : undefined);
        }
        const allowed = m.enums.get(field);
        if (allowed && !allowed.includes(text)) {
            const guess = closest(text, allowed);
            errors.push(problem(ctx, path, `is "${text}"`, `use ${guess ? `"${guess}"` : `one of: ${allowed.join(', ')}`}${guess ? ` (one of: ${allowed.join(', ')})` : ''}`));
        }
        return typeof value === 'string' ? undefined : text;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/render/validate.ts




/** Returned by describe-task-definition, rejected by register-task-definition. */
const READ_ONLY_FIELDS = [
    'taskDefinitionArn',
    'revision',
    'status',
    'requiresAttributes',
    'compatibilities',
    'registeredAt',
    'registeredBy',
    'deregisteredAt'
];
/**
 * `aws ecs describe-task-definition` prints `{ "taskDefinition": {…}, "tags": […] }`; people
 * save that as their template. Returns the inner definition with the tags moved into it,
 * and the context re-rooted so lines still point into the file.
 */
function unwrapDescribeOutput(doc, ctx) {
    const inner = doc['taskDefinition'];
    if (!isObject(inner) || 'containerDefinitions' in doc)
        return { doc, ctx, unwrapped: false };
    const out = { ...inner };
    const tags = doc['tags'];
    if (Array.isArray(tags) && tags.length > 0 && !('tags' in out))
        out['tags'] = tags;
    const reroot = (map) => {
        const m = new Map();
        for (const [k, v] of map) {
            if (k.startsWith('taskDefinition.'))
                m.set(k.slice('taskDefinition.'.length), v);
            else if (k === 'tags' || k.startsWith('tags['))
                m.set(k, v);
        }
        return m;
    };
    for (const key of Object.keys(doc)) {
        if (key !== 'taskDefinition' && key !== 'tags')
            out[key] = doc[key]; // left for the validator to report
    }
    return {
        doc: out,
        ctx: { ...(ctx.file ? { file: ctx.file } : {}), lines: reroot(ctx.lines), placeholders: reroot(ctx.placeholders) },
        unwrapped: true
    };
}
/** Removes read-only fields in place; returns the names removed. */
function stripReadOnly(doc) {
    const removed = [];
    for (const field of READ_ONLY_FIELDS) {
        if (field in doc) {
            delete doc[field];
            removed.push(field);
        }
    }
    return removed;
}
/** Shape (from the model) and rules, all problems at once; the document is coerced in place. */
async function validateTaskDefinition(doc, ctx) {
    const model = await loadModel();
    const errors = checkShape(doc, model, ctx);
    // A field with the wrong shape gets one message, not a second one from a rule that read it.
    const reported = new Set(errors.map((e) => e.location.path));
    errors.push(...checkRules(doc, ctx).filter((e) => !reported.has(e.location.path)));
    if (errors.length > 0)
        throw new src_errors/* InputErrors */.G(dedupe(errors));
    return asRegisterInput(doc);
}
function asRegisterInput(doc) {
    if (!isRegisterInput(doc))
        throw new Error('a validated task definition lacks family or containerDefinitions');
    return doc;
}
/** Only the required members are tested here: everything else was just checked field by field against the model. */
function isRegisterInput(doc) {
    return typeof doc['family'] === 'string' && Array.isArray(doc['containerDefinitions']);
}
function dedupe(errors) {
    const seen = new Set();
    return errors.filter((e) => (seen.has(e.message) ? false : (seen.add(e.message), true)));
}
const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;
function str(v) {
    return typeof v === 'string' ? v : undefined;
}
/** Rules ECS enforces that the model does not express. Wrong types were reported by the shape check; skip them here. */
function checkRules(doc, ctx) {
    const errors = [];
    const at = (path, message, fix) => errors.push(problem(ctx, path, message, fix));
    const family = str(doc['family']);
    if (family !== undefined && !FAMILY.test(family)) {
        at(['family'], `is "${family}", not a valid family name`, 'use up to 255 letters, digits, _ and -');
    }
    const compat = Array.isArray(doc['requiresCompatibilities']) ? doc['requiresCompatibilities'] : [];
    const fargate = compat.includes('FARGATE');
    const networkMode = str(doc['networkMode']) ?? (fargate ? 'awsvpc' : 'bridge');
    if (fargate && doc['networkMode'] !== undefined && networkMode !== 'awsvpc') {
        at(['networkMode'], `is "${networkMode}", but FARGATE tasks use awsvpc`, 'set networkMode to awsvpc');
    }
    const cpu = str(doc['cpu']);
    const memory = str(doc['memory']);
    const cpuN = cpu !== undefined ? cpuUnits(cpu) : undefined;
    const memN = memory !== undefined ? memoryMiB(memory) : undefined;
    if (cpu !== undefined && cpuN === undefined)
        at(['cpu'], `is "${cpu}", not a CPU size`, 'write CPU units ("1024") or vCPUs ("1 vCPU")');
    if (memory !== undefined && memN === undefined)
        at(['memory'], `is "${memory}", not a memory size`, 'write MiB ("2048") or GB ("2 GB")');
    if (fargate) {
        if (cpu === undefined)
            at(['cpu'], 'is missing; FARGATE needs a task-level cpu', 'add cpu, e.g. "256" (0.25 vCPU)');
        if (memory === undefined)
            at(['memory'], 'is missing; FARGATE needs a task-level memory', 'add memory, e.g. "512" (MiB)');
        if (cpuN !== undefined && memN !== undefined) {
            const size = checkFargateSize(cpuN, memN);
            if (!size.ok) {
                at([size.problem], `cpu ${cpuN} with memory ${memN} MiB is not a Fargate task size`, size.fix);
            }
        }
    }
    const containers = Array.isArray(doc['containerDefinitions']) ? doc['containerDefinitions'] : undefined;
    if (!containers)
        return errors;
    if (containers.length === 0) {
        at(['containerDefinitions'], 'is empty', 'define at least one container');
        return errors;
    }
    const names = new Map();
    let essential = 0;
    containers.forEach((c, i) => {
        if (!isObject(c))
            return;
        const base = ['containerDefinitions', i];
        const name = str(c['name']);
        if (name === undefined || name === '') {
            if (c['name'] === undefined || name === '')
                at([...base, 'name'], 'is missing', 'give every container a name');
        }
        else if (!FAMILY.test(name)) {
            at([...base, 'name'], `is "${name}", not a valid container name`, 'use up to 255 letters, digits, _ and -');
        }
        else if (names.has(name)) {
            at([...base, 'name'], `"${name}" is also the name of containerDefinitions[${names.get(name)}]`, 'container names must be unique');
        }
        else {
            names.set(name, i);
        }
        if (c['image'] === undefined || c['image'] === '') {
            at([...base, 'image'], 'is missing', 'set the image here, or with the image / images inputs');
        }
        if (c['essential'] !== false)
            essential++;
        if (!fargate && memN === undefined && c['memory'] === undefined && c['memoryReservation'] === undefined) {
            at(base, `container ${name ?? i} has no memory or memoryReservation, and the task has no memory`, 'set memory or memoryReservation on the container, or memory on the task');
        }
        const ports = Array.isArray(c['portMappings']) ? c['portMappings'] : [];
        ports.forEach((p, j) => {
            if (!isObject(p))
                return;
            const pb = [...base, 'portMappings', j];
            const containerPort = p['containerPort'];
            const hostPort = p['hostPort'];
            if (containerPort === undefined && p['containerPortRange'] === undefined) {
                at([...pb, 'containerPort'], 'is missing', 'set the port the container listens on');
            }
            if (typeof containerPort === 'number' && !(Number.isInteger(containerPort) && containerPort >= 1 && containerPort <= 65535)) {
                at([...pb, 'containerPort'], `is ${containerPort}`, 'use a whole number from 1 to 65535');
            }
            if (typeof hostPort === 'number' && !(Number.isInteger(hostPort) && hostPort >= 0 && hostPort <= 65535)) {
                at([...pb, 'hostPort'], `is ${hostPort}`, 'use a whole number from 0 to 65535 (0 or none: a dynamic port in bridge mode)');
            }
            else if (networkMode === 'awsvpc' && typeof hostPort === 'number' && typeof containerPort === 'number' && hostPort !== containerPort) {
                at([...pb, 'hostPort'], `is ${hostPort} but containerPort is ${containerPort}; with awsvpc they must be equal`, `set hostPort to ${containerPort} or remove it`);
            }
        });
    });
    if (essential === 0) {
        at(['containerDefinitions'], 'has no essential container', 'set "essential": true on the main container (essential defaults to true)');
    }
    containers.forEach((c, i) => {
        if (!isObject(c) || !Array.isArray(c['dependsOn']))
            return;
        c['dependsOn'].forEach((d, j) => {
            const target = isObject(d) ? str(d['containerName']) : undefined;
            if (target !== undefined && !names.has(target)) {
                at(['containerDefinitions', i, 'dependsOn', j, 'containerName'], `names "${target}", which is not a container here`, `use one of: ${[...names.keys()].join(', ')}`);
            }
        });
    });
    return errors;
}

;// CONCATENATED MODULE: ./src/render/normalize.ts



function normalizeTaskDefinition(td) {
    const doc = toJson(td);
    if (!isObject(doc))
        return {};
    for (const field of READ_ONLY_FIELDS)
        delete doc[field];
    // Tags live beside the revision, not in it: they do not make two revisions differ.
    delete doc['tags'];
    const compat = Array.isArray(doc['requiresCompatibilities']) ? doc['requiresCompatibilities'] : [];
    doc['networkMode'] ??= compat.includes('FARGATE') ? 'awsvpc' : 'bridge';
    const networkMode = doc['networkMode'];
    if (typeof doc['cpu'] === 'string')
        doc['cpu'] = String(cpuUnits(doc['cpu']) ?? doc['cpu']);
    if (typeof doc['memory'] === 'string')
        doc['memory'] = String(memoryMiB(doc['memory']) ?? doc['memory']);
    if (compat.length > 0)
        doc['requiresCompatibilities'] = [...compat].sort(byJson);
    if (Array.isArray(doc['containerDefinitions'])) {
        doc['containerDefinitions'] = doc['containerDefinitions']
            .map((c) => (isObject(c) ? normalizeContainer(c, networkMode) : c))
            .sort((a, b) => containerName(a).localeCompare(containerName(b)));
    }
    return prune(doc, true);
}
function containerName(c) {
    return isObject(c) && typeof c['name'] === 'string' ? c['name'] : '';
}
function normalizeContainer(c, networkMode) {
    c['essential'] ??= true;
    // ECS reports an unset container cpu as 0.
    if (c['cpu'] === 0)
        delete c['cpu'];
    for (const field of ['environment', 'secrets']) {
        const list = c[field];
        if (Array.isArray(list))
            c[field] = [...list].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    }
    const log = c['logConfiguration'];
    if (isObject(log) && Array.isArray(log['secretOptions']))
        log['secretOptions'] = [...log['secretOptions']].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    if (Array.isArray(c['portMappings'])) {
        c['portMappings'] = c['portMappings']
            .map((p) => {
            if (!isObject(p))
                return p;
            p['protocol'] ??= 'tcp';
            if (p['hostPort'] === undefined && typeof p['containerPort'] === 'number') {
                // awsvpc and host mode map the same port; bridge without a hostPort means a dynamic one (0).
                p['hostPort'] = networkMode === 'awsvpc' || networkMode === 'host' ? p['containerPort'] : 0;
            }
            return p;
        })
            .sort(byJson);
    }
    return c;
}
function keyOf(v) {
    return isObject(v) && typeof v['name'] === 'string' ? v['name'] : JSON.stringify(v);
}
function byJson(a, b) {
    return stableStringify(a).localeCompare(stableStringify(b));
}
/**
 * Drops what means "not set": null, empty lists and objects, and false (every boolean in a task
 * definition defaults to false, except essential, which normalizeContainer has filled in).
 * Empty strings stay: an environment value of "" is a value.
 */
function prune(v, top = false) {
    if (v === null)
        return undefined;
    if (Array.isArray(v)) {
        const items = v.map((x) => prune(x)).filter((x) => x !== undefined);
        return items.length > 0 ? items : undefined;
    }
    if (isObject(v)) {
        const out = {};
        for (const key of Object.keys(v).sort()) {
            const value = v[key];
            if (value === false && key !== 'essential')
                continue;
            const p = prune(value);
            if (p !== undefined)
                out[key] = p;
        }
        return Object.keys(out).length > 0 || top ? out : undefined;
    }
    return v;
}
/** JSON with object keys sorted: equal for equal values whatever the key order. */
function stableStringify(v) {
    if (v === undefined)
        return 'undefined';
    if (Array.isArray(v))
        return `[${v.map((x) => stableStringify(x)).join(',')}]`;
    if (isObject(v))
        return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`).join(',')}}`;
    return JSON.stringify(v);
}
function sameTaskDefinition(a, b) {
    return stableStringify(normalizeTaskDefinition(a)) === stableStringify(normalizeTaskDefinition(b));
}

;// CONCATENATED MODULE: ./src/register.ts

async function registerRevision(rendered, deps, opts = {}) {
    const { ecs, reporter } = deps;
    const reuse = (arn, why) => {
        reporter.info(`reusing ${arn}: ${why}`);
        reporter.event({ kind: 'registered', arn, reused: true });
        return { arn, reused: true, revision: revisionOf(arn) };
    };
    if (rendered.base?.unchanged)
        return reuse(rendered.base.arn, 'nothing was changed in the revision it started from');
    const latest = await ecs.latestTaskDefinition(rendered.family);
    if (latest?.taskDefinitionArn && sameTaskDefinition(latest, rendered.input)) {
        return reuse(latest.taskDefinitionArn, `it is the latest ACTIVE revision of ${rendered.family} and equals the rendered definition`);
    }
    for (const arn of new Set(opts.candidates ?? [])) {
        if (arn === latest?.taskDefinitionArn)
            continue;
        const { taskDefinition } = await ecs.describeTaskDefinition(arn);
        if (taskDefinition.family === rendered.family && taskDefinition.status === 'ACTIVE' && sameTaskDefinition(taskDefinition, rendered.input)) {
            return reuse(arn, 'the service runs this revision now and it equals the rendered definition');
        }
    }
    const tags = mergeTags(rendered.input.tags, opts.tags);
    const registered = await ecs.registerTaskDefinition({ ...rendered.input, ...(tags.length > 0 ? { tags } : {}) });
    const arn = registered.taskDefinitionArn;
    if (!arn)
        throw new Error(`registering a revision of task definition family ${rendered.family}: the response has no taskDefinitionArn`);
    reporter.info(`registered ${arn}`);
    reporter.event({ kind: 'registered', arn, reused: false });
    return { arn, reused: false, revision: registered.revision ?? revisionOf(arn) };
}
/** Later tags win by key: the step's tags override the template's. */
function mergeTags(...lists) {
    const byKey = new Map();
    for (const list of lists)
        for (const tag of list ?? [])
            if (tag.key !== undefined)
                byKey.set(tag.key, tag);
    return [...byKey.values()];
}
function revisionOf(arn) {
    const m = /:(\d+)$/.exec(arn);
    return m ? Number(m[1]) : 0;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/render/overrides.ts
/**
 * The official render action's inputs (container-name + image, environment-variables, secrets,
 * log-configuration-*, docker-labels, command) and `images`, applied to a rendered document.
 * They merge the way aws-actions/amazon-ecs-render-task-definition does: a variable or secret
 * of the same name is replaced in place, new ones are appended, options and labels are merged.
 */



const defaultLabels = { label: (name) => `input \`${name}\`` };
function applyOverrides(doc, o, labels = defaultLabels) {
    const errors = [];
    const containers = Array.isArray(doc['containerDefinitions']) ? doc['containerDefinitions'] : undefined;
    // A missing or malformed containerDefinitions is reported by validation; nothing to apply to here.
    if (!containers)
        return errors;
    const byName = new Map();
    for (const c of containers)
        if (isObject(c) && typeof c['name'] === 'string')
            byName.set(c['name'], c);
    const find = (name, input) => {
        const found = byName.get(name);
        if (!found) {
            const guess = closest(name, byName.keys());
            errors.push(new src_errors/* InputError */.dz(`${labels.label(input)} names container "${name}", which the task definition does not have`, {}, guess ? `did you mean "${guess}"?` : `use one of: ${[...byName.keys()].join(', ') || '(no named containers)'}`));
        }
        return found;
    };
    for (const [name, image] of o.images) {
        const input = name === o.containerName ? 'container-name' : 'images';
        const c = find(name, input);
        if (c)
            c['image'] = image;
    }
    const hasContainerInputs = o.environment.size + o.secrets.size + o.logOptions.size + o.dockerLabels.size > 0 || o.logDriver !== undefined || o.command !== undefined;
    if (o.containerName === undefined || !hasContainerInputs)
        return errors;
    const c = o.images.has(o.containerName) ? byName.get(o.containerName) : find(o.containerName, 'container-name');
    if (!c)
        return errors;
    if (o.environment.size > 0)
        c['environment'] = mergeNamed(c['environment'], o.environment, 'value');
    if (o.secrets.size > 0)
        c['secrets'] = mergeNamed(c['secrets'], o.secrets, 'valueFrom');
    if (o.logDriver !== undefined || o.logOptions.size > 0) {
        const log = isObject(c['logConfiguration']) ? c['logConfiguration'] : {};
        if (o.logDriver !== undefined)
            log['logDriver'] = o.logDriver;
        if (o.logOptions.size > 0)
            log['options'] = mergeMap(log['options'], o.logOptions);
        c['logConfiguration'] = log;
    }
    if (o.dockerLabels.size > 0)
        c['dockerLabels'] = mergeMap(c['dockerLabels'], o.dockerLabels);
    if (o.command !== undefined)
        c['command'] = [...o.command];
    return errors;
}
function mergeNamed(existing, values, field) {
    const list = Array.isArray(existing) ? existing : [];
    for (const [name, value] of values) {
        const item = list.find((e) => isObject(e) && e['name'] === name);
        if (item)
            item[field] = value;
        else
            list.push({ name, [field]: value });
    }
    return list;
}
function mergeMap(existing, values) {
    const map = isObject(existing) ? existing : {};
    for (const [k, v] of values)
        map[k] = v;
    return map;
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./src/render/vars.ts
const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;
const VAR_NAME = /^[A-Za-z_][\w.-]*$/;
const ENV_NAME = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;
const PLACEHOLDER_ONLY = /^\{\{[^{}]*\}\}$/;
function hasPlaceholder(text) {
    return text.includes('{{');
}
function substitute(text, variables) {
    const result = { value: text, missing: [], malformed: [], used: [] };
    if (!hasPlaceholder(text))
        return result;
    let wholeName;
    let matches = 0;
    const value = text.replace(PLACEHOLDER, (raw, inner) => {
        matches++;
        const body = inner.trim();
        const literal = /^'([^']*)'$/.exec(body) ?? /^"([^"]*)"$/.exec(body);
        if (literal)
            return literal[1];
        const env = ENV_NAME.exec(body);
        if (env) {
            const v = variables.env[env[1]];
            if (v === undefined) {
                result.missing.push(body);
                return raw;
            }
            result.used.push(body);
            wholeName = body;
            return v;
        }
        if (VAR_NAME.test(body)) {
            const v = variables.vars.get(body);
            if (v === undefined) {
                result.missing.push(body);
                return raw;
            }
            result.used.push(body);
            wholeName = body;
            return v;
        }
        result.malformed.push(raw);
        return raw;
    });
    // An opening `{{` left over (no closing braces) is a typo, not text the user wants verbatim.
    if (text.replace(PLACEHOLDER, '').includes('{{'))
        result.malformed.push(text);
    result.value = value;
    if (matches === 1 && wholeName !== undefined && PLACEHOLDER_ONLY.test(text))
        result.whole = wholeName;
    return result;
}

;// CONCATENATED MODULE: ./src/render/template.ts
/**
 * Templates are parsed first (the `yaml` package reads JSON too) and placeholders are
 * substituted inside the parsed string values, never in the text: a value holding quotes,
 * braces, newlines or YAML syntax stays one string and cannot add keys or change types.
 */




/**
 * YAML reads an unquoted `cpu: {{ cpu }}` as a nested flow mapping. When a node's source text
 * is exactly one placeholder we read it as the placeholder the user meant: this looks at the
 * node the parser produced, so it cannot be triggered by a substituted value.
 */
const UNQUOTED_PLACEHOLDER = /^\{\{\s*[^{}\s]+\s*\}\}$/;
const MAX_DEPTH = 64;
function parseTemplate(text, file, variables) {
    const lineCounter = new dist/* LineCounter */.HN();
    const document = (0,dist/* parseDocument */.Tp)(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const lineOf = (offset) => offset === undefined ? undefined : lineCounter.linePos(offset).line;
    if (document.errors.length > 0) {
        throw new src_errors/* InputErrors */.G(document.errors.map((e) => new src_errors/* InputError */.dz(`is not valid JSON or YAML: ${e.message.split('\n')[0]}`, { file, line: lineOf(e.pos[0]) }, 'fix the syntax at that line')));
    }
    const parsed = { doc: null, lines: new Map(), placeholders: new Map(), used: new Set() };
    const errors = [];
    const stringValue = (raw, path, line) => {
        const s = substitute(raw, variables);
        s.used.forEach((name) => parsed.used.add(name));
        for (const name of s.missing) {
            errors.push(new src_errors/* InputError */.dz(`placeholder {{ ${name} }} has no value`, { file, line, path: formatPath(path) }, name.startsWith('env.') ? `set the environment variable ${name.slice(4)}` : `add ${name}=… to the vars input`));
        }
        for (const raw of s.malformed) {
            errors.push(new src_errors/* InputError */.dz(`"${raw}" is not a placeholder`, { file, line, path: formatPath(path) }, "write {{ name }} or {{ env.NAME }}; for a literal {{ write {{ '{{' }}"));
        }
        if (s.whole !== undefined)
            parsed.placeholders.set(formatPath(path), s.whole);
        return s.value;
    };
    const build = (node, path, depth) => {
        if (depth > MAX_DEPTH) {
            errors.push(new src_errors/* InputError */.dz('is nested too deeply', { file, path: formatPath(path) }, 'check for recursive YAML aliases'));
            return null;
        }
        if (node === null)
            return null;
        const line = lineOf(node.range?.[0]);
        const key = formatPath(path);
        if (line !== undefined && !parsed.lines.has(key))
            parsed.lines.set(key, line);
        if ((0,dist/* isAlias */.Vj)(node))
            return build(node.resolve(document) ?? null, path, depth + 1);
        if ((0,dist/* isScalar */.jn)(node)) {
            const v = node.value;
            if (typeof v === 'string')
                return stringValue(v, path, line);
            if (typeof v === 'number' || typeof v === 'boolean' || v === null)
                return v;
            if (typeof v === 'bigint')
                return Number(v);
            return String(v);
        }
        if ((0,dist/* isMap */.jh)(node)) {
            const source = node.range ? text.slice(node.range[0], node.range[1]).trim() : '';
            if (node.flow && UNQUOTED_PLACEHOLDER.test(source))
                return stringValue(source, path, line);
            const out = {};
            for (const pair of node.items) {
                const k = pair.key;
                const keyLine = (0,dist/* isScalar */.jn)(k) ? lineOf(k.range?.[0]) : line;
                if (!(0,dist/* isScalar */.jn)(k) || (typeof k.value !== 'string' && typeof k.value !== 'number')) {
                    errors.push(new src_errors/* InputError */.dz('has a key that is not a plain name', { file, line: keyLine, path: key }, 'use string keys'));
                    continue;
                }
                const name = String(k.value);
                if (name.includes('{{')) {
                    errors.push(new src_errors/* InputError */.dz(`key "${name}" holds a placeholder`, { file, line: keyLine, path: key }, 'placeholders are substituted in values only; write the key itself'));
                    continue;
                }
                const childPath = [...path, name];
                if (keyLine !== undefined)
                    parsed.lines.set(formatPath(childPath), keyLine);
                out[name] = build(pair.value ?? null, childPath, depth + 1);
            }
            return out;
        }
        if ((0,dist/* isSeq */.oP)(node))
            return node.items.map((item, i) => build(item ?? null, [...path, i], depth + 1));
        errors.push(new src_errors/* InputError */.dz('holds a value that is not JSON', { file, line, path: key }, 'use strings, numbers, lists and maps'));
        return null;
    };
    parsed.doc = build(document.contents, [], 0);
    if (errors.length > 0)
        throw new src_errors/* InputErrors */.G(errors);
    return parsed;
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/shell.ts

/**
 * Splits a command line the way a POSIX shell does for words: whitespace separates,
 * '…' keeps everything literally, "…" keeps whitespace and honours \" \\ \$ \`,
 * and a backslash outside quotes escapes the next character. No expansion happens:
 * ECS runs the array as given.
 *   sh -c "echo 'a b' && run"  →  ["sh", "-c", "echo 'a b' && run"]
 */
function splitCommand(text, label) {
    const words = [];
    let word = '';
    let inWord = false;
    let quote;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote === "'") {
            if (c === "'")
                quote = undefined;
            else
                word += c;
        }
        else if (quote === '"') {
            if (c === '"')
                quote = undefined;
            else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]))
                word += text[++i];
            else
                word += c;
        }
        else if (c === "'" || c === '"') {
            quote = c;
            inWord = true;
        }
        else if (c === '\\' && i + 1 < text.length) {
            const next = text[++i];
            // backslash-newline continues the line, as in a shell
            if (next !== '\n') {
                word += next;
                inWord = true;
            }
        }
        else if (/\s/.test(c)) {
            if (inWord)
                words.push(word);
            word = '';
            inWord = false;
        }
        else {
            word += c;
            inWord = true;
        }
    }
    if (quote)
        throw new src_errors/* InputError */.dz(`${label} has an unclosed ${quote} quote`, {}, `close the quote: ${text.trim()}${quote}`);
    if (inWord)
        words.push(word);
    return words;
}

;// CONCATENATED MODULE: ./src/render/settings.ts





const NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** Reads and checks every render input once; all problems are reported together. */
function readRenderSettings(inputs, env) {
    const errors = [];
    const attempt = (read) => {
        try {
            return read();
        }
        catch (error) {
            if (error instanceof src_errors/* InputErrors */.G)
                errors.push(...error.errors);
            else if (error instanceof src_errors/* InputError */.dz)
                errors.push(error);
            else
                throw error;
            return undefined;
        }
    };
    const label = (name) => inputs.label(name);
    const file = inputs.string('task-definition');
    const family = inputs.string('task-definition-family');
    const arn = inputs.string('task-definition-arn');
    const given = [file && 'task-definition', family && 'task-definition-family', arn && 'task-definition-arn'].filter((n) => typeof n === 'string');
    let source;
    if (given.length > 1) {
        errors.push(new src_errors/* InputError */.dz(`${given.map(label).join(' and ')} are both set`, {}, 'give only one place to start from'));
    }
    else if (file) {
        const workspace = env['GITHUB_WORKSPACE'] || process.cwd();
        source = { kind: 'file', path: file, resolved: (0,external_node_path_.isAbsolute)(file) ? file : (0,external_node_path_.resolve)(workspace, file) };
    }
    else if (family) {
        if (!NAME.test(family)) {
            errors.push(new src_errors/* InputError */.dz(`${label('task-definition-family')} is "${family}", not a family name`, {}, 'use letters, digits, _ and -'));
        }
        source = { kind: 'family', family };
    }
    else if (arn) {
        if (!/^(arn:aws[\w-]*:ecs:[\w-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}:\d+$/.test(arn)) {
            errors.push(new src_errors/* InputError */.dz(`${label('task-definition-arn')} is "${arn}", not a task definition revision`, {}, 'use arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION or FAMILY:REVISION'));
        }
        source = { kind: 'arn', arn };
    }
    else {
        errors.push(new src_errors/* InputError */.dz('no task definition to render', {}, `set ${label('task-definition')} (a template file), ${label('task-definition-family')} or ${label('task-definition-arn')}`));
    }
    const vars = attempt(() => inputs.keyValues('vars')) ?? new Map();
    for (const name of vars.keys()) {
        if (name.startsWith('env.')) {
            errors.push(new src_errors/* InputError */.dz(`${label('vars')}: "${name}" starts with env.`, {}, '{{ env.NAME }} reads the environment; rename the variable'));
        }
    }
    const secretVars = inputs.list('secret-vars');
    for (const name of secretVars) {
        const known = name.startsWith('env.') ? env[name.slice(4)] !== undefined : vars.has(name);
        if (!known) {
            const guess = closest(name, vars.keys());
            errors.push(new src_errors/* InputError */.dz(`${label('secret-vars')} names "${name}", which is not set`, {}, guess ? `did you mean "${guess}"?` : `add ${name}=… to ${label('vars')} or remove it from ${label('secret-vars')}`));
        }
    }
    const familyOverride = inputs.string('family');
    if (familyOverride !== undefined && !NAME.test(familyOverride)) {
        errors.push(new src_errors/* InputError */.dz(`${label('family')} is "${familyOverride}", not a family name`, {}, 'use up to 255 letters, digits, _ and -'));
    }
    const overrides = attempt(() => readOverrides(inputs, label)) ?? emptyOverrides();
    if (errors.length > 0)
        throw new src_errors/* InputErrors */.G(errors);
    return {
        source: source,
        vars,
        secretVars,
        env,
        ...(familyOverride !== undefined ? { family: familyOverride } : {}),
        overrides,
        ...(inputs.string('rendered-path') !== undefined ? { renderedPath: inputs.string('rendered-path') } : {}),
        tempDir: env['RUNNER_TEMP'] || (0,external_node_os_.tmpdir)(),
        label
    };
}
function emptyOverrides() {
    return { images: new Map(), environment: new Map(), secrets: new Map(), logOptions: new Map(), dockerLabels: new Map() };
}
function readOverrides(inputs, label) {
    const errors = [];
    const collect = (read, fallback) => {
        try {
            return read();
        }
        catch (error) {
            if (error instanceof src_errors/* InputError */.dz)
                errors.push(error);
            else
                throw error;
            return fallback;
        }
    };
    const out = emptyOverrides();
    const containerName = inputs.string('container-name');
    const image = inputs.string('image');
    if (containerName !== undefined) {
        out.containerName = containerName;
        if (!NAME.test(containerName)) {
            errors.push(new src_errors/* InputError */.dz(`${label('container-name')} is "${containerName}", not a container name`, {}, 'use letters, digits, _ and -'));
        }
    }
    for (const [i, line] of inputs.raw('images').split(/\r?\n/).entries()) {
        if (line.trim() === '' || line.trim().startsWith('#'))
            continue;
        const eq = line.indexOf('=');
        const name = line.slice(0, Math.max(eq, 0)).trim();
        const uri = line.slice(eq + 1).trim();
        if (eq <= 0 || !NAME.test(name) || uri === '') {
            errors.push(new src_errors/* InputError */.dz(`${label('images')} line ${i + 1} is "${line.trim()}"`, {}, 'write one container=image per line'));
        }
        else if (out.images.has(name) && out.images.get(name) !== uri) {
            errors.push(new src_errors/* InputError */.dz(`${label('images')} sets container ${name} twice`, {}, 'keep one image per container'));
        }
        else {
            out.images.set(name, uri);
        }
    }
    if (image !== undefined) {
        if (containerName === undefined) {
            errors.push(new src_errors/* InputError */.dz(`${label('image')} is set without ${label('container-name')}`, {}, `name the container with ${label('container-name')}, or use ${label('images')}`));
        }
        else if (out.images.has(containerName) && out.images.get(containerName) !== image) {
            errors.push(new src_errors/* InputError */.dz(`${label('image')} and ${label('images')} give container ${containerName} different images`, {}, 'set it in one place'));
        }
        else {
            out.images.set(containerName, image);
        }
    }
    out.environment = collect(() => inputs.keyValues('environment-variables'), new Map());
    out.secrets = collect(() => inputs.keyValues('secrets'), new Map());
    for (const [name, valueFrom] of out.secrets) {
        if (valueFrom.trim() === '') {
            errors.push(new src_errors/* InputError */.dz(`${label('secrets')}: ${name} has no valueFrom`, {}, 'write NAME=arn of a Secrets Manager secret or SSM parameter'));
        }
        else {
            out.secrets.set(name, valueFrom.trim());
        }
    }
    const logDriver = inputs.string('log-configuration-log-driver');
    if (logDriver !== undefined)
        out.logDriver = logDriver;
    out.logOptions = collect(() => inputs.keyValues('log-configuration-options'), new Map());
    out.dockerLabels = collect(() => inputs.keyValues('docker-labels'), new Map());
    const command = inputs.string('command');
    if (command !== undefined) {
        out.command = collect(() => parseCommand(command, label('command')), []);
        if (out.command.length === 0 && errors.length === 0) {
            errors.push(new src_errors/* InputError */.dz(`${label('command')} has no words`, {}, 'give the command to run'));
        }
    }
    if (containerName === undefined) {
        const needsContainer = [
            ['environment-variables', out.environment.size > 0],
            ['secrets', out.secrets.size > 0],
            ['log-configuration-log-driver', logDriver !== undefined],
            ['log-configuration-options', out.logOptions.size > 0],
            ['docker-labels', out.dockerLabels.size > 0],
            ['command', command !== undefined]
        ].filter(([, set]) => set);
        for (const [name] of needsContainer) {
            errors.push(new src_errors/* InputError */.dz(`${label(name)} is set without ${label('container-name')}`, {}, `name the container it applies to with ${label('container-name')}`));
        }
    }
    if (errors.length > 0)
        throw new src_errors/* InputErrors */.G(errors);
    return out;
}
/**
 * The official action takes a JSON array; people also write a command line. Both work:
 * text starting with `[` must be a JSON array of strings, anything else is split like a shell.
 */
function parseCommand(text, label) {
    if (!text.startsWith('['))
        return splitCommand(text, label);
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        parsed = undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === 'string')) {
        throw new src_errors/* InputError */.dz(`${label} starts with [ but is not a JSON array of strings`, {}, 'write ["cmd", "arg"] or a plain command line');
    }
    return parsed;
}

;// CONCATENATED MODULE: ./src/render/diff.ts
/**
 * What changes between two task definitions, after normalisation, so a reordered environment or
 * a default ECS filled in shows nothing. Containers are matched by name, environment variables
 * and secrets by their names:
 *   ~ containerDefinitions[web].image: "repo:v1" → "repo:v2"
 *   + containerDefinitions[web].environment.FOO: "bar"
 */


function diffTaskDefinitions(before, after) {
    const out = [];
    diffValue(normalizeTaskDefinition(before), normalizeTaskDefinition(after), '', out);
    return out;
}
/** Lists whose items have a natural key, shown as `list.KEY` or `list[KEY]` instead of indexes. */
const KEYED = {
    containerDefinitions: { key: 'name', style: 'bracket' },
    environment: { key: 'name', value: 'value', style: 'dot' },
    secrets: { key: 'name', value: 'valueFrom', style: 'dot' },
    secretOptions: { key: 'name', value: 'valueFrom', style: 'dot' },
    volumes: { key: 'name', style: 'bracket' }
};
function join(path, key) {
    return path === '' ? key : `${path}.${key}`;
}
function lastField(path) {
    const m = /([A-Za-z0-9_]+)(\[[^\]]*\])?$/.exec(path);
    return m ? m[1] : path;
}
function diffValue(a, b, path, out) {
    if (stableStringify(a) === stableStringify(b))
        return;
    if (a === undefined) {
        out.push({ op: '+', path, after: b });
        return;
    }
    if (b === undefined) {
        out.push({ op: '-', path, before: a });
        return;
    }
    if (isObject(a) && isObject(b)) {
        for (const key of union(Object.keys(a), Object.keys(b)))
            diffValue(a[key], b[key], join(path, key), out);
        return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        const keyed = KEYED[lastField(path)];
        if (keyed && [...a, ...b].every((x) => isObject(x) && typeof x[keyed.key] === 'string')) {
            const index = (list) => new Map(list.map((x) => [String(x[keyed.key]), keyed.value ? diff_valueOf(x, keyed) : x]));
            const ia = index(a);
            const ib = index(b);
            for (const k of union([...ia.keys()], [...ib.keys()])) {
                diffValue(ia.get(k), ib.get(k), keyed.style === 'dot' ? `${path}.${k}` : `${path}[${k}]`, out);
            }
            return;
        }
        if ([...a, ...b].some((x) => isObject(x) || Array.isArray(x))) {
            for (let i = 0; i < Math.max(a.length, b.length); i++)
                diffValue(a[i], b[i], `${path}[${i}]`, out);
            return;
        }
    }
    out.push({ op: '~', path, before: a, after: b });
}
/** `{name, value}` pairs show as their value; an item with more fields shows whole. */
function diff_valueOf(item, keyed) {
    const rest = Object.keys(item).filter((k) => k !== keyed.key);
    return rest.length === 1 && rest[0] === keyed.value ? item[keyed.value] : item;
}
function union(a, b) {
    return [...new Set([...a, ...b])];
}
function show(v) {
    return JSON.stringify(v);
}
function formatDiff(lines) {
    if (lines.length === 0)
        return 'no changes';
    return lines
        .map((l) => {
        const path = l.path === '' ? '(task definition)' : l.path;
        if (l.op === '+')
            return `+ ${path}: ${show(l.after)}`;
        if (l.op === '-')
            return `- ${path}: ${show(l.before)}`;
        return `~ ${path}: ${show(l.before)} → ${show(l.after)}`;
    })
        .join('\n');
}

;// CONCATENATED MODULE: ./src/render/index.ts
/**
 * render: template (or a registered revision) → substituted → official-action inputs applied →
 * validated RegisterTaskDefinition input. No mutating AWS call happens here; the only AWS call
 * is reading the revision to start from, when asked to.
 */












/**
 * Registers the values of `secret-vars` for masking. Callers do this before anything is
 * printed (the pipeline, before its first log group), so no message can carry a secret value.
 */
function maskSecretVars(settings, reporter) {
    for (const name of settings.secretVars) {
        const value = name.startsWith('env.') ? settings.env[name.slice(4)] : settings.vars.get(name);
        if (value === undefined || value === '')
            continue;
        reporter.secret(value);
        for (const line of value.split(/\r?\n/))
            if (line.trim() !== '' && line !== value)
                reporter.secret(line);
    }
}
async function renderTaskDefinition(settings, deps) {
    const { reporter } = deps;
    // Again here, for callers that render without the pipeline (harmless twice).
    maskSecretVars(settings, reporter);
    const source = settings.source;
    let parsed;
    let ctx = { lines: new Map(), placeholders: new Map() };
    let base;
    if (source.kind === 'file') {
        const read = deps.readFile ?? ((p) => (0,promises_.readFile)(p, 'utf8'));
        let text;
        try {
            text = await read(source.resolved);
        }
        catch (error) {
            const code = error instanceof Error && 'code' in error ? error.code : undefined;
            throw new src_errors/* InputError */.dz(code === 'ENOENT' ? 'the task definition template does not exist' : `cannot read the task definition template: ${String(error)}`, { file: source.path }, 'check the task-definition path (relative to the repository root)');
        }
        const template = parseTemplate(text, source.path, { vars: settings.vars, env: settings.env });
        parsed = template.doc;
        ctx = { file: source.path, lines: template.lines, placeholders: template.placeholders };
        const unused = [...settings.vars.keys()].filter((name) => !template.used.has(name));
        if (unused.length > 0) {
            reporter.warning(`vars not used by the template: ${unused.join(', ')}`, { file: source.path });
        }
    }
    else {
        const ref = source.kind === 'family' ? source.family : source.arn;
        const described = await deps.ecs.describeTaskDefinition(ref);
        const doc = toJson(described.taskDefinition);
        if (isObject(doc) && described.tags.length > 0)
            doc['tags'] = toJson(described.tags);
        parsed = doc;
        base = { arn: described.taskDefinition.taskDefinitionArn ?? ref, original: isObject(doc) ? structuredClone(doc) : {} };
        if (settings.vars.size > 0)
            reporter.warning(`vars are not used: the task definition starts from ${ref}, not a template`);
        reporter.info(`starting from ${base.arn}`);
    }
    if (!isObject(parsed)) {
        throw new src_errors/* InputError */.dz('is not a task definition', { ...(ctx.file ? { file: ctx.file } : {}) }, 'the file must hold an object with family and containerDefinitions');
    }
    const unwrapped = unwrapDescribeOutput(parsed, ctx);
    const doc = unwrapped.doc;
    ctx = unwrapped.ctx;
    if (unwrapped.unwrapped)
        reporter.info('the template is describe-task-definition output: using its taskDefinition and tags');
    const stripped = stripReadOnly(doc);
    if (stripped.length > 0 && source.kind === 'file') {
        reporter.notice(`removed fields that describe-task-definition returns but register-task-definition rejects: ${stripped.join(', ')}`, { file: source.path, ...(ctx.lines.get(stripped[0]) ? { line: ctx.lines.get(stripped[0]) } : {}) });
    }
    if (settings.family !== undefined)
        doc['family'] = settings.family;
    const errors = applyOverrides(doc, settings.overrides, { label: settings.label ?? ((n) => `input \`${n}\``) });
    let input;
    try {
        input = await validateTaskDefinition(doc, ctx);
    }
    catch (error) {
        if (!(error instanceof src_errors/* InputErrors */.G))
            throw error;
        errors.push(...error.errors);
    }
    if (errors.length > 0 || !input)
        throw new src_errors/* InputErrors */.G(errors);
    const family = input.family;
    reporter.event({ kind: 'rendered', ...(source.kind === 'file' ? { file: source.path } : {}), family });
    return {
        input,
        family,
        ...(source.kind === 'file' ? { sourceFile: source.path } : {}),
        ...(base ? { base: { arn: base.arn, unchanged: sameTaskDefinition(base.original, input) } } : {}),
        path: settings.renderedPath ?? (0,external_node_path_.join)(settings.tempDir, `task-definition-${family}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}.json`)
    };
}
/** The rendered definition as JSON: what the file holds and what `register-task-definition --cli-input-json` takes. */
function renderedJson(rendered) {
    return `${JSON.stringify(rendered.input, null, 2)}\n`;
}
async function writeRendered(rendered, path = rendered.path) {
    await (0,promises_.mkdir)((0,external_node_path_.dirname)(path), { recursive: true });
    await (0,promises_.writeFile)(path, renderedJson(rendered), 'utf8');
    return path;
}

;// CONCATENATED MODULE: ./src/pipeline.ts
/**
 * The whole run as one straight line:
 *   render → (preflight checks) → register → deploy (strategy) → report.
 * Nothing mutating happens before every input and the template are validated and the
 * resources the deployment needs are known to exist.
 */



async function runPipeline(settings, ctx) {
    const { reporter } = ctx;
    const outputs = {};
    maskSecretVars(settings.render, reporter);
    const rendered = await reporter.phase('render', 'Render and validate the task definition', async () => {
        const r = await renderTaskDefinition(settings.render, { ecs: ctx.aws.ecs, reporter });
        outputs['task-definition'] = await writeRendered(r);
        reporter.info(`rendered ${r.family} → ${outputs['task-definition']}`);
        return r;
    });
    if (settings.mode === 'render')
        return { outputs };
    // The deployment code is loaded only by runs that deploy.
    const deploying = settings.mode === 'deploy' ? await Promise.all(/* import() */[__webpack_require__.e(852), __webpack_require__.e(114)]).then(__webpack_require__.bind(__webpack_require__, 114)) : undefined;
    const checked = deploying ? await deploying.preflight(settings, ctx) : undefined;
    const registered = await reporter.phase('register', 'Register the revision', () => registerRevision(rendered, { ecs: ctx.aws.ecs, reporter }, { candidates: checked?.running ?? [] }));
    outputs['task-definition-arn'] = registered.arn;
    outputs['task-definition-reused'] = String(registered.reused);
    if (!deploying || !checked)
        return { outputs };
    const diff = checked.current && checked.current !== registered.arn ? await changes(checked.current, rendered, ctx) : undefined;
    const deploy = await deploying.deployWithGates(settings, registered.arn, checked.baseline, ctx);
    Object.assign(outputs, deploying.deployOutputs(deploy));
    return { outputs, deploy, ...(diff ? { diff } : {}) };
}
/** The revision diff for the log and the summary; a read that fails only costs the diff. */
async function changes(current, rendered, ctx) {
    try {
        const { taskDefinition } = await ctx.aws.ecs.describeTaskDefinition(current);
        const diff = formatDiff(diffTaskDefinitions(taskDefinition, rendered.input));
        ctx.reporter.info(`changes against ${current.split('/').pop()}:\n${diff}`);
        return diff;
    }
    catch (error) {
        ctx.reporter.warning(`could not compare with ${current}: ${(0,src_errors/* errorMessage */.gJ)(error)}`);
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/report/summary.ts

const ICON = { succeeded: '✅', 'rolled-back': '↩️', failed: '❌' };
function verdictLine(input) {
    if (input.error)
        return `### ❌ ecs-rollout failed: ${oneLine(input.error)}`;
    if (input.status) {
        const what = { succeeded: 'Deployment succeeded', 'rolled-back': 'Deployment rolled back', failed: 'Deployment failed' }[input.status];
        return `### ${ICON[input.status]} ${what}${input.reason ? `: ${oneLine(input.reason)}` : ''}`;
    }
    const arn = input.outputs['task-definition-arn'];
    if (arn)
        return `### ✅ ${input.outputs['task-definition-reused'] === 'true' ? 'Reused' : 'Registered'} ${revisionName(arn)}`;
    return `### ✅ Rendered ${input.outputs['task-definition'] ?? 'the task definition'}`;
}
function oneLine(s) {
    return s.split('\n')[0].replace(/\|/g, '\\|');
}
function revisionName(arn) {
    return arn.split('/').pop() ?? arn;
}
function phaseRows(events) {
    const rows = [];
    const open = [];
    for (const e of events) {
        if (e.kind === 'phase-started') {
            const row = { phase: e.phase, title: e.title, start: e.at, notes: [] };
            rows.push(row);
            open.push(row);
        }
        else if (e.kind === 'phase-finished') {
            const idx = open.map((r) => r.phase).lastIndexOf(e.phase);
            if (idx >= 0) {
                const [row] = open.splice(idx, 1);
                row.end = e.at;
                row.ok = e.ok;
            }
        }
        else {
            const row = open[open.length - 1];
            if (!row)
                continue;
            if (e.kind === 'weights')
                row.notes.push(`weights ${formatWeights(e.weights)}${e.verified ? ' (verified)' : ''}`);
            if (e.kind === 'gate' && e.phase !== 'pass')
                row.notes.push(`${e.gate}: ${e.phase} — ${e.reason}`);
            if (e.kind === 'registered')
                row.notes.push(`${e.reused ? 'reused' : 'registered'} ${revisionName(e.arn)}`);
        }
    }
    return rows;
}
function formatWeights(weights) {
    return Object.entries(weights)
        .map(([k, v]) => `${shortName(k)} ${v}%`)
        .join(' / ');
}
function shortName(key) {
    // Target group ARNs: arn:aws:elasticloadbalancing:…:targetgroup/NAME/ID → NAME
    const tg = /targetgroup\/([^/]+)\//.exec(key);
    return tg ? tg[1] : key;
}
/** A Mermaid xychart of each colour's traffic share over time (seconds since the first phase started). */
function trafficChart(events) {
    // A point per change: the same weights read twice (a preflight, then the deployment) are one point.
    const weights = events
        .filter((e) => e.kind === 'weights')
        .filter((e, i, all) => i === 0 || JSON.stringify(e.weights) !== JSON.stringify(all[i - 1].weights));
    if (weights.length === 0)
        return undefined;
    const t0 = events.find((e) => e.kind === 'phase-started')?.at ?? weights[0].at;
    const names = [...new Set(weights.flatMap((w) => Object.keys(w.weights)))];
    const xs = weights.map((w) => Math.max(0, (w.at - t0) / 1000));
    const lines = names.map((n) => `  line "${shortName(n)}" [${weights.map((w) => w.weights[n] ?? 0).join(', ')}]`);
    return [
        '```mermaid',
        'xychart-beta',
        '  title "Traffic share per colour (%)"',
        `  x-axis "seconds since start" [${xs.map((x) => x.toFixed(1)).join(', ')}]`,
        '  y-axis "traffic %" 0 --> 100',
        ...lines,
        '```'
    ].join('\n');
}
function consoleLinks(input) {
    const region = input.region;
    if (!region)
        return [];
    const base = `https://${region}.console.aws.amazon.com/ecs/v2`;
    const links = [];
    for (const service of input.services ?? []) {
        if (input.cluster) {
            links.push(`[service ${service}](${base}/clusters/${input.cluster}/services/${service}/health?region=${region})`);
            links.push(`[deployments of ${service}](${base}/clusters/${input.cluster}/services/${service}/deployments?region=${region})`);
        }
    }
    const arn = input.outputs['task-definition-arn'];
    const m = arn && /task-definition\/([^:]+):(\d+)$/.exec(arn);
    if (m)
        links.push(`[revision ${m[1]}:${m[2]}](${base}/task-definitions/${m[1]}/${m[2]}/containers?region=${region})`);
    return links;
}
function renderSummary(input) {
    const out = [verdictLine(input), ''];
    // The verdict line holds only the error's first line; several input problems
    // ("3 problems:" + one line each) would otherwise never reach the summary.
    const details = input.error?.split('\n').slice(1).filter((l) => l.trim() !== '');
    if (details?.length)
        out.push('```', ...details, '```', '');
    const rows = phaseRows(input.events);
    if (rows.length) {
        out.push('| phase | took | result | notes |', '| --- | --- | --- | --- |');
        for (const r of rows) {
            const took = r.end !== undefined ? (0,duration/* formatDuration */.a)(r.end - r.start) : '…';
            const result = r.ok === undefined ? 'interrupted' : r.ok ? 'ok' : 'failed';
            out.push(`| ${r.title} | ${took} | ${result} | ${r.notes.map(oneLine).join('<br>')} |`);
        }
        out.push('');
    }
    const chart = trafficChart(input.events);
    if (chart)
        out.push(chart, '');
    const evidence = input.events.filter((e) => e.kind === 'evidence');
    for (const e of evidence)
        out.push(`#### ${e.title}`, '', '```', ...e.lines, '```', '');
    const outputs = Object.entries(input.outputs).filter(([, v]) => v !== '');
    if (outputs.length) {
        out.push('<details><summary>Outputs</summary>', '', '| output | value |', '| --- | --- |');
        for (const [k, v] of outputs)
            out.push(`| \`${k}\` | \`${oneLine(v)}\` |`);
        out.push('', '</details>', '');
    }
    if (input.diff)
        out.push('<details><summary>Revision diff</summary>', '', '```diff', input.diff, '```', '', '</details>', '');
    const links = consoleLinks(input);
    if (links.length)
        out.push(`AWS console: ${links.join(' · ')}`, '');
    return out.join('\n');
}

;// CONCATENATED MODULE: ./src/deploy/settings.ts


const STRATEGIES = ['rolling', 'blue-green'];
const PROPAGATE_TAGS = ['SERVICE', 'TASK_DEFINITION', 'NONE'];
const LAUNCH_TYPES = ['FARGATE', 'EC2', 'EXTERNAL', 'MANAGED_INSTANCES'];
const MINUTE = 60_000;
function readDeploySettings(inputs) {
    const strategy = inputs.oneOf('strategy', STRATEGIES, 'rolling');
    const waitMinutes = inputs.number('wait-for-minutes', { min: 0 }) ?? 30;
    // `timeout` is the duration form of the official action's `wait-for-minutes` and wins when given.
    const timeoutMs = inputs.string('timeout') !== undefined ? inputs.duration('timeout', '30m') : Math.round(waitMinutes * MINUTE);
    const pollIntervalMs = inputs.duration('poll-interval', '5s');
    if (pollIntervalMs <= 0) {
        throw new src_errors/* InputError */.dz(`${inputs.label('poll-interval')} must be more than zero`, {}, 'use e.g. 5s (or 200ms on the local ECS)');
    }
    const settings = {
        strategy,
        cluster: inputs.string('cluster') ?? 'default',
        forceNewDeployment: inputs.bool('force-new-deployment', false),
        circuitBreaker: inputs.bool('circuit-breaker', true),
        waitForServiceStability: inputs.bool('wait-for-service-stability', true),
        timeoutMs,
        pollIntervalMs,
        bakeTimeMs: inputs.duration('bake-time', '0')
    };
    const service = inputs.string('service');
    if (service !== undefined)
        settings.service = service;
    const desiredCount = inputs.int('desired-count', { min: 0 });
    if (desiredCount !== undefined)
        settings.desiredCount = desiredCount;
    const propagate = inputs.string('propagate-tags');
    if (propagate !== undefined)
        settings.propagateTags = inputs.oneOf('propagate-tags', PROPAGATE_TAGS, 'NONE');
    const managedTags = optionalBool(inputs, 'enable-ecs-managed-tags');
    if (managedTags !== undefined)
        settings.enableEcsManagedTags = managedTags;
    const exec = optionalBool(inputs, 'enable-execute-command');
    if (exec !== undefined)
        settings.enableExecuteCommand = exec;
    const grace = inputs.int('health-check-grace-period', { min: 0, max: 2_147_483_647 });
    if (grace !== undefined)
        settings.healthCheckGracePeriodSeconds = grace;
    if (inputs.bool('run-task', false))
        settings.runTask = readRunTask(inputs);
    return settings;
}
/** A boolean that stays undefined when not given, so the service keeps its own setting. */
function optionalBool(inputs, name) {
    return inputs.string(name) === undefined ? undefined : inputs.bool(name, false);
}
function readRunTask(inputs) {
    const run = {
        environment: inputs.keyValues('run-task-environment'),
        startedBy: inputs.string('run-task-started-by') ?? 'ecs-rollout-migrate'
    };
    // ECS limits startedBy to 36 letters, digits, hyphens and underscores.
    if (!/^[\w-]{1,36}$/.test(run.startedBy)) {
        throw new src_errors/* InputError */.dz(`${inputs.label('run-task-started-by')} is "${run.startedBy}"`, {}, 'use up to 36 letters, digits, - and _');
    }
    const container = inputs.string('run-task-container');
    if (container !== undefined)
        run.container = container;
    const command = inputs.string('run-task-command');
    if (command !== undefined)
        run.command = splitCommand(command, inputs.label('run-task-command'));
    const launchType = inputs.string('run-task-launch-type');
    if (launchType !== undefined) {
        run.launchType = inputs.oneOf('run-task-launch-type', LAUNCH_TYPES, 'FARGATE');
    }
    const subnets = inputs.list('run-task-subnets');
    if (subnets.length > 0)
        run.subnets = subnets;
    const groups = inputs.list('run-task-security-groups');
    if (groups.length > 0)
        run.securityGroups = groups;
    const publicIp = inputs.string('run-task-assign-public-ip');
    if (publicIp !== undefined) {
        const upper = publicIp.toUpperCase();
        if (upper !== 'ENABLED' && upper !== 'DISABLED') {
            throw new src_errors/* InputError */.dz(`${inputs.label('run-task-assign-public-ip')} is "${publicIp}"`, {}, 'use ENABLED or DISABLED');
        }
        run.assignPublicIp = upper;
    }
    return run;
}

// EXTERNAL MODULE: ./src/deploy/colours.ts
var colours = __webpack_require__(1246);
// EXTERNAL MODULE: ./src/deploy/steps.ts
var deploy_steps = __webpack_require__(9416);
;// CONCATENATED MODULE: ./src/deploy/blue-green-settings.ts
/**
 * The blue/green inputs, read and validated once, up front: every problem is reported
 * together, before any AWS call.
 */



const TG_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d+:targetgroup\/[A-Za-z0-9-]{1,32}\/[A-Za-z0-9]+$/;
const LISTENER_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d+:listener\/(app|net|gwy)\/[^/]+\/[^/]+\/[^/]+$/;
const RULE_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d+:listener-rule\/(app|net|gwy)\/[^/]+\/[^/]+\/[^/]+\/[^/]+$/;
const TG_EXAMPLE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef';
function targetGroupArn(inputs, name) {
    const v = inputs.required(name);
    if (TG_ARN.test(v))
        return v;
    const fix = v.startsWith('arn:')
        ? `an ELBv2 target group ARN looks like ${TG_EXAMPLE}`
        : `give the ARN, not the name: \`aws elbv2 describe-target-groups --names ${v} --query 'TargetGroups[0].TargetGroupArn'\``;
    throw new src_errors/* InputError */.dz(`${inputs.label(name)} is "${v}", not a target group ARN`, {}, fix);
}
function trafficTarget(inputs) {
    const listener = inputs.string('listener-arn');
    const rule = inputs.string('listener-rule-arn');
    const both = `${inputs.label('listener-arn')} or ${inputs.label('listener-rule-arn')}`;
    if (listener && rule)
        throw new src_errors/* InputError */.dz(`both ${inputs.label('listener-arn')} and ${inputs.label('listener-rule-arn')} are set`, {}, `set only one: the listener's default action or one of its rules`);
    if (!listener && !rule)
        throw new src_errors/* InputError */.dz(`blue/green needs ${both}`, {}, 'give the listener (or listener rule) that forwards to both target groups');
    if (listener) {
        if (LISTENER_ARN.test(listener))
            return { listenerArn: listener };
        const fix = RULE_ARN.test(listener)
            ? `that is a listener rule ARN: set it as ${inputs.label('listener-rule-arn')}`
            : 'a listener ARN looks like arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
        throw new src_errors/* InputError */.dz(`${inputs.label('listener-arn')} is "${listener}", not a listener ARN`, {}, fix);
    }
    if (RULE_ARN.test(rule))
        return { ruleArn: rule };
    const fix = LISTENER_ARN.test(rule)
        ? `that is a listener ARN: set it as ${inputs.label('listener-arn')}`
        : 'a listener rule ARN looks like arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
    throw new src_errors/* InputError */.dz(`${inputs.label('listener-rule-arn')} is "${rule}", not a listener rule ARN`, {}, fix);
}
function smokeTest(inputs) {
    const url = inputs.string('smoke-test-url');
    const timeoutMs = inputs.duration('smoke-test-timeout', '10s');
    if (url === undefined)
        return undefined;
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
        throw new src_errors/* InputError */.dz(`${inputs.label('smoke-test-url')} is "${url}", not an http(s) URL`, {}, 'use e.g. http://internal-web-123.us-east-1.elb.amazonaws.com:8080/health');
    }
    if (timeoutMs <= 0)
        throw new src_errors/* InputError */.dz(`${inputs.label('smoke-test-timeout')} is 0`, {}, 'use a positive duration, e.g. 10s');
    return { url, timeoutMs };
}
/** Runs each reader, collecting InputErrors so the user sees every problem at once. */
class Collector {
    errors = [];
    read(fn, fallback) {
        try {
            return fn();
        }
        catch (error) {
            if (error instanceof src_errors/* InputErrors */.G)
                this.errors.push(...error.errors);
            else if (error instanceof src_errors/* InputError */.dz)
                this.errors.push(error);
            else
                throw error;
            return fallback;
        }
    }
}
function readBlueGreenSettings(inputs) {
    const c = new Collector();
    const blueService = c.read(() => inputs.required('blue-service'), '');
    const greenService = c.read(() => inputs.required('green-service'), '');
    const blueTg = c.read(() => targetGroupArn(inputs, 'blue-target-group'), '');
    const greenTg = c.read(() => targetGroupArn(inputs, 'green-target-group'), '');
    const target = c.read(() => trafficTarget(inputs), { listenerArn: '' });
    const steps = c.read(() => (0,deploy_steps/* parseTrafficSteps */.a)(inputs.string('traffic-steps') ?? '10,50,100', inputs.label('traffic-steps')), [100]);
    const stepBakeMs = c.read(() => inputs.duration('step-bake', '30s'), 0);
    const finalBakeMs = c.read(() => inputs.duration('final-bake', '60s'), 0);
    const terminationWaitMs = c.read(() => inputs.duration('termination-wait', '30s'), 0);
    const onInterrupted = c.read(() => inputs.oneOf('on-interrupted', colours/* ON_INTERRUPTED */.nT, 'fail'), 'fail');
    const idleDesiredCount = c.read(() => inputs.int('idle-desired-count', { min: 0 }) ?? 0, 0);
    const smoke = c.read(() => smokeTest(inputs), undefined);
    if (blueService && blueService === greenService) {
        c.errors.push(new src_errors/* InputError */.dz(`${inputs.label('blue-service')} and ${inputs.label('green-service')} are both "${blueService}"`, {}, 'blue/green needs two services, one per colour'));
    }
    if (blueTg && blueTg === greenTg) {
        c.errors.push(new src_errors/* InputError */.dz(`${inputs.label('blue-target-group')} and ${inputs.label('green-target-group')} are the same target group`, {}, 'give each colour its own target group'));
    }
    if (c.errors.length === 1)
        throw c.errors[0];
    if (c.errors.length > 1)
        throw new src_errors/* InputErrors */.G(c.errors);
    return {
        colours: {
            blue: { service: blueService, targetGroupArn: blueTg },
            green: { service: greenService, targetGroupArn: greenTg }
        },
        target,
        steps,
        stepBakeMs,
        finalBakeMs,
        terminationWaitMs,
        onInterrupted,
        idleDesiredCount,
        ...(smoke ? { smokeTest: smoke } : {})
    };
}

// EXTERNAL MODULE: ./src/gates/settings.ts
var settings = __webpack_require__(827);
;// CONCATENATED MODULE: ./src/settings.ts





function readSettings(inputs, env) {
    // Read every group even when a later one fails, so the user sees all problems at once.
    const problems = [];
    const read = (fn) => {
        try {
            return fn();
        }
        catch (error) {
            if (error instanceof src_errors/* InputError */.dz) {
                problems.push(error);
                return undefined;
            }
            throw error;
        }
    };
    const render = read(() => readRenderSettings(inputs, env));
    const register = read(() => inputs.bool('register', true));
    const deploy = read(() => readDeploySettings(inputs));
    const blueGreen = deploy?.strategy === 'blue-green' ? read(() => readBlueGreenSettings(inputs)) : undefined;
    const gates = read(() => (0,settings/* readGateSettings */.fG)(inputs));
    if (problems.length === 1)
        throw problems[0];
    if (problems.length > 1)
        throw new src_errors/* InputErrors */.G(problems);
    const deploying = deploy.strategy === 'blue-green' || Boolean(deploy.service);
    if (deploying && !register) {
        throw new src_errors/* InputError */.dz(`${inputs.label('register')} is false but a service is given`, {}, 'a deployment needs a registered revision: remove register: false, or pass task-definition-arn to deploy an existing revision');
    }
    const mode = deploying ? 'deploy' : register ? 'register' : 'render';
    return { mode, render: render, deploy: deploy, ...(blueGreen ? { blueGreen } : {}), gates: gates };
}

// EXTERNAL MODULE: ./src/timer.ts
var timer = __webpack_require__(9610);
;// CONCATENATED MODULE: ./src/main.ts













/** The main step: inputs → settings → pipeline → outputs and summary. Any throw, of anything, fails the step. */
async function run() {
    const reporter = new action_reporter/* ActionReporter */.U();
    const controller = cancellationOnSignals((signal) => core/* warning */.$e(`Received ${signal} (workflow cancelled): stopping and rolling back`));
    let settings;
    let result;
    let failure;
    let deployment;
    try {
        const inputs = new Inputs(actionInputSource);
        settings = readSettings(inputs, process.env);
        deployment = await startGithubDeployment(inputs);
        result = await runPipeline(settings, {
            aws: (0,clients/* createAws */.g)(),
            reporter,
            timer: timer/* realTimer */.m,
            signal: controller.signal,
            state: state/* actionState */.M
        });
        for (const [name, value] of Object.entries(result.outputs))
            core/* setOutput */.uH(name, reporter.mask(value));
        if (result.deploy && result.deploy.status !== 'succeeded')
            core/* setFailed */.C1(reporter.mask(result.deploy.reason));
    }
    catch (error) {
        const errors = error instanceof src_errors/* InputErrors */.G ? error.errors : [error];
        const annotated = errors.filter((e) => e instanceof src_errors/* InputError */.dz && Boolean(e.location.file));
        for (const e of annotated)
            reporter.error(e.message, e.location);
        failure = (0,src_errors/* errorMessage */.gJ)(error);
        if (settings?.mode === 'deploy') {
            // Refused before anything changed (preflight, registration): still a verdict downstream steps can read.
            core/* setOutput */.uH('status', 'failed');
            core/* setOutput */.uH('rolled-back', 'false');
            core/* setOutput */.uH('reason', reporter.mask(failure));
        }
        // Problems already shown as annotations are not printed twice.
        core/* setFailed */.C1(reporter.mask(annotated.length === errors.length
            ? `${annotated.length === 1 ? 'the template has a problem' : `the template has ${annotated.length} problems`} (see above)`
            : failure));
    }
    await deployment?.finish(result?.deploy?.status ?? (failure ? 'failed' : 'succeeded'), result?.deploy?.reason ?? failure ?? 'deployed');
    await writeSummary(reporter, settings, result, failure);
}
/** A GitHub deployment for the `environment` input; @actions/github is loaded only then. */
async function startGithubDeployment(inputs) {
    const environment = inputs.string('environment');
    if (!environment)
        return undefined;
    const run = runContextFromEnv(process.env);
    if (!run) {
        core/* warning */.$e('environment is set but this is not a GitHub Actions run (GITHUB_REPOSITORY / GITHUB_SHA missing): no GitHub deployment');
        return undefined;
    }
    const environmentUrl = inputs.string('environment-url');
    return startDeployment({
        token: inputs.string('github-token') ?? process.env.GITHUB_TOKEN,
        environment,
        ...(environmentUrl ? { environmentUrl } : {}),
        ...run,
        log: { warning: (message) => core/* warning */.$e(message) }
    });
}
async function writeSummary(reporter, settings, result, failure) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    try {
        const services = settings?.blueGreen
            ? [settings.blueGreen.colours.blue.service, settings.blueGreen.colours.green.service]
            : settings?.deploy.service
                ? [settings.deploy.service]
                : [];
        const markdown = renderSummary({
            events: reporter.events,
            outputs: result?.outputs ?? {},
            ...(result?.deploy ? { status: result.deploy.status, reason: result.deploy.reason } : {}),
            ...(failure ? { error: failure } : {}),
            ...(result?.diff ? { diff: result.diff } : {}),
            ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
            ...(settings ? { cluster: settings.deploy.cluster } : {}),
            services
        });
        await core/* summary */.z.addRaw(reporter.mask(markdown), true).write();
    }
    catch (error) {
        core/* warning */.$e(`could not write the job summary: ${(0,src_errors/* errorMessage */.gJ)(error)}`);
    }
}


/***/ }),

/***/ 1768:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ProxyAgent: () => (/* binding */ ProxyAgent),
/* harmony export */   fetch: () => (/* binding */ fetch),
/* harmony export */   loadUndici: () => (/* binding */ loadUndici)
/* harmony export */ });
// undici (about 900 kB) comes with @actions/http-client, which @actions/core imports only
// for OIDC tokens this action never asks for. Evaluated at start-up it would cost about a
// third of the start-up budget, so the bundle maps `undici` to this module (tsconfig
// `paths`, which ncc applies to every import in the bundle) and the real undici, in a chunk
// of its own, is loaded by `loadUndici()` just before the GitHub API is used (deployment
// statuses). Plain JavaScript because TypeScript cannot follow the `undici-real` alias
// under NodeNext resolution; its types are in undici-lazy.d.ts. Tests run unbundled and
// use the real undici directly.

let real;

async function loadUndici() {
  real ??= await __webpack_require__.e(/* import() */ 752).then(__webpack_require__.t.bind(__webpack_require__, 4371, 19));
}

function loaded() {
  if (!real) throw new Error('internal error: undici was used before loadUndici()');
  return real;
}

/** Used by @actions/http-client when a proxy is configured. */
class ProxyAgent {
  constructor(...args) {
    // A constructor may return another object: callers get the real ProxyAgent.
    return new (loaded().ProxyAgent)(...args);
  }
}

/** Used by @actions/github for every API call. */
function fetch(...args) {
  return loaded().fetch(...args);
}


/***/ })

};
