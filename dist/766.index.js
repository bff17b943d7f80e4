export const id = 766;
export const ids = [766];
export const modules = {

/***/ 5275:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  U: () => (/* binding */ ActionReporter)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 18 modules
var core = __webpack_require__(6257);
;// CONCATENATED MODULE: ./src/events.ts
/** Milliseconds on a monotonic clock since the process started: our own waits never use wall-clock time. */
function monotonicNow() {
    return performance.now();
}
/** The phase-started / phase-finished bracket every reporter puts around a phase. */
async function inPhase(emit, phase, title, fn) {
    emit({ kind: 'phase-started', phase, title, at: monotonicNow() });
    let ok = false;
    try {
        const result = await fn();
        ok = true;
        return result;
    }
    finally {
        emit({ kind: 'phase-finished', phase, ok, at: monotonicNow() });
    }
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
    phase(phase, title, fn) {
        return inPhase((e) => this.event(e), phase, title, fn);
    }
    event(event) {
        this.events.push(event);
    }
    secret(value) {
        this.secrets.push(value);
    }
}

;// CONCATENATED MODULE: ./src/mask.ts
/**
 * Values that must never be printed. The runner masks what it was told with ::add-mask::,
 * but only in the exact form it was told: a value that reaches a message JSON-escaped (in a
 * diff of the environment, say) or a file we write ourselves (the job summary) would slip
 * through, so every adapter also masks its own output here.
 */
class SecretMask {
    values = [];
    /** Registers a value (and its JSON-escaped form); returns the forms not seen before. */
    add(value) {
        // Masking very short strings would garble every line.
        if (value.length < 3)
            return [];
        const forms = [value, JSON.stringify(value).slice(1, -1)].filter((v, i, all) => all.indexOf(v) === i && !this.values.includes(v));
        if (forms.length > 0) {
            this.values.push(...forms);
            // Longest first, so a secret that contains another is masked whole.
            this.values.sort((a, b) => b.length - a.length);
        }
        return forms;
    }
    mask(text) {
        let out = text;
        for (const v of this.values)
            out = out.split(v).join('***');
        return out;
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
    secrets = new SecretMask();
    info(message) {
        core/* info */.pq(this.mask(message));
    }
    notice(message, where) {
        core/* notice */.lm(this.mask(message), annotation(where));
    }
    warning(message, where) {
        core/* warning */.$e(this.mask(message), annotation(where));
    }
    error(message, where) {
        core/* error */.z3(this.mask(message), annotation(where));
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
        try {
            return await inPhase((e) => this.event(e), phase, title, fn);
        }
        finally {
            if (own) {
                core/* endGroup */.N4();
                this.inGroup = false;
            }
        }
    }
    event(event) {
        this.events.push(event);
    }
    /** For what we write ourselves (the summary, failure messages). */
    mask(text) {
        return this.secrets.mask(text);
    }
    secret(value) {
        // Each form is announced to the runner once, before anything could print it.
        for (const form of this.secrets.add(value))
            core/* setSecret */.Pq(form);
    }
}


/***/ }),

/***/ 3175:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ actionState)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6257);

/**
 * Values saved by this process. core.saveState only appends to the GITHUB_STATE file, which
 * the runner turns into STATE_* variables for the post step; core.getState reads those, so
 * without this the main step could not read back what it saved itself (e.g. the temporary
 * alarms to delete at the end of the run).
 */
const savedHere = new Map();
/** What the main step leaves for the post step (core.saveState writes GITHUB_STATE; the post step reads STATE_*). */
const actionState = {
    save(key, value) {
        const raw = JSON.stringify(value);
        savedHere.set(key, raw);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(key, raw);
    },
    load(key) {
        const raw = savedHere.get(key) ?? _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(key);
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
/* harmony export */   iQ: () => (/* binding */ AwsCallError),
/* harmony export */   p0: () => (/* binding */ isThrottle)
/* harmony export */ });
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

