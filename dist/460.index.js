export const id = 460;
export const ids = [460];
export const modules = {

/***/ 3827:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  U: () => (/* binding */ ActionReporter)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 20 modules
var core = __webpack_require__(3218);
;// CONCATENATED MODULE: ./src/events.ts
/** Milliseconds on a monotonic clock since the process started: our own waits never use wall-clock time. */
function monotonicNow() {
    return performance.now();
}
/** A reporter that records everything: for tests and for building summaries. */
class RecordingReporter {
    lines = [];
    events = [];
    secrets = [];
    info(message) {
        this.lines.push(message);
    }
    notice(message) {
        this.lines.push(`notice: ${message}`);
    }
    warning(message) {
        this.lines.push(`warning: ${message}`);
    }
    async phase(phase, title, fn) {
        this.event({ kind: 'phase-started', phase, title, at: monotonicNow() });
        let ok = false;
        try {
            const result = await fn();
            ok = true;
            return result;
        }
        finally {
            this.event({ kind: 'phase-finished', phase, ok, at: monotonicNow() });
        }
    }
    event(event) {
        this.events.push(event);
    }
    secret(value) {
        this.secrets.push(value);
    }
}

;// CONCATENATED MODULE: ./src/action/reporter.ts


function annotation(where) {
    if (!where?.file)
        return undefined;
    return { file: where.file, ...(where.line ? { startLine: where.line } : {}), ...(where.path ? { title: where.path } : {}) };
}
/** Maps the core's reporter onto the runner: log groups per phase, annotations, masking. */
class ActionReporter {
    events = [];
    inGroup = false;
    info(message) {
        core/* info */.pq(message);
    }
    notice(message, where) {
        core/* notice */.lm(message, annotation(where));
    }
    warning(message, where) {
        core/* warning */.$e(message, annotation(where));
    }
    error(message, where) {
        core/* error */.z3(message, annotation(where));
    }
    async phase(phase, title, fn) {
        // The runner cannot nest groups: an inner phase (a rollback inside a deploy) gets a header line instead.
        const own = !this.inGroup;
        if (own) {
            core/* startGroup */.Oh(title);
            this.inGroup = true;
        }
        else {
            core/* info */.pq(`── ${title}`);
        }
        this.event({ kind: 'phase-started', phase, title, at: monotonicNow() });
        let ok = false;
        try {
            const result = await fn();
            ok = true;
            return result;
        }
        finally {
            this.event({ kind: 'phase-finished', phase, ok, at: monotonicNow() });
            if (own) {
                core/* endGroup */.N4();
                this.inGroup = false;
            }
        }
    }
    event(event) {
        this.events.push(event);
    }
    secret(value) {
        // Masking short or empty strings would garble every log line.
        if (value.length >= 3)
            core/* setSecret */.Pq(value);
    }
}


/***/ }),

/***/ 3175:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ actionState)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3218);

/** What the main step leaves for the post step (core.saveState writes GITHUB_STATE; the post step reads STATE_*). */
const actionState = {
    save(key, value) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(key, JSON.stringify(value));
    },
    load(key) {
        const raw = _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(key);
        if (!raw)
            return undefined;
        try {
            return JSON.parse(raw);
        }
        catch {
            return undefined;
        }
    }
};


/***/ }),

/***/ 201:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ createAws)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9378);

const DEFAULT_ATTEMPTS = 8;
function lazy(make) {
    let p;
    return () => (p ??= make());
}
function chunks(items, size) {
    const out = [];
    for (let i = 0; i < items.length; i += size)
        out.push(items.slice(i, i + size));
    return out;
}
function createAws(options = {}) {
    const config = {
        ...(options.region ? { region: options.region } : {}),
        maxAttempts: options.maxAttempts ?? DEFAULT_ATTEMPTS
    };
    const ecsSdk = lazy(async () => {
        const sdk = await Promise.all(/* import() */[__webpack_require__.e(890), __webpack_require__.e(861), __webpack_require__.e(212)]).then(__webpack_require__.t.bind(__webpack_require__, 212, 19));
        return { sdk, client: new sdk.ECSClient(config) };
    });
    const elbSdk = lazy(async () => {
        const sdk = await Promise.all(/* import() */[__webpack_require__.e(890), __webpack_require__.e(861), __webpack_require__.e(586)]).then(__webpack_require__.t.bind(__webpack_require__, 586, 19));
        return { sdk, client: new sdk.ElasticLoadBalancingV2Client(config) };
    });
    const cwSdk = lazy(async () => {
        const sdk = await Promise.all(/* import() */[__webpack_require__.e(890), __webpack_require__.e(861), __webpack_require__.e(85)]).then(__webpack_require__.t.bind(__webpack_require__, 4085, 19));
        return { sdk, client: new sdk.CloudWatchClient(config) };
    });
    const ecs = {
        describeTaskDefinition: (ref) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`describing task definition ${ref}`, async () => {
            const { sdk, client } = await ecsSdk();
            const out = await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] }));
            if (!out.taskDefinition)
                throw new Error('the response has no taskDefinition');
            return { taskDefinition: out.taskDefinition, tags: out.tags ?? [] };
        }),
        latestTaskDefinition: (family) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`reading the latest revision of task definition family ${family}`, async () => {
            const { sdk, client } = await ecsSdk();
            try {
                const out = await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: family }));
                return out.taskDefinition;
            }
            catch (error) {
                // ECS answers ClientException "Unable to describe task definition." for a family with no ACTIVE revision.
                if ((0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .awsErrorCode */ .J6)(error) === 'ClientException')
                    return undefined;
                throw error;
            }
        }),
        registerTaskDefinition: (input) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`registering a revision of task definition family ${input.family}`, async () => {
            const { sdk, client } = await ecsSdk();
            const out = await client.send(new sdk.RegisterTaskDefinitionCommand(input));
            if (!out.taskDefinition)
                throw new Error('the response has no taskDefinition');
            return out.taskDefinition;
        }),
        describeServices: (cluster, services) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`describing service${services.length > 1 ? 's' : ''} ${services.join(', ')} in cluster ${cluster}`, async () => {
            const { sdk, client } = await ecsSdk();
            const result = { services: [], failures: [] };
            for (const batch of chunks(services, 10)) {
                const out = await client.send(new sdk.DescribeServicesCommand({ cluster, services: batch }));
                result.services.push(...(out.services ?? []));
                result.failures.push(...(out.failures ?? []));
            }
            return result;
        }),
        updateService: (input) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`updating service ${input.service} in cluster ${input.cluster}`, async () => {
            const { sdk, client } = await ecsSdk();
            const out = await client.send(new sdk.UpdateServiceCommand(input));
            if (!out.service)
                throw new Error('the response has no service');
            return out.service;
        }),
        listTasks: (input) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`listing tasks in cluster ${input.cluster}`, async () => {
            const { sdk, client } = await ecsSdk();
            const arns = [];
            let nextToken;
            do {
                const out = await client.send(new sdk.ListTasksCommand({ ...input, nextToken }));
                arns.push(...(out.taskArns ?? []));
                nextToken = out.nextToken;
            } while (nextToken);
            return arns;
        }),
        describeTasks: (cluster, taskArns) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`describing ${taskArns.length} task(s) in cluster ${cluster}`, async () => {
            const { sdk, client } = await ecsSdk();
            const tasks = [];
            for (const batch of chunks(taskArns, 100)) {
                const out = await client.send(new sdk.DescribeTasksCommand({ cluster, tasks: batch }));
                tasks.push(...(out.tasks ?? []));
            }
            return tasks;
        }),
        runTask: (input) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`running a task of ${input.taskDefinition} in cluster ${input.cluster}`, async () => {
            const { sdk, client } = await ecsSdk();
            const out = await client.send(new sdk.RunTaskCommand(input));
            return { tasks: out.tasks ?? [], failures: out.failures ?? [] };
        }),
        stopTask: (cluster, task, reason) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`stopping task ${task} in cluster ${cluster}`, async () => {
            const { sdk, client } = await ecsSdk();
            await client.send(new sdk.StopTaskCommand({ cluster, task, reason }));
        })
    };
    const elb = {
        describeListener: (arn) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`describing listener ${arn}`, async () => {
            const { sdk, client } = await elbSdk();
            const out = await client.send(new sdk.DescribeListenersCommand({ ListenerArns: [arn] }));
            const listener = out.Listeners?.[0];
            if (!listener)
                throw new Error('the response has no listener');
            return listener;
        }),
        modifyListenerDefaultActions: (arn, actions) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`setting the default action of listener ${arn}`, async () => {
            const { sdk, client } = await elbSdk();
            const out = await client.send(new sdk.ModifyListenerCommand({ ListenerArn: arn, DefaultActions: actions }));
            const listener = out.Listeners?.[0];
            if (!listener)
                throw new Error('the response has no listener');
            return listener;
        }),
        describeRule: (arn) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`describing listener rule ${arn}`, async () => {
            const { sdk, client } = await elbSdk();
            const out = await client.send(new sdk.DescribeRulesCommand({ RuleArns: [arn] }));
            const rule = out.Rules?.[0];
            if (!rule)
                throw new Error('the response has no rule');
            return rule;
        }),
        modifyRuleActions: (arn, actions) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`setting the actions of listener rule ${arn}`, async () => {
            const { sdk, client } = await elbSdk();
            const out = await client.send(new sdk.ModifyRuleCommand({ RuleArn: arn, Actions: actions }));
            const rule = out.Rules?.[0];
            if (!rule)
                throw new Error('the response has no rule');
            return rule;
        }),
        describeTargetGroups: (arns) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`describing target group${arns.length > 1 ? 's' : ''} ${arns.join(', ')}`, async () => {
            const { sdk, client } = await elbSdk();
            const out = await client.send(new sdk.DescribeTargetGroupsCommand({ TargetGroupArns: arns }));
            return out.TargetGroups ?? [];
        }),
        describeTargetHealth: (arn) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`reading the health of the targets in ${arn}`, async () => {
            const { sdk, client } = await elbSdk();
            const out = await client.send(new sdk.DescribeTargetHealthCommand({ TargetGroupArn: arn }));
            return out.TargetHealthDescriptions ?? [];
        })
    };
    const cloudwatch = {
        putMetricAlarm: (input) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`creating alarm ${input.AlarmName}`, async () => {
            const { sdk, client } = await cwSdk();
            await client.send(new sdk.PutMetricAlarmCommand(input));
        }),
        describeAlarms: (names) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`reading alarm${names.length > 1 ? 's' : ''} ${names.join(', ')}`, async () => {
            const { sdk, client } = await cwSdk();
            const result = { metricAlarms: [], compositeAlarms: [] };
            for (const batch of chunks(names, 100)) {
                const out = await client.send(new sdk.DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
                result.metricAlarms.push(...(out.MetricAlarms ?? []));
                result.compositeAlarms.push(...(out.CompositeAlarms ?? []));
            }
            return result;
        }),
        deleteAlarms: (names) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .attempt */ .CD)(`deleting alarm${names.length > 1 ? 's' : ''} ${names.join(', ')}`, async () => {
            const { sdk, client } = await cwSdk();
            for (const batch of chunks(names, 100))
                await client.send(new sdk.DeleteAlarmsCommand({ AlarmNames: batch }));
        })
    };
    return { ecs, elb, cloudwatch };
}


/***/ }),

/***/ 9378:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CD: () => (/* binding */ attempt),
/* harmony export */   J6: () => (/* binding */ awsErrorCode),
/* harmony export */   p0: () => (/* binding */ isThrottle)
/* harmony export */ });
/* unused harmony export AwsCallError */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);

/** An AWS call that failed, carrying what we were doing when it did. */
class AwsCallError extends Error {
    action;
    code;
    cause;
    name = 'AwsCallError';
    constructor(
    /** e.g. "updating service web in cluster prod" */
    action, 
    /** the AWS error code, e.g. ServiceNotFoundException */
    code, detail, cause) {
        super(`${action}: ${code}: ${detail}${hint(code)}`);
        this.action = action;
        this.code = code;
        this.cause = cause;
    }
}
const ACCESS_DENIED = /AccessDenied|UnauthorizedOperation|NotAuthorized/;
const BAD_CREDENTIALS = /UnrecognizedClient|InvalidClientTokenId|InvalidSignature|SignatureDoesNotMatch|ExpiredToken|CredentialsProviderError/;
function hint(code) {
    if (ACCESS_DENIED.test(code))
        return ' (the role the workflow runs as lacks this permission: see the IAM policy in the README)';
    if (BAD_CREDENTIALS.test(code))
        return ' (check the AWS credentials and region: configure-aws-credentials must run before this step)';
    if (code === 'ClusterNotFoundException')
        return ' (check the cluster name and the region)';
    return '';
}
function awsErrorCode(error) {
    if (error && typeof error === 'object') {
        const e = error;
        for (const c of [e.name, e.Code, e.code])
            if (typeof c === 'string' && c !== 'Error')
                return c;
    }
    return 'Error';
}
function isThrottle(error) {
    return /Throttl|RequestLimitExceeded|TooManyRequests|Rate exceeded/i.test(`${awsErrorCode(error)} ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(error)}`);
}
/** Runs one AWS call, wrapping any failure with what was being done. */
async function attempt(action, call) {
    try {
        return await call();
    }
    catch (error) {
        if (error instanceof AwsCallError)
            throw error;
        throw new AwsCallError(action, awsErrorCode(error), (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(error), error);
    }
}


/***/ }),

/***/ 4283:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _e: () => (/* binding */ restorePrevious),
/* harmony export */   cY: () => (/* binding */ rollbackRolling),
/* harmony export */   ed: () => (/* binding */ needsRollback),
/* harmony export */   uq: () => (/* binding */ ROLLING_STATE_KEY)
/* harmony export */ });
/* unused harmony export describeState */
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7607);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _verdict_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4010);
/* harmony import */ var _watch_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4808);




/** The key under which deployRolling saves its RollingState. */
const ROLLING_STATE_KEY = 'rolling';
/** Whether the post step has something to finish: the service was (or may have been) updated and not settled. */
function needsRollback(saved) {
    return saved !== undefined && (saved.phase === 'updating' || saved.phase === 'watching' || saved.phase === 'rolling-back');
}
/**
 * Puts the service back on the previous revision and waits until that is stable. The
 * wait is bounded by `saved.timeoutMs` and deliberately ignores cancellation: a cancelled
 * workflow is exactly when this must finish.
 */