/***/ 1246:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $i: () => (/* binding */ findForward),
/* harmony export */   Aw: () => (/* binding */ loadBalancerOf),
/* harmony export */   B1: () => (/* binding */ discoverColours),
/* harmony export */   IT: () => (/* binding */ targetGroupName),
/* harmony export */   O5: () => (/* binding */ COLOURS),
/* harmony export */   RQ: () => (/* binding */ otherColour),
/* harmony export */   dY: () => (/* binding */ toPercentages),
/* harmony export */   iQ: () => (/* binding */ planInterrupted),
/* harmony export */   j8: () => (/* binding */ targetGroupProblems),
/* harmony export */   nT: () => (/* binding */ ON_INTERRUPTED)
/* harmony export */ });
/* unused harmony exports parseRevision, olderColour */
const COLOURS = ['blue', 'green'];
function otherColour(c) {
    return c === 'blue' ? 'green' : 'blue';
}
const ON_INTERRUPTED = ['fail', 'rollback', 'resume'];
/**
 * The forward action of a listener's default actions or a rule's actions. A forward names
 * either one `TargetGroupArn` (100 %) or `ForwardConfig.TargetGroups` with weights; when
 * both are present (DescribeListeners returns both for a single target group) the
 * ForwardConfig is authoritative. A missing weight is 1, as ELB defaults it.
 */
function findForward(actions) {
    const index = actions.findIndex((a) => a.Type === 'forward');
    if (index < 0)
        return undefined;
    const action = actions[index];
    const tuples = action.ForwardConfig?.TargetGroups ?? [];
    if (tuples.length > 0) {
        const shares = tuples
            .filter((t) => typeof t.TargetGroupArn === 'string')
            .map((t) => ({ targetGroupArn: t.TargetGroupArn, weight: t.Weight ?? 1 }));
        return { index, shares };
    }
    if (action.TargetGroupArn)
        return { index, shares: [{ targetGroupArn: action.TargetGroupArn, weight: 1 }] };
    return { index, shares: [] };
}
/** Relative weights as percentages of the total, rounded to 0.01; all zero → all 0. */
function toPercentages(shares) {
    const total = shares.reduce((sum, s) => sum + s.weight, 0);
    const out = {};
    for (const s of shares)
        out[s.targetGroupArn] = total > 0 ? Math.round((s.weight * 10000) / total) / 100 : 0;
    return out;
}
/** `web-blue` from `arn:aws:elasticloadbalancing:…:targetgroup/web-blue/0123abcd`; the input itself otherwise. */
function targetGroupName(arn) {
    const m = /:targetgroup\/([^/]+)\//.exec(arn);
    return m ? m[1] : arn;
}
/**
 * The load balancer ARN a listener or rule ARN belongs to:
 *   …:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2            → …:loadbalancer/app/web/50dc6c495c0c9188
 *   …:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683… → same
 */
function loadBalancerOf(listenerOrRuleArn) {
    const m = /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener(?:-rule)?\/([^/]+\/[^/]+\/[^/]+)\//.exec(listenerOrRuleArn);
    return m ? `${m[1]}loadbalancer/${m[2]}` : undefined;
}
function describeSplit(percent, names) {
    return `${percent.blue} % to ${names.blue} and ${percent.green} % to ${names.green}`;
}
/** Reads live and idle from the forward action; anything but a clean 100/0 is reported, never guessed. */
function discoverColours(actions, targetGroups, opts) {
    const names = opts.names ?? { blue: targetGroupName(targetGroups.blue), green: targetGroupName(targetGroups.green) };
    if (targetGroups.blue === targetGroups.green) {
        return { kind: 'invalid', message: `blue and green use the same target group ${targetGroups.blue}: give each colour its own target group` };
    }
    const forward = findForward(actions);
    if (!forward) {
        const types = actions.map((a) => a.Type ?? '?').join(', ') || 'no actions';
        return {
            kind: 'invalid',
            message: `${opts.where} has no forward action (it has ${types}): point it at ${names.blue} (forward) before the first blue/green deployment`
        };
    }
    const ours = new Set([targetGroups.blue, targetGroups.green]);
    const strangers = forward.shares.filter((s) => !ours.has(s.targetGroupArn));
    if (strangers.length > 0) {
        const list = strangers.map((s) => targetGroupName(s.targetGroupArn)).join(', ');
        const noneOfOurs = strangers.length === forward.shares.length;
        return {
            kind: 'invalid',
            message: noneOfOurs
                ? `${opts.where} forwards to ${list}, not to ${names.blue} or ${names.green}: check blue-target-group and green-target-group, or point the listener at one of them`
                : `${opts.where} also forwards to ${list}, which is neither ${names.blue} nor ${names.green}: remove it from the forward action, traffic can only be shifted between the two colours`
        };
    }
    const pct = toPercentages(forward.shares);
    const percent = { blue: pct[targetGroups.blue] ?? 0, green: pct[targetGroups.green] ?? 0 };
    if (percent.blue === 0 && percent.green === 0) {
        return {
            kind: 'invalid',
            message: `${opts.where} forwards with weight 0 to both ${names.blue} and ${names.green}: give the live colour weight 1 before deploying`
        };
    }
    if (percent.green === 0)
        return { kind: 'settled', live: 'blue', idle: 'green', percent };
    if (percent.blue === 0)
        return { kind: 'settled', live: 'green', idle: 'blue', percent };
    return {
        kind: 'interrupted',
        percent,
        message: `${opts.where} forwards ${describeSplit(percent, names)}: a previous deployment was interrupted; ` +
            're-run with `on-interrupted: rollback` to put 100 % back on the colour with the older revision (then deploy as usual), ' +
            'or `on-interrupted: resume` to continue shifting towards the colour with the newer revision'
    };
}
/**
 * Problems with the target groups themselves, found before anything changes: both must
 * exist and be attached to the listener's load balancer. `found` is DescribeTargetGroups'
 * answer; `loadBalancerArn` is the listener's (undefined when it cannot be told).
 */
function targetGroupProblems(found, targetGroups, loadBalancerArn, where) {
    const problems = [];
    if (targetGroups.blue === targetGroups.green) {
        problems.push(`blue-target-group and green-target-group are both ${targetGroups.blue}: give each colour its own target group`);
        return problems;
    }
    for (const colour of COLOURS) {
        const arn = targetGroups[colour];
        const tg = found.find((t) => t.TargetGroupArn === arn);
        if (!tg) {
            problems.push(`${colour}-target-group ${arn} does not exist (check the ARN and the region)`);
            continue;
        }
        const lbs = tg.LoadBalancerArns ?? [];
        if (loadBalancerArn && !lbs.includes(loadBalancerArn)) {
            const attached = lbs.length ? `it is attached to ${lbs.join(', ')}` : 'it is not attached to any load balancer';
            problems.push(`${colour}-target-group ${targetGroupName(arn)} is not on the load balancer of ${where} (${loadBalancerArn}): ${attached}`);
        }
    }
    return problems;
}
/** `{family, revision}` from `arn:…:task-definition/web:12` or `web:12`. */
function parseRevision(taskDefinition) {
    const m = /(?:task-definition\/)?([^/:]+):(\d+)$/.exec(taskDefinition ?? '');
    return m ? { family: m[1], revision: Number(m[2]) } : undefined;
}
/**
 * Which colour is older: by revision number within one family, else by when ECS started
 * the services' deployments (both timestamps come from AWS, so comparing them is safe).
 */
function olderColour(revisions) {
    const b = parseRevision(revisions.blue.taskDefinition);
    const g = parseRevision(revisions.green.taskDefinition);
    if (b && g && b.family === g.family && b.revision !== g.revision)
        return b.revision < g.revision ? 'blue' : 'green';
    const bt = revisions.blue.deployedAt?.getTime();
    const gt = revisions.green.deployedAt?.getTime();
    if (bt !== undefined && gt !== undefined && bt !== gt)
        return bt < gt ? 'blue' : 'green';
    return undefined;
}
function sameRevision(a, b) {
    const pa = parseRevision(a);
    const pb = parseRevision(b);
    return !!pa && !!pb && pa.family === pb.family && pa.revision === pb.revision;
}
/**
 * Applies `on-interrupted` to an interrupted discovery. `deploying` is the revision this
 * run deploys: resuming only makes sense when the newer colour already runs it, because
 * updating a colour that serves traffic would bypass every gate.
 */
function planInterrupted(discovery, onInterrupted, revisions, deploying) {
    if (onInterrupted === 'fail')
        return { kind: 'fail', message: discovery.message };
    const older = olderColour(revisions);
    if (!older) {
        return {
            kind: 'fail',
            message: `${discovery.message}. But on-interrupted: ${onInterrupted} cannot tell which colour is older: ` +
                `blue runs ${revisions.blue.taskDefinition ?? 'nothing'}, green runs ${revisions.green.taskDefinition ?? 'nothing'}; ` +
                'set the listener weights to 100/0 by hand and re-run'
        };
    }
    const newer = otherColour(older);
    if (onInterrupted === 'rollback') {
        return {
            kind: 'rollback',
            live: older,
            idle: newer,
            message: `on-interrupted: rollback: putting 100 % back on ${older} (${revisions[older].taskDefinition ?? 'older revision'}), then deploying into ${newer}`
        };
    }
    if (deploying && !sameRevision(revisions[newer].taskDefinition, deploying)) {
        return {
            kind: 'fail',
            message: `cannot resume: ${newer} runs ${revisions[newer].taskDefinition ?? 'nothing'} but this run deploys ${deploying}; ` +
                'use `on-interrupted: rollback` to put traffic back on the older colour and deploy from there'
        };
    }
    const fromPercent = discovery.percent[newer];
    return {
        kind: 'resume',
        live: older,
        idle: newer,
        fromPercent,
        message: `on-interrupted: resume: continuing the shift into ${newer} from ${fromPercent} %`
    };
}