async function restorePrevious(ctx, saved, watcher = new _watch_js__WEBPACK_IMPORTED_MODULE_2__/* .ServiceWatcher */ .gf(ctx, saved.cluster, [saved.service], { pollIntervalMs: saved.pollIntervalMs })) {
    const { cluster, service, previousTaskDefinitionArn: previous } = saved;
    const save = (phase, deploymentId) => ctx.state.save(ROLLING_STATE_KEY, { ...saved, phase, ...(deploymentId ? { deploymentId } : {}) });
    let current;
    let rollbackId;
    try {
        current = await (0,_watch_js__WEBPACK_IMPORTED_MODULE_2__/* .describeService */ .Jv)(ctx, cluster, service);
        if (!watcher.latest.has(service))
            watcher.anchor(current);
        const primary = current.deployments?.find((d) => d.status === 'PRIMARY');
        if (primary?.taskDefinition === previous && primary.rolloutState !== 'FAILED') {
            // Already heading back (ECS's own rollback, or an earlier attempt of ours): wait for it rather than start another.
            rollbackId = primary.id;
            ctx.reporter.info(`Service ${service} is already on ${(0,_verdict_js__WEBPACK_IMPORTED_MODULE_3__/* .revision */ .Q)(previous)} (deployment ${primary.id}); waiting for it to be stable`);
        }
        else {
            const input = { cluster, service, taskDefinition: previous };
            if (saved.previousDesiredCount !== undefined)
                input.desiredCount = saved.previousDesiredCount;
            const updated = await ctx.aws.ecs.updateService(input);
            rollbackId = updated.deployments?.find((d) => d.status === 'PRIMARY' && d.taskDefinition === previous)?.id;
            ctx.reporter.info(`Rolling service ${service} back to ${(0,_verdict_js__WEBPACK_IMPORTED_MODULE_3__/* .revision */ .Q)(previous)}${rollbackId ? ` (deployment ${rollbackId})` : ''}`);
        }
        save('rolling-back', rollbackId);
    }
    catch (error) {
        return { ok: false, detail: `could not start the rollback to ${(0,_verdict_js__WEBPACK_IMPORTED_MODULE_3__/* .revision */ .Q)(previous)}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error)}; ${await stateOf(ctx, saved)}` };
    }
    const ours = { taskDefinitionArn: previous, ...(rollbackId ? { deploymentId: rollbackId } : {}) };
    try {
        const end = await (0,_watch_js__WEBPACK_IMPORTED_MODULE_2__/* .watchUntil */ .m2)(watcher, ctx.timer, (services) => {
            const svc = services.get(service);
            if (!svc)
                return undefined;
            const verdict = (0,_verdict_js__WEBPACK_IMPORTED_MODULE_3__/* .judge */ .S)(svc, ours);
            return verdict.kind === 'in-progress' ? undefined : verdict;
        }, { timeoutMs: saved.timeoutMs });
        const now = watcher.latest.get(service);
        if (end.kind === 'decided' && end.value.kind === 'succeeded') {
            save('done', rollbackId);
            return { ok: true, detail: `service ${service} is stable on ${(0,_verdict_js__WEBPACK_IMPORTED_MODULE_3__/* .revision */ .Q)(previous)}`, ...(rollbackId ? { deploymentId: rollbackId } : {}) };
        }
        const why = end.kind === 'decided' && end.value.kind !== 'succeeded'
            ? `the rollback deployment did not succeed: ${end.value.reason}`
            : `the rollback was not stable after ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(saved.timeoutMs)}`;
        return { ok: false, detail: `${why}; ${describeState(service, now)}` };
    }
    catch (error) {
        return { ok: false, detail: `watching the rollback failed: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error)}; ${await stateOf(ctx, saved)}` };
    }
}
/**
 * The post step's entry point (and `ecs-rollout rollback`): roll the service back to the
 * revision saved before the deployment, in its own log group.
 */
async function rollbackRolling(saved, ctx, reason = 'the deployment did not finish') {
    const restored = await ctx.reporter.phase('rollback', `Rolling back service ${saved.service} to ${(0,_verdict_js__WEBPACK_IMPORTED_MODULE_3__/* .revision */ .Q)(saved.previousTaskDefinitionArn)}`, () => restorePrevious(ctx, saved));
    const result = {
        status: restored.ok ? 'rolled-back' : 'failed',
        reason: restored.ok ? `${reason}: rolled back, ${restored.detail}` : `${reason}, and the rollback failed: ${restored.detail}`,
        taskDefinitionArn: saved.taskDefinitionArn,
        previousTaskDefinitionArn: saved.previousTaskDefinitionArn,
        rolledBack: restored.ok,
        outputs: {},
        ...(saved.deploymentId ? { deploymentId: saved.deploymentId } : {})
    };
    ctx.reporter.event({ kind: 'verdict', status: result.status, reason: result.reason, at: ctx.timer.now() });
    return result;
}
/** "service web: PRIMARY web:7 (ecs-svc/2) IN_PROGRESS: 1/2 running, …; ACTIVE web:8 …". */
function describeState(name, service) {
    if (!service)
        return `the state of service ${name} is unknown`;
    const lines = (service.deployments ?? []).map(_watch_js__WEBPACK_IMPORTED_MODULE_2__/* .progressLine */ .oz);
    return `service ${name} now has ${lines.length === 0 ? 'no deployments' : lines.join('; ')}`;
}
async function stateOf(ctx, saved) {
    try {
        return describeState(saved.service, await (0,_watch_js__WEBPACK_IMPORTED_MODULE_2__/* .describeService */ .Jv)(ctx, saved.cluster, saved.service));
    }
    catch (error) {
        return `the state of service ${saved.service} could not be read (${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error)})`;
    }
}


/***/ }),

/***/ 4010:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ revision),
/* harmony export */   S: () => (/* binding */ judge)
/* harmony export */ });
/**
 * The honest verdict on one description of a service. Pure, so it can be table-tested.
 *
 * A service that is "stable" is not a success: after the circuit breaker rolled back, the
 * service is stable on the OLD revision. Success needs the PRIMARY to be our deployment.
 */
function judge(service, ours) {
    const deployments = service.deployments ?? [];
    const primary = deployments.find((d) => d.status === 'PRIMARY');
    const mine = deployments.find((d) => isOurs(d, ours));
    if (mine?.rolloutState === 'FAILED') {
        const why = mine.rolloutStateReason ?? 'the deployment failed';
        if (primary && primary !== mine)
            return { kind: 'rolled-back-by-ecs', reason: rolledBackReason(primary, why) };
        // Still PRIMARY and FAILED: with rollback configured ECS is about to start the rollback deployment.
        if (service.deploymentConfiguration?.deploymentCircuitBreaker?.rollback)
            return { kind: 'rolled-back-by-ecs', reason: why };
        return { kind: 'failed', reason: why, rollBack: true };
    }
    if (!primary)
        return { kind: 'in-progress' };
    if (!isOurs(primary, ours)) {
        // ECS always makes the newest deployment PRIMARY, and ours was PRIMARY when created: this one is newer.
        if (primary.taskDefinition === ours.taskDefinitionArn) {
            return {
                kind: 'failed',
                reason: `another deployment of the same revision (${primary.id}) replaced ours (${ours.deploymentId}) while we watched`,
                rollBack: false
            };
        }
        const backToPrevious = ours.previousTaskDefinitionArn === undefined ||
            primary.taskDefinition === ours.previousTaskDefinitionArn ||
            /roll(ing|ed)? ?back/i.test(primary.rolloutStateReason ?? '');
        if (backToPrevious)
            return { kind: 'rolled-back-by-ecs', reason: rolledBackReason(primary, mine?.rolloutStateReason) };
        return {
            kind: 'failed',
            reason: `another deployment (${primary.id}, ${revision(primary.taskDefinition)}) replaced ours while we watched`,
            rollBack: false
        };
    }
    const running = primary.runningCount ?? 0;
    const desired = primary.desiredCount ?? 0;
    if (running !== desired)
        return { kind: 'in-progress' };
    if (primary.rolloutState !== undefined)
        return primary.rolloutState === 'COMPLETED' ? { kind: 'succeeded' } : { kind: 'in-progress' };
    // Services without rolloutState (e.g. behind a Classic Load Balancer): steady means our deployment is the only one left.
    return deployments.length === 1 ? { kind: 'succeeded' } : { kind: 'in-progress' };
}
function isOurs(d, ours) {
    if (d.taskDefinition !== ours.taskDefinitionArn)
        return false;
    return ours.deploymentId === undefined ? d.status === 'PRIMARY' : d.id === ours.deploymentId;
}
function rolledBackReason(primary, why) {
    const back = `ECS rolled the service back to ${revision(primary.taskDefinition)} (deployment ${primary.id})`;
    const unique = [...new Set([why, primary.rolloutStateReason].filter((s) => Boolean(s)))];
    return unique.length > 0 ? `${back}: ${unique.join('; ')}` : back;
}
/** `family:revision` from a task definition ARN, for messages. */
function revision(taskDefinitionArn) {
    if (!taskDefinitionArn)
        return 'an unknown revision';
    const slash = taskDefinitionArn.lastIndexOf('/');
    return slash >= 0 ? taskDefinitionArn.slice(slash + 1) : taskDefinitionArn;
}


/***/ }),

/***/ 4808:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Jv: () => (/* binding */ describeService),
/* harmony export */   Vb: () => (/* binding */ nameOf),
/* harmony export */   gf: () => (/* binding */ ServiceWatcher),
/* harmony export */   m2: () => (/* binding */ watchUntil),
/* harmony export */   oz: () => (/* binding */ progressLine),
/* harmony export */   uk: () => (/* binding */ controllerProblem)
/* harmony export */ });
/* unused harmony export newEvents */
/* harmony import */ var _aws_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9378);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7607);
/* harmony import */ var _verdict_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4010);




/**
 * Watches up to ten services with ONE DescribeServices call per poll (ECS's read API is
 * throttled per account), printing deployment progress only when it changes and only the
 * service events newer than the newest one already printed.
 */
class ServiceWatcher {
    ctx;
    cluster;
    services;
    progress = new Map();
    anchors = new Map();
    normalMs;
    maxMs;
    random;
    /** Un-jittered back-off; equals the poll interval while AWS is not throttling. */
    backoffMs;
    /** The newest description of each service, for evidence and messages. */
    latest = new Map();
    constructor(ctx, cluster, services, options) {
        this.ctx = ctx;
        this.cluster = cluster;
        this.services = services;
        if (services.length === 0 || services.length > 10)
            throw new Error(`a watcher takes 1 to 10 services, not ${services.length}`);
        this.normalMs = options.pollIntervalMs;
        this.maxMs = options.maxIntervalMs ?? Math.max(options.pollIntervalMs, Math.min(options.pollIntervalMs * 16, 60_000));
        this.random = options.random ?? Math.random;
        this.backoffMs = this.normalMs;
    }
    /**
     * Marks what is already there as seen: events up to the newest one (read before our
     * UpdateService) and the current deployments, so the first poll prints only what is new.
     */
    anchor(service) {
        const name = nameOf(service);
        this.latest.set(name, service);
        const newest = (service.events ?? [])[0];
        this.anchors.set(name, { id: newest?.id, createdAt: newest?.createdAt?.getTime() ?? Number.NEGATIVE_INFINITY, seen: new Set() });
    }
    /** The id of the newest event before the watch began, for evidence ("events since the deployment started"). */
    anchorEventId(service) {
        return this.anchors.get(service)?.id;
    }
    /** One DescribeServices call. Throttling is absorbed (and slows the next sleeps); any other error is thrown. */
    async poll() {
        let described;
        try {
            described = await this.ctx.aws.ecs.describeServices(this.cluster, this.services);
        }
        catch (error) {
            if (!(0,_aws_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .isThrottle */ .p0)(error))
                throw error;
            this.backoffMs = Math.min(this.backoffMs * 2, this.maxMs);
            this.ctx.reporter.info(`ECS is throttling our reads (${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error)}); polling every ~${(0,_duration_js__WEBPACK_IMPORTED_MODULE_2__/* .formatDuration */ .a)(this.backoffMs)} until it stops`);
            return { kind: 'throttled' };
        }
        if (this.backoffMs !== this.normalMs) {
            this.backoffMs = this.normalMs;
            this.ctx.reporter.info(`ECS answers again; polling every ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_2__/* .formatDuration */ .a)(this.normalMs)}`);
        }
        const missing = described.failures.map((f) => `${f.arn ?? '?'} (${f.reason ?? 'unknown'})`);
        if (missing.length > 0)
            throw new Error(`describing services in cluster ${this.cluster}: ${missing.join(', ')}`);
        const byName = new Map();
        for (const service of described.services) {
            const name = nameOf(service);
            byName.set(name, service);
            this.latest.set(name, service);
            this.printProgress(name, service);
            this.printEvents(name, service.events ?? []);
        }
        return { kind: 'ok', services: byName };
    }
    /** The next wait: the poll interval, or while throttled the back-off with jitter (half fixed, half random). */
    nextSleepMs() {
        if (this.backoffMs === this.normalMs)
            return this.normalMs;
        return Math.round(this.backoffMs / 2 + (this.random() * this.backoffMs) / 2);
    }
    /** Sleeps until the next poll; returns early when `signal` aborts. */
    sleep(signal) {
        return this.ctx.timer.sleep(this.nextSleepMs(), signal);
    }
    printProgress(name, service) {
        const previous = this.progress.get(name) ?? new Map();
        const current = new Map();
        for (const d of service.deployments ?? [])
            current.set(d.id ?? d.taskDefinition ?? '?', progressLine(d));
        for (const [id, line] of current) {
            if (previous.get(id) === line)
                continue;
            this.ctx.reporter.info(`${name}: ${line}`);
            this.ctx.reporter.event({ kind: 'progress', service: name, line, at: this.ctx.timer.now() });
        }
        this.progress.set(name, current);
    }
    printEvents(name, events) {
        const anchor = this.anchors.get(name) ?? { createdAt: Number.NEGATIVE_INFINITY, seen: new Set() };
        const fresh = newEvents(events, anchor);
        for (const e of fresh) {
            const createdAt = e.createdAt ?? new Date(0);
            this.ctx.reporter.info(`${createdAt.toISOString().slice(11, 19)} ${e.message ?? ''}`);
            this.ctx.reporter.event({ kind: 'service-event', service: name, message: e.message ?? '', createdAt });
        }
        const newest = events[0];
        if (newest) {
            const t = newest.createdAt?.getTime() ?? anchor.createdAt;
            if (t >= anchor.createdAt) {
                anchor.id = newest.id;
                anchor.createdAt = t;
            }
        }
        for (const e of fresh)
            if (e.id)
                anchor.seen.add(e.id);
        this.anchors.set(name, anchor);
    }
}
/**
 * Events newer than the anchor, oldest first. ECS lists events newest first: everything
 * before the anchor's id is new; if the anchor scrolled out of the list (ECS keeps 100),
 * an event is new when it is not older than the anchor.
 */