/***/ }),

/***/ 9416:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ remainingSteps),
/* harmony export */   a: () => (/* binding */ parseTrafficSteps)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);

/**
 * `traffic-steps`: the percentages of production traffic the new colour receives, one
 * shift at a time. Either an explicit list (`10,50,100`, `5%, 25%, 100%`) or a preset
 * named after CodeDeploy's:
 *
 *   all-at-once   100
 *   canary-N      N, 100              (canary-10 → 10, 100)
 *   linear-N      N, 2N, …, 100       (linear-20 → 20, 40, 60, 80, 100; linear-30 → 30, 60, 90, 100)
 *
 * An explicit list must be strictly increasing whole percentages from 1 to 100 and must end
 * at 100. We do not append a missing 100: `10,50` reads like "stop at 50 %", and a
 * deployment only ever succeeds once the new revision serves all traffic, so we ask the
 * user to say so rather than guess.
 */
function parseTrafficSteps(text, label = 'input `traffic-steps`') {
    const s = text.trim().toLowerCase();
    if (s === '')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${label} is empty`, {}, 'use e.g. 10,50,100, all-at-once, canary-10 or linear-20');
    if (s === 'all-at-once')
        return [100];
    const preset = /^(canary|linear)-?(\S*)$/.exec(s);
    if (preset) {
        const [, kind, raw] = preset;
        const n = Number(raw);
        if (raw === '' || !Number.isInteger(n) || n < 1 || n > 99) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${label} is "${text.trim()}"`, {}, `use ${kind}-N with N a whole percentage from 1 to 99, e.g. ${kind}-${kind === 'canary' ? 10 : 20}`);
        }
        if (kind === 'canary')
            return [n, 100];
        const steps = [];
        for (let p = n; p < 100; p += n)
            steps.push(p);
        steps.push(100);
        return steps;
    }
    const items = s.split(/[\s,]+/).filter((x) => x !== '');
    const steps = [];
    for (const item of items) {
        const m = /^(\d+)%?$/.exec(item);
        const n = m ? Number(m[1]) : NaN;
        if (!Number.isInteger(n) || n < 1 || n > 100) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${label} has "${item}"`, {}, 'each step is a whole percentage from 1 to 100, e.g. 10,50,100; or use a preset: all-at-once, canary-10, linear-20');
        }
        const previous = steps[steps.length - 1];
        if (previous !== undefined && n <= previous) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${label} goes from ${previous} to ${n}`, {}, 'list the steps in increasing order, e.g. 10,50,100');
        }
        steps.push(n);
    }
    if (steps[steps.length - 1] !== 100) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${label} ends at ${steps[steps.length - 1]} %`, {}, `end the list with 100, e.g. ${[...steps, 100].join(',')}: a deployment only succeeds once the new revision serves all traffic`);
    }
    return steps;
}
/**
 * The steps still to take when traffic already sends `current` % to the new colour (a
 * resumed deployment): those above it. At 100 nothing is left to shift.
 */
function remainingSteps(steps, current) {
    return steps.filter((p) => p > current);
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
    // Round to whole seconds before splitting, so 119.6 s is 2m, not 1m60s.
    const total = Math.round(s);
    const m = Math.floor(total / 60);
    const rest = total - m * 60;
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

/***/ 827:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PR: () => (/* binding */ wantsTemporaryAlarms),
/* harmony export */   Tg: () => (/* binding */ ecsDeploymentAlarms),
/* harmony export */   fG: () => (/* binding */ readGateSettings)
/* harmony export */ });
/* unused harmony export ALARM_MODES */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);

const ALARM_MODES = ['transitions', 'strict'];
/** CloudWatch's own limit: EvaluationPeriods × Period may not exceed one day. */
const MAX_EVALUATION_SECONDS = 86_400;
function readGateSettings(inputs) {
    const errors = [];
    const read = (fn, fallback) => {
        try {
            return fn();
        }
        catch (error) {
            if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz)
                errors.push(error);
            else if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputErrors */ .G)
                errors.push(...error.errors);
            else
                throw error;
            return fallback;
        }
    };
    const alarms = read(() => alarmNames(inputs), []);
    const percent = (name) => {
        const v = inputs.string(name);
        if (v === undefined)
            return undefined;
        const n = Number(v.replace(/%$/, ''));
        if (!Number.isFinite(n) || n < 1 || n > 100) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${inputs.label(name)} is "${v}"`, {}, 'use a percentage from 1 to 100, e.g. 80');
        }
        return n;
    };
    const cpuThreshold = read(() => percent('cpu-alarm-threshold'), undefined);
    const memoryThreshold = read(() => percent('memory-alarm-threshold'), undefined);
    const period = read(() => alarmPeriod(inputs), 60);
    const evaluationPeriods = read(() => inputs.int('alarm-evaluation-periods', { min: 1 }) ?? 1, 1);
    const datapoints = read(() => inputs.int('alarm-datapoints', { min: 1 }) ?? evaluationPeriods, evaluationPeriods);
    if (datapoints > evaluationPeriods) {
        errors.push(new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${inputs.label('alarm-datapoints')} is ${datapoints}, more than ${inputs.label('alarm-evaluation-periods')} (${evaluationPeriods})`, {}, `use at most ${evaluationPeriods}, or raise the evaluation periods`));
    }
    if (period * evaluationPeriods > MAX_EVALUATION_SECONDS) {
        errors.push(new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${inputs.label('alarm-period')} × ${inputs.label('alarm-evaluation-periods')} is ${period * evaluationPeriods} s`, {}, 'CloudWatch evaluates at most one day (86400 s): use fewer or shorter periods'));
    }
    const mode = read(() => inputs.oneOf('alarm-mode', ALARM_MODES, 'transitions'), 'transitions');
    const ecsAlarmRollback = read(() => inputs.bool('ecs-alarm-rollback', false), false);
    if (ecsAlarmRollback && alarms.length === 0) {
        errors.push(new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${inputs.label('ecs-alarm-rollback')} is true but ${inputs.label('alarms')} names no alarm`, {}, `list the alarms ECS should watch in ${inputs.label('alarms')} (temporary alarms are deleted after the step, so ECS cannot use them)`));
    }
    const limit = read(() => inputs.int('inconclusive-limit', { min: 1 }) ?? 10, 10);
    const decide = read(() => inputs.oneOf('on-inconclusive', ['fail', 'pass'], 'fail'), 'fail');
    if (errors.length === 1)
        throw errors[0];
    if (errors.length > 1)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputErrors */ .G(errors);
    return {
        alarms,
        temporary: {
            ...(cpuThreshold !== undefined ? { cpuThreshold } : {}),
            ...(memoryThreshold !== undefined ? { memoryThreshold } : {}),
            period,
            evaluationPeriods,
            datapoints
        },
        mode,
        ecsAlarmRollback,
        inconclusive: { limit, decide }
    };
}
function alarmNames(inputs) {
    const names = [...new Set(inputs.list('alarms'))];
    const tooLong = names.find((n) => n.length > 255);
    if (tooLong)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${inputs.label('alarms')} has a name of ${tooLong.length} characters`, {}, 'alarm names are at most 255 characters');
    return names;
}
/**
 * CloudWatch accepts 10, 30 or a multiple of 60. ECS publishes its service metrics once a
 * minute, so on real AWS a 10 s or 30 s period mostly sees no data (INSUFFICIENT_DATA);
 * short periods are for the local ECS and its compressed clock.
 */
function alarmPeriod(inputs) {
    const v = inputs.int('alarm-period', { min: 1 }) ?? 60;
    if (v === 10 || v === 30 || v % 60 === 0)
        return v;
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${inputs.label('alarm-period')} is ${v}`, {}, 'use 10, 30 or a multiple of 60 seconds (CloudWatch allows no other periods)');
}
/**
 * Rolling with `ecs-alarm-rollback`: the named alarms for the service's
 * deploymentConfiguration.alarms, so ECS also rolls back when this step is not running.
 * Temporary alarms are never handed over: they are deleted when the step ends.
 */
function ecsDeploymentAlarms(settings) {
    if (!settings.ecsAlarmRollback || settings.alarms.length === 0)
        return undefined;
    return { alarmNames: [...settings.alarms], enable: true, rollback: true };
}
function wantsTemporaryAlarms(settings) {
    return settings.temporary.cpuThreshold !== undefined || settings.temporary.memoryThreshold !== undefined;
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