function newEvents(events, anchor) {
    const fresh = [];
    for (const e of events) {
        if (anchor.id !== undefined && e.id === anchor.id)
            break;
        const t = e.createdAt?.getTime() ?? Number.NEGATIVE_INFINITY;
        if (t < anchor.createdAt)
            break;
        if (e.id !== undefined && anchor.seen.has(e.id))
            continue;
        fresh.push(e);
    }
    return fresh.reverse();
}
/** e.g. "PRIMARY web:8 (ecs-svc/123) IN_PROGRESS: 1/2 running, 1 pending, 0 failed". */
function progressLine(d) {
    const state = d.rolloutState ? ` ${d.rolloutState}` : '';
    const failed = d.failedTasks ? `, ${d.failedTasks} failed` : '';
    return `${d.status ?? '?'} ${(0,_verdict_js__WEBPACK_IMPORTED_MODULE_3__/* .revision */ .Q)(d.taskDefinition)} (${d.id ?? '?'})${state}: ${d.runningCount ?? 0}/${d.desiredCount ?? 0} running, ${d.pendingCount ?? 0} pending${failed}`;
}
function nameOf(service) {
    return service.serviceName ?? service.serviceArn?.split('/').pop() ?? '?';
}
/**
 * Polls until `decide` returns a value, the timeout passes (measured on our monotonic
 * clock) or the signal aborts. The first poll is immediate; a change is seen within one
 * poll interval.
 */
async function watchUntil(watcher, timer, decide, options) {
    const start = timer.now();
    for (;;) {
        if (options.signal?.aborted)
            return { kind: 'cancelled' };
        const poll = await watcher.poll();
        if (poll.kind === 'ok') {
            const value = decide(poll.services);
            if (value !== undefined)
                return { kind: 'decided', value };
        }
        const waited = timer.now() - start;
        if (waited >= options.timeoutMs)
            return { kind: 'timeout', waitedMs: waited };
        await watcher.sleep(options.signal);
    }
}
/**
 * Describes one service before touching it, turning what DescribeServices answers into
 * errors a user can act on (DescribeServices reports an unknown service as a failure, not an exception).
 */
async function describeService(ctx, cluster, service) {
    const { services, failures } = await ctx.aws.ecs.describeServices(cluster, [service]);
    const failure = failures[0];
    if (failure) {
        if (failure.reason === 'MISSING') {
            throw new Error(`service ${service} not found in cluster ${cluster} (check the service name, the cluster and the region)`);
        }
        throw new Error(`describing service ${service} in cluster ${cluster}: ${failure.reason ?? 'failed'}${failure.detail ? `: ${failure.detail}` : ''}`);
    }
    const found = services[0];
    if (!found)
        throw new Error(`service ${service} not found in cluster ${cluster} (DescribeServices returned nothing)`);
    if (found.status === 'INACTIVE') {
        throw new Error(`service ${service} in cluster ${cluster} is INACTIVE (deleted): create it again, or check the service name`);
    }
    if (found.status === 'DRAINING') {
        throw new Error(`service ${service} in cluster ${cluster} is DRAINING (being deleted): wait for it to go, then create it again`);
    }
    return found;
}
/** Why a service cannot take a rolling update, or undefined when it can. */
function controllerProblem(service, cluster) {
    const type = service.deploymentController?.type ?? 'ECS';
    if (type === 'ECS')
        return undefined;
    const name = nameOf(service);
    const how = type === 'CODE_DEPLOY'
        ? 'CodeDeploy owns its deployments: deploy it through CodeDeploy, or use strategy: blue-green with two services that use the ECS controller'
        : 'its task sets are managed by an external tool: deploy it with that tool';
    return `service ${name} in cluster ${cluster} uses the ${type} deployment controller, and strategy rolling updates services with the ECS deployment controller (${how})`;
}


/***/ }),

/***/ 7607:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E: () => (/* binding */ parseDuration),
/* harmony export */   a: () => (/* binding */ formatDuration)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/**
 * Parses `500ms`, `90s`, `5m`, `1h`, `1m30s` or plain seconds (`30`, `0.5`) into milliseconds.
 * Durations are inputs everywhere so tests can run on a compressed clock.
 */
function parseDuration(text, field) {
    const s = text.trim();
    if (/^\d+(\.\d+)?$/.test(s))
        return Math.round(Number(s) * 1000);
    const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
    if (parts.length > 0 && parts.map((p) => p[0]).join('') === s) {
        return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]], 0));
    }
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`"${text}" is not a duration`, { path: field }, 'write e.g. 500ms, 90s, 5m, 1h or a number of seconds');
}
function formatDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    const s = ms / 1000;
    if (s < 60)
        return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
    const m = Math.floor(s / 60);
    const rest = Math.round(s - m * 60);
    return rest ? `${m}m${rest}s` : `${m}m`;
}


/***/ }),

/***/ 3916:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G: () => (/* binding */ InputErrors),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   gJ: () => (/* binding */ errorMessage)
/* harmony export */ });
/** Bad input: raised before any mutating AWS call. */
class InputError extends Error {
    location;
    fix;
    name = 'InputError';
    constructor(message, location = {}, fix) {
        super(formatInputError(message, location, fix));
        this.location = location;
        this.fix = fix;
    }
}
/** Several input problems reported together, so the user fixes them in one go. */
class InputErrors extends Error {
    errors;
    name = 'InputErrors';
    constructor(errors) {
        super(errors.length === 1
            ? errors[0].message
            : `${errors.length} problems:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`);
        this.errors = errors;
    }
}
function formatInputError(message, loc, fix) {
    const where = [loc.file && (loc.line ? `${loc.file}:${loc.line}` : loc.file), loc.path]
        .filter(Boolean)
        .join(' ');
    return `${where ? `${where}: ` : ''}${message}${fix ? ` (${fix})` : ''}`;
}
/** Normalises anything thrown (strings, objects, Errors) into a message: a non-Error throw must still fail the step. */
function errorMessage(error) {
    if (error instanceof Error)
        return error.message || error.name;
    if (typeof error === 'string')
        return error;
    try {
        return JSON.stringify(error) ?? String(error);
    }
    catch {
        return String(error);
    }
}


/***/ }),

/***/ 9537:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Ro: () => (/* binding */ alarmGate),
  EH: () => (/* binding */ cleanupTemporaryAlarms),
  cS: () => (/* binding */ createTemporaryAlarms),
  fD: () => (/* binding */ verifyAlarmsExist)
});

// UNUSED EXPORTS: DEPLOYMENT_TAG, MANAGED_TAG, TEMPORARY_ALARMS_STATE, TEMPORARY_ALARM_PREFIX, deleteAlarms, preExistingAlarms, resourceName, shortId, temporaryAlarmInputs

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/errors.ts
var src_errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/gates/analysis.ts
const pass = (reason) => ({ phase: 'pass', reason });
const fail = (reason) => ({ phase: 'fail', reason });
const inconclusive = (reason) => ({ phase: 'inconclusive', reason });
function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
// ---- combining ------------------------------------------------------------------
/** Several gates as one: any fail fails, else any inconclusive holds, else pass. Reasons of the deciding phase are joined. */
function combineResults(results) {
    for (const phase of ['fail', 'inconclusive']) {
        const hits = results.filter((r) => r.result.phase === phase);
        if (hits.length > 0)
            return { phase, reason: hits.map((r) => r.result.reason).join('; ') };
    }
    return pass(results.map((r) => r.result.reason).join('; ') || 'no gates');
}
// ---- inconclusive policy ----------------------------------------------------------
/**
 * Inconclusive holds the rollout (no shift, the bake does not end) for up to `limit`
 * consecutive checks; then `decide` turns it into fail or pass. A conclusive result
 * resets the count.
 */
class InconclusiveTracker {
    policy;
    consecutive = 0;
    constructor(policy) {
        this.policy = policy;
    }
    get count() {
        return this.consecutive;
    }
    apply(result) {
        if (result.phase !== 'inconclusive') {
            this.consecutive = 0;
            return result;
        }
        this.consecutive++;
        const { limit, decide } = this.policy;
        if (this.consecutive < limit)
            return inconclusive(`${result.reason} (inconclusive ${this.consecutive} of ${limit})`);
        const why = `inconclusive for ${plural(this.consecutive, 'check')} (limit ${limit}): ${result.reason}`;
        return decide === 'fail' ? fail(why) : pass(`${why}; passing because on-inconclusive is pass`);
    }
}
/** A gate whose inconclusive results are held and then decided by the policy. */
function holdInconclusive(gate, policy) {
    const tracker = new InconclusiveTracker(policy);
    return { name: gate.name, check: async () => tracker.apply(await gate.check()) };
}
// ---- service --------------------------------------------------------------------
/** `web:12` from `arn:aws:ecs:…:task-definition/web:12` (and `web:12` itself), to compare either form. */
function revisionOf(taskDefinition) {
    return (taskDefinition ?? '').split('/').pop() ?? '';
}
/**
 * The service runs the new revision and nothing else: one deployment, PRIMARY on
 * `taskDefinition`, running = desired > 0. A PRIMARY on another revision means ECS rolled
 * back (circuit breaker) or someone else deployed: that fails, it is never "steady".
 */
function analyseService(service, taskDefinition) {
    const name = service.serviceName ?? service.serviceArn ?? 'the service';
    if (service.status && service.status !== 'ACTIVE')
        return fail(`service ${name} is ${service.status}`);
    const deployments = service.deployments ?? [];
    const primary = deployments.find((d) => d.status === 'PRIMARY');
    const want = revisionOf(taskDefinition);
    if (!primary)
        return inconclusive(`service ${name} has no PRIMARY deployment yet`);
    if (revisionOf(primary.taskDefinition) !== want) {
        return fail(`service ${name} runs ${revisionOf(primary.taskDefinition)}, not ${want}: ECS rolled back or another deployment replaced it`);
    }
    if (primary.rolloutState === 'FAILED') {
        return fail(`service ${name}: the deployment of ${want} failed${primary.rolloutStateReason ? `: ${primary.rolloutStateReason}` : ''}`);
    }
    const desired = primary.desiredCount ?? service.desiredCount ?? 0;
    const running = primary.runningCount ?? 0;
    if (desired === 0)
        return fail(`service ${name} wants 0 tasks of ${want}: nothing would serve traffic`);
    const failed = primary.failedTasks ? `, ${plural(primary.failedTasks, 'task')} failed to start so far` : '';
    if (running < desired)
        return inconclusive(`service ${name}: ${running} of ${desired} tasks of ${want} running${failed}`);
    if (deployments.length > 1) {
        const others = deployments.filter((d) => d !== primary).map((d) => `${revisionOf(d.taskDefinition)} (${d.runningCount ?? 0} running)`);
        return inconclusive(`service ${name}: ${want} is running, still draining ${others.join(', ')}`);
    }
    if ((service.runningCount ?? running) > desired)
        return inconclusive(`service ${name}: ${service.runningCount} tasks running, ${desired} desired`);
    return pass(`service ${name} is steady on ${want} (${running} of ${desired} running)`);
}
function observeTargets(descriptions) {
    return descriptions.map((d) => ({
        id: `${d.Target?.Id ?? '?'}${d.Target?.Port !== undefined ? `:${d.Target.Port}` : ''}`,
        state: d.TargetHealth?.State ?? 'unavailable',
        ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
        ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {})
    }));
}
/** "2 × Target.ResponseCodeMismatch — Health checks failed with these codes: [500] (10.0.0.1:80, 10.0.0.2:80)" per distinct cause. */
function groupCauses(targets) {
    const groups = new Map();
    for (const t of targets) {
        const cause = [t.reason ?? t.state, t.description].filter(Boolean).join(' — ');
        groups.set(cause, [...(groups.get(cause) ?? []), t.id]);
    }
    return [...groups].map(([cause, ids]) => `${cause} (${ids.join(', ')})`).join('; ');
}
/** States that do not take part in the count: targets leaving the group, or not in use. */
const IGNORED = new Set(['draining', 'unused', 'unhealthy.draining']);
/**
 * Every target of the group is healthy and there are as many healthy targets as the
 * service runs tasks. `unhealthy` / `unavailable` fail with each cause; `initial` and a
 * count that does not match yet are inconclusive; draining and unused targets are only
 * mentioned.
 */
function analyseTargets(targets, expectedRunning, group = 'the target group') {
    const counted = targets.filter((t) => !IGNORED.has(t.state));
    const ignored = targets.filter((t) => IGNORED.has(t.state));
    const also = ignored.length
        ? ` (also ${[...new Set(ignored.map((t) => t.state))].map((s) => `${ignored.filter((t) => t.state === s).length} ${s}`).join(', ')})`
        : '';
    const bad = counted.filter((t) => t.state === 'unhealthy' || t.state === 'unavailable');
    if (bad.length > 0) {
        const word = bad.every((t) => t.state === 'unhealthy') ? 'unhealthy' : 'unhealthy or unavailable';
        return fail(`${bad.length} of ${plural(counted.length, 'target')} in ${group} ${word}: ${groupCauses(bad)}${also}`);
    }
    const initial = counted.filter((t) => t.state === 'initial');
    if (initial.length > 0) {
        return inconclusive(`${initial.length} of ${plural(counted.length, 'target')} in ${group} still initial: ${groupCauses(initial)}${also}`);
    }
    const healthy = counted.filter((t) => t.state === 'healthy').length;
    const unknown = counted.filter((t) => t.state !== 'healthy');
    if (unknown.length > 0)
        return inconclusive(`${unknown.length} targets in ${group} in an unexpected state: ${groupCauses(unknown)}${also}`);
    if (expectedRunning <= 0)
        return inconclusive(`${group} has ${plural(healthy, 'healthy target')} but the service runs no tasks yet${also}`);
    if (healthy !== expectedRunning) {
        return inconclusive(`${group} has ${plural(healthy, 'healthy target')}, the service runs ${plural(expectedRunning, 'task')}${also}`);
    }
    return pass(`all ${plural(healthy, 'target')} in ${group} healthy${also}`);
}
function observeAlarms(metric, composite) {
    const one = (a, type) => ({
        name: a.AlarmName ?? '?',
        type,
        state: a.StateValue ?? 'INSUFFICIENT_DATA',
        ...(a.StateReason ? { reason: a.StateReason } : {}),
        ...(a.StateReasonData ? { reasonData: a.StateReasonData } : {}),
        ...(a.StateUpdatedTimestamp ? { updatedAt: a.StateUpdatedTimestamp.getTime() } : {})
    });
    return [...metric.map((a) => one(a, 'metric')), ...composite.map((a) => one(a, 'composite'))];
}
function baselineOf(observed) {
    const out = {};
    for (const a of observed)
        out[a.name] = { state: a.state, ...(a.updatedAt !== undefined ? { updatedAt: a.updatedAt } : {}) };
    return out;
}
function num(n) {
    return String(Math.round(n * 100) / 100);
}
/** "latest value 95.2, threshold 80" from StateReasonData, when it carries them. */
function metricValue(reasonData) {
    if (!reasonData)
        return undefined;
    let data;
    try {
        data = JSON.parse(reasonData);
    }
    catch {
        return undefined;
    }
    if (!data || typeof data !== 'object')
        return undefined;
    const d = data;
    let value;
    if (Array.isArray(d.recentDatapoints)) {
        const nums = d.recentDatapoints.filter((x) => typeof x === 'number');
        value = nums[nums.length - 1];
    }
    if (value === undefined && Array.isArray(d.evaluatedDatapoints)) {
        const first = d.evaluatedDatapoints.find((x) => !!x && typeof x === 'object' && typeof x.value === 'number');
        value = first?.value;
    }
    const parts = [value !== undefined ? `latest value ${num(value)}` : '', typeof d.threshold === 'number' ? `threshold ${num(d.threshold)}` : ''].filter(Boolean);
    return parts.length ? parts.join(', ') : undefined;
}
function title(a) {
    return `${a.type === 'composite' ? 'composite alarm' : 'alarm'} ${a.name}`;
}
/** In ALARM since before the start and not transitioned since: timestamps compared only with AWS's own. */
function analysis_firingSinceStart(a, baseline) {
    const before = baseline[a.name];
    if (!before || before.state !== 'ALARM' || a.state !== 'ALARM')
        return false;
    if (before.updatedAt === undefined || a.updatedAt === undefined)
        return true;
    return a.updatedAt <= before.updatedAt;
}
/**
 * The watched alarms: any ALARM fails (naming the alarm, its reason and the metric value),
 * except, in `transitions` mode, an alarm that was already in ALARM at the start and has
 * not transitioned since; INSUFFICIENT_DATA is inconclusive; a watched alarm that has
 * disappeared fails (nobody can tell whether it would fire).
 */
function analyseAlarms(watched, observed, baseline, mode) {
    if (watched.length === 0)
        return pass('no alarms to watch');
    const byName = new Map(observed.map((a) => [a.name, a]));
    const failures = [];
    const unknown = [];
    const notes = [];
    for (const name of watched) {
        const a = byName.get(name);
        if (!a) {
            failures.push(`alarm ${name} no longer exists: it was deleted during the deployment`);
            continue;
        }
        if (a.state === 'ALARM') {
            if (mode === 'transitions' && analysis_firingSinceStart(a, baseline)) {
                notes.push(`${title(a)} has been in ALARM since before the deployment started (alarm-mode transitions: it fails only if it fires again)`);
                continue;
            }
            const value = metricValue(a.reasonData);
            const pre = baseline[name]?.state === 'ALARM' ? (mode === 'strict' ? ' (already in ALARM at the start; alarm-mode strict)' : ' (fired again after the deployment started)') : '';
            failures.push(`${title(a)} is ALARM${pre}: ${a.reason ?? 'no reason given'}${value ? ` (${value})` : ''}`);
        }
        else if (a.state === 'INSUFFICIENT_DATA') {
            unknown.push(`${title(a)} has INSUFFICIENT_DATA${a.reason ? ` (${a.reason})` : ''}`);
        }
        else if (a.state !== 'OK') {
            unknown.push(`${title(a)} is in state ${a.state}`);
        }
    }
    const suffix = notes.length ? `; ${notes.join('; ')}` : '';
    if (failures.length > 0)
        return fail(failures.join('; ') + suffix);
    if (unknown.length > 0)
        return inconclusive(unknown.join('; ') + suffix);
    const ok = watched.length - notes.length;
    const summary = watched.length === 1 ? (ok === 1 ? `alarm ${watched[0]} OK` : '') : ok === watched.length ? `all ${watched.length} alarms OK` : `${ok} of ${watched.length} alarms OK`;
    return pass([summary, ...notes].filter(Boolean).join('; '));
}

;// CONCATENATED MODULE: ./src/gates/alarms.ts
/**
 * Alarm gates: the user's named alarms plus temporary CPU / memory alarms on the service
 * that runs the new revision. Temporary alarms are recorded in the state store before they
 * exist, so the post step can delete them whatever happened to the main step.
 */



const TEMPORARY_ALARMS_STATE = 'temporary-alarms';
const TEMPORARY_ALARM_PREFIX = 'ecs-rollout-';
const MANAGED_TAG = 'ecs-rollout:managed';
const DEPLOYMENT_TAG = 'ecs-rollout:deployment';
/**
 * Checks up front that every named alarm exists (a typo must fail before anything changes)
 * and returns each alarm's state at the start: the baseline for alarm-mode transitions.
 * Alarms already in ALARM are reported now, with what happens to them.
 */
async function verifyAlarmsExist(names, ctx, settings) {
    if (names.length === 0)
        return {};
    const { metricAlarms, compositeAlarms } = await ctx.aws.cloudwatch.describeAlarms([...names]);
    const observed = observeAlarms(metricAlarms, compositeAlarms);
    const found = new Set(observed.map((a) => a.name));
    const missing = names.filter((n) => !found.has(n));
    if (missing.length > 0) {
        const errors = missing.map((n) => new src_errors/* InputError */.dz(`alarm "${n}" named in \`alarms\` does not exist in this account and region`, {}, 'check the name (alarm names are case-sensitive) and the region'));
        throw errors.length === 1 ? errors[0] : new src_errors/* InputErrors */.G(errors);
    }
    const mode = settings?.mode ?? 'transitions';
    for (const a of observed.filter((o) => o.state === 'ALARM')) {
        const value = metricValue(a.reasonData);
        const consequence = mode === 'strict'
            ? 'alarm-mode strict: the deployment fails while it stays in ALARM'
            : 'alarm-mode transitions: it fails the deployment only if it goes into ALARM again after this point';
        ctx.reporter.warning(`alarm ${a.name} is already in ALARM: ${a.reason ?? 'no reason given'}${value ? ` (${value})` : ''}. ${consequence}`);
    }
    return baselineOf(observed);
}
/** The gate over every watched alarm: ONE DescribeAlarms per check, however many alarms. */
function alarmGate(names, settings, baseline, ctx, name = 'alarms') {
    const watched = [...new Set(names)];
    return {
        name,
        check: async () => {
            if (watched.length === 0)
                return analyseAlarms([], [], baseline, settings.mode);
            const { metricAlarms, compositeAlarms } = await ctx.aws.cloudwatch.describeAlarms(watched);
            return analyseAlarms(watched, observeAlarms(metricAlarms, compositeAlarms), baseline, settings.mode);
        }
    };
}
/** Alarms still firing from before the start (alarm-mode transitions lets these through): for the summary. */
function preExistingAlarms(baseline) {
    return Object.entries(baseline)
        .filter(([name, b]) => firingSinceStart({ name, type: 'metric', state: 'ALARM', ...(b.updatedAt !== undefined ? { updatedAt: b.updatedAt } : {}) }, baseline))
        .map(([name]) => name);
}
/** `web` from `arn:aws:ecs:…:service/prod/web` or `web`: CloudWatch's dimensions want names. */
function resourceName(nameOrArn) {
    return nameOrArn.split('/').pop() ?? nameOrArn;
}
/** A short, name-safe id for the deployment: the tag itself when short and plain, else a hash of it. */
function shortId(deploymentTag) {
    const plain = deploymentTag.replace(/[^A-Za-z0-9._-]/g, '-');
    if (plain.length > 0 && plain.length <= 16 && plain === deploymentTag)
        return plain;
    return (0,external_node_crypto_.createHash)('sha256').update(deploymentTag).digest('hex').slice(0, 10);
}
const METRICS = [
    { key: 'cpuThreshold', metric: 'CPUUtilization', suffix: 'cpu', what: 'CPU' },
    { key: 'memoryThreshold', metric: 'MemoryUtilization', suffix: 'memory', what: 'memory' }
];
/**
 * What PutMetricAlarm receives for each temporary alarm (pure, for tests and the dry run).
 * No alarm actions: the gate reads the state; paging someone is not our call.
 */
function temporaryAlarmInputs(target, settings) {
    const cluster = resourceName(target.cluster);
    const service = resourceName(target.service);
    const id = shortId(target.deploymentTag);
    const tagValue = target.deploymentTag.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '-').slice(0, 256);
    const inputs = [];
    for (const m of METRICS) {
        const threshold = settings[m.key];
        if (threshold === undefined)
            continue;
        inputs.push({
            AlarmName: `${TEMPORARY_ALARM_PREFIX}${cluster.slice(0, 80)}-${service.slice(0, 80)}-${m.suffix}-${id}`,
            AlarmDescription: `Temporary ${m.what} alarm created by ecs-rollout for deployment ${target.deploymentTag} of service ${service} in cluster ${cluster}; ` +
                'deleted when the deployment ends.',
            ActionsEnabled: false,
            Namespace: 'AWS/ECS',
            MetricName: m.metric,
            Dimensions: [
                { Name: 'ClusterName', Value: cluster },
                { Name: 'ServiceName', Value: service }
            ],
            Statistic: 'Average',
            Period: settings.period,
            EvaluationPeriods: settings.evaluationPeriods,
            DatapointsToAlarm: settings.datapoints,
            Threshold: threshold,
            ComparisonOperator: 'GreaterThanThreshold',
            // Missing data keeps the alarm's state (INSUFFICIENT_DATA at first: inconclusive, held by the policy).
            TreatMissingData: 'missing',
            Tags: [
                { Key: MANAGED_TAG, Value: 'true' },
                { Key: DEPLOYMENT_TAG, Value: tagValue }
            ]
        });
    }
    return inputs;
}
function savedNames(state) {
    const v = state.load(TEMPORARY_ALARMS_STATE);
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
}
/**
 * Creates the temporary alarms and returns their names. The names are saved in the state
 * store before the first PutMetricAlarm, so a crash at any point leaves the post step
 * enough to delete them; if creating one fails, the ones created are deleted again.
 */
async function createTemporaryAlarms(target, settings, ctx) {
    const inputs = temporaryAlarmInputs(target, settings);
    const names = inputs.map((i) => i.AlarmName);
    if (names.length === 0)
        return [];
    ctx.state.save(TEMPORARY_ALARMS_STATE, [...new Set([...savedNames(ctx.state), ...names])]);
    const created = [];
    try {
        for (const input of inputs) {
            await ctx.aws.cloudwatch.putMetricAlarm(input);
            created.push(input.AlarmName);
            ctx.reporter.info(`created temporary alarm ${input.AlarmName}: ${input.MetricName} > ${input.Threshold} % (${input.DatapointsToAlarm} of ${input.EvaluationPeriods} × ${input.Period} s)`);
        }
    }
    catch (error) {
        if (created.length > 0) {
            await deleteAlarms(created, ctx).catch((e) => ctx.reporter.warning(`could not delete temporary alarms ${created.join(', ')}: ${(0,src_errors/* errorMessage */.gJ)(e)}`));
        }
        throw error;
    }
    return names;
}
/**
 * Deletes temporary alarms: only names with our prefix (a user's alarm is never deleted),
 * only those that still exist (so a second cleanup is harmless), and forgets them in the
 * state store once gone.
 */
async function deleteAlarms(names, ctx) {
    const ours = [...new Set(names)].filter((n) => n.startsWith(TEMPORARY_ALARM_PREFIX));
    if (ours.length === 0)
        return [];
    const { metricAlarms, compositeAlarms } = await ctx.aws.cloudwatch.describeAlarms(ours);
    const existing = [...metricAlarms, ...compositeAlarms].map((a) => a.AlarmName).filter((n) => !!n && ours.includes(n));
    if (existing.length > 0) {
        await ctx.aws.cloudwatch.deleteAlarms(existing);
        ctx.reporter.info(`deleted temporary alarm${existing.length > 1 ? 's' : ''} ${existing.join(', ')}`);
    }
    if (ctx.state) {
        const left = savedNames(ctx.state).filter((n) => !ours.includes(n));
        ctx.state.save(TEMPORARY_ALARMS_STATE, left);
    }
    return existing;
}
/** The post step (and the end of every run): deletes whatever temporary alarms the state records. Failures are warnings. */
async function cleanupTemporaryAlarms(ctx) {
    const names = savedNames(ctx.state);
    if (names.length === 0)
        return [];
    try {
        return await deleteAlarms(names, ctx);
    }
    catch (error) {
        ctx.reporter.warning(`could not delete temporary alarms ${names.join(', ')}: ${(0,src_errors/* errorMessage */.gJ)(error)} (delete them by hand; they have no actions, so they page nobody)`);
        return [];
    }
}


/***/ }),

/***/ 9610:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ realTimer)
/* harmony export */ });
const realTimer = {
    now: () => performance.now(),
    sleep: (ms, signal) => new Promise((resolve) => {
        if (signal?.aborted)
            return resolve();
        const done = () => {
            clearTimeout(handle);
            signal?.removeEventListener('abort', done);
            resolve();
        };
        const handle = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
    })
};


/***/ })

};
