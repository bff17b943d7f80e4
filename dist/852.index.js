export const id = 852;
export const ids = [852];
export const modules = {

/***/ 3852:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  fL: () => (/* binding */ deployBlueGreen),
  B5: () => (/* reexport */ preflightBlueGreen),
  cy: () => (/* reexport */ recoverBlueGreen)
});

// UNUSED EXPORTS: BLUE_GREEN_STATE_KEY, describeNow

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/duration.ts
var duration = __webpack_require__(7607);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/gates/alarms.ts
var gates_alarms = __webpack_require__(8972);
// EXTERNAL MODULE: ./src/gates/analysis.ts
var analysis = __webpack_require__(5208);
;// CONCATENATED MODULE: ./src/gates/service.ts

/** `latest` returns the most recent description of the service (from the caller's batched poll). */
function serviceGate(latest, taskDefinition, name = 'service') {
    return {
        name,
        check: async () => (0,analysis/* analyseService */.L$)(await latest(), taskDefinition)
    };
}

// EXTERNAL MODULE: ./src/gates/settings.ts
var settings = __webpack_require__(827);
// EXTERNAL MODULE: ./src/deploy/colours.ts
var colours = __webpack_require__(1246);
;// CONCATENATED MODULE: ./src/gates/targets.ts
/**
 * Gate: every target of the new colour's target group is healthy, as many as the service
 * runs tasks. One DescribeTargetHealth per check.
 */


/**
 * `expectedRunning` returns the service's running count from the caller's latest
 * DescribeServices, so both gates judge the same moment.
 */
function targetHealthGate(targetGroupArn, expectedRunning, ctx, name = 'targets') {
    return {
        name,
        check: async () => {
            const [descriptions, expected] = await Promise.all([ctx.aws.elb.describeTargetHealth(targetGroupArn), expectedRunning()]);
            return (0,analysis/* analyseTargets */.qc)((0,analysis/* observeTargets */.ZX)(descriptions), expected, (0,colours/* targetGroupName */.IT)(targetGroupArn));
        }
    };
}
/**
 * Gate: an HTTP GET to `url` (typically a test listener in front of the new colour)
 * answers 2xx within `timeoutMs`. Another status fails; no answer at all (refused,
 * timed out) is inconclusive, held by the policy like any other, since a test listener
 * can take a moment to see newly registered targets. Redirects are not followed: a 3xx
 * usually means a login page, not a healthy release.
 */
function smokeTestGate(url, timeoutMs, fetchImpl = fetch, name = 'smoke-test') {
    return {
        name,
        check: async () => {
            try {
                const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
                if (res.status >= 200 && res.status < 300)
                    return { phase: 'pass', reason: `GET ${url} answered ${res.status}` };
                return { phase: 'fail', reason: `GET ${url} answered ${res.status}, not 2xx` };
            }
            catch (error) {
                // Duck-typed: fetch rejects with a DOMException on timeout, which is not always an `Error` of this realm.
                const e = (error ?? {});
                const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
                const cause = typeof e.cause?.message === 'string' ? e.cause.message : typeof e.message === 'string' ? e.message : String(error);
                const detail = timedOut ? `no answer within ${timeoutMs} ms` : cause;
                return { phase: 'inconclusive', reason: `GET ${url}: ${detail}` };
            }
        }
    };
}

// EXTERNAL MODULE: ./src/aws/errors.ts
var aws_errors = __webpack_require__(9378);
;// CONCATENATED MODULE: ./src/deploy/traffic.ts



function describeTarget(target) {
    return 'listenerArn' in target ? `listener ${target.listenerArn}` : `listener rule ${target.ruleArn}`;
}
/** The weights did not take effect on the load balancer, even after re-applying them. */
class TrafficNotAppliedError extends Error {
    expected;
    live;
    name = 'TrafficNotAppliedError';
    constructor(message, expected, live) {
        super(message);
        this.expected = expected;
        this.live = live;
    }
}
async function readActions(target, ctx) {
    if ('listenerArn' in target)
        return (await ctx.aws.elb.describeListener(target.listenerArn)).DefaultActions ?? [];
    return (await ctx.aws.elb.describeRule(target.ruleArn)).Actions ?? [];
}
async function writeActions(target, actions, ctx) {
    if ('listenerArn' in target)
        await ctx.aws.elb.modifyListenerDefaultActions(target.listenerArn, actions);
    else
        await ctx.aws.elb.modifyRuleActions(target.ruleArn, actions);
}
/** Percentages of the forward action; {} when there is none. */
function weightsOf(actions) {
    const forward = (0,colours/* findForward */.$i)(actions);
    return forward ? (0,colours/* toPercentages */.dY)(forward.shares) : {};
}
/** The live weights (percent by target group ARN) of the listener or rule. */
async function readWeights(target, ctx) {
    return weightsOf(await readActions(target, ctx));
}
/**
 * The same action list with only the forward's target groups and weights replaced. Every
 * other action (authentication before the forward, fixed responses…), the action's Order
 * and the stickiness configuration are kept as they are. `TargetGroupArn` is dropped: ELB
 * rejects it next to a ForwardConfig with more than one target group.
 */
function withWeights(actions, weights, where = 'the listener') {
    const forward = (0,colours/* findForward */.$i)(actions);
    if (!forward)
        throw new Error(`${where} has no forward action to set weights on`);
    const unknown = forward.shares.filter((s) => !(s.targetGroupArn in weights)).map((s) => (0,colours/* targetGroupName */.IT)(s.targetGroupArn));
    if (unknown.length > 0) {
        // Silently dropping a target group would move its traffic somewhere nobody asked for.
        throw new Error(`${where} also forwards to ${unknown.join(', ')}, which this deployment does not manage: remove it from the forward action`);
    }
    for (const [arn, w] of Object.entries(weights)) {
        if (!Number.isInteger(w) || w < 0 || w > 999)
            throw new Error(`weight ${w} for ${(0,colours/* targetGroupName */.IT)(arn)} is not a whole number from 0 to 999`);
    }
    if (Object.values(weights).every((w) => w === 0))
        throw new Error(`refusing to set weight 0 on every target group of ${where}`);
    return actions.map((action, i) => {
        if (i !== forward.index)
            return keepSecret(action);
        const { TargetGroupArn: _single, ...rest } = action;
        return {
            ...rest,
            ForwardConfig: {
                ...action.ForwardConfig,
                TargetGroups: Object.entries(weights).map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight }))
            }
        };
    });
}
/**
 * DescribeListeners never returns an OIDC client secret, and ModifyListener would fail
 * without one: ask ELB to keep the secret it has.
 */
function keepSecret(action) {
    const oidc = action.AuthenticateOidcConfig;
    if (action.Type === 'authenticate-oidc' && oidc && oidc.ClientSecret === undefined && oidc.UseExistingClientSecret === undefined) {
        return { ...action, AuthenticateOidcConfig: { ...oidc, UseExistingClientSecret: true } };
    }
    return action;
}
function normalise(weights) {
    return (0,colours/* toPercentages */.dY)(Object.entries(weights).map(([targetGroupArn, weight]) => ({ targetGroupArn, weight })));
}
function sameWeights(a, b) {
    const na = normalise(a);
    const nb = normalise(b);
    return [...new Set([...Object.keys(na), ...Object.keys(nb)])].every((k) => Math.abs((na[k] ?? 0) - (nb[k] ?? 0)) < 0.01);
}
/** "90/10 to web-blue/web-green", in the order of `order`'s keys. */
function formatWeights(weights, order, labels = {}) {
    const pct = normalise(weights);
    const keys = [...new Set([...Object.keys(order), ...Object.keys(pct)])];
    const name = (k) => labels[k] ?? (0,colours/* targetGroupName */.IT)(k);
    return `${keys.map((k) => pct[k] ?? 0).join('/')} to ${keys.map(name).join('/')}`;
}
function labelled(weights, labels) {
    const out = {};
    for (const [k, v] of Object.entries(normalise(weights)))
        out[labels[k] ?? k] = v;
    return out;
}
/**
 * Sets the forward weights (percent by target group ARN) and verifies them: reads back
 * until the listener shows them, re-applies once if it never does, then gives up with a
 * TrafficNotAppliedError. Returns the verified weights. Weights already in place are not
 * written again, so rolling back twice (main step, then post step) is harmless.
 *
 * Sleeps do not follow the cancellation signal on purpose: a cancelled run must still
 * verify the weights it restores.
 */
async function setWeights(target, weights, ctx, opts = {}) {
    const where = describeTarget(target);
    const labels = opts.labels ?? {};
    const reads = Math.max(1, opts.reads ?? 4);
    const firstDelay = opts.readDelayMs ?? 250;
    const verified = (live) => {
        ctx.reporter.event({ kind: 'weights', weights: labelled(live, labels), verified: true, at: ctx.timer.now() });
        ctx.reporter.info(`${where} forwards ${formatWeights(live, weights, labels)} (verified)`);
        return normalise(live);
    };
    const current = await readActions(target, ctx);
    if (sameWeights(weightsOf(current), weights))
        return verified(weightsOf(current));
    const desired = withWeights(current, weights, where);
    let live = weightsOf(current);
    let totalReads = 0;
    for (let apply = 1; apply <= 2; apply++) {
        await writeActions(target, desired, ctx);
        for (let read = 0; read < reads; read++) {
            if (read > 0)
                await ctx.timer.sleep(firstDelay * 2 ** (read - 1));
            live = await readWeights(target, ctx);
            totalReads++;
            if (sameWeights(live, weights)) {
                if (apply > 1)
                    ctx.reporter.warning(`${where} ignored the first change of weights; applying it again worked`);
                return verified(live);
            }
        }
    }
    ctx.reporter.event({ kind: 'weights', weights: labelled(live, labels), verified: false, at: ctx.timer.now() });
    throw new TrafficNotAppliedError(`${where} still forwards ${formatWeights(live, weights, labels)} after setting ${formatWeights(weights, weights, labels)}: ` +
        `the change did not take effect (applied twice, read back ${totalReads} times)`, normalise(weights), live);
}
function isCode(error, ...codes) {
    return error instanceof aws_errors/* AwsCallError */.iQ && codes.includes(error.code);
}
/**
 * Reads the listener (or rule) and both target groups, validates them and decides the
 * colours. Every problem here is the user's input and nothing has changed yet, so they
 * are InputErrors naming the input. Returns a settled or interrupted discovery.
 */
async function discoverTraffic(target, targetGroups, ctx) {
    const where = describeTarget(target);
    const input = 'listenerArn' in target ? 'listener-arn' : 'listener-rule-arn';
    let actions;
    let loadBalancerArn;
    try {
        if ('listenerArn' in target) {
            const listener = await ctx.aws.elb.describeListener(target.listenerArn);
            actions = listener.DefaultActions ?? [];
            loadBalancerArn = listener.LoadBalancerArn ?? (0,colours/* loadBalancerOf */.Aw)(target.listenerArn);
        }
        else {
            actions = (await ctx.aws.elb.describeRule(target.ruleArn)).Actions ?? [];
            loadBalancerArn = (0,colours/* loadBalancerOf */.Aw)(target.ruleArn);
        }
    }
    catch (error) {
        if (isCode(error, 'ListenerNotFound', 'ListenerNotFoundException', 'RuleNotFound', 'RuleNotFoundException')) {
            throw new errors/* InputError */.dz(`${input}: ${where} does not exist`, {}, 'check the ARN and the region');
        }
        throw error;
    }
    const found = await describeTargetGroupsLeniently([targetGroups.blue, targetGroups.green], ctx);
    const problems = (0,colours/* targetGroupProblems */.j8)(found, targetGroups, loadBalancerArn, where);
    if (problems.length > 0)
        throw new errors/* InputErrors */.G(problems.map((p) => new errors/* InputError */.dz(p)));
    const discovery = (0,colours/* discoverColours */.B1)(actions, targetGroups, { where });
    if (discovery.kind === 'invalid')
        throw new errors/* InputError */.dz(discovery.message);
    return { discovery, actions };
}
/** DescribeTargetGroups fails as a whole when one ARN is unknown; ask again one by one to tell which. */
async function describeTargetGroupsLeniently(arns, ctx) {
    const unique = [...new Set(arns)];
    try {
        return await ctx.aws.elb.describeTargetGroups(unique);
    }
    catch (error) {
        if (!isCode(error, 'TargetGroupNotFound', 'TargetGroupNotFoundException'))
            throw error;
    }
    const found = [];
    for (const arn of unique) {
        try {
            found.push(...(await ctx.aws.elb.describeTargetGroups([arn])));
        }
        catch (error) {
            if (!isCode(error, 'TargetGroupNotFound', 'TargetGroupNotFoundException'))
                throw error;
        }
    }
    return found;
}

// EXTERNAL MODULE: ./src/deploy/verdict.ts
var deploy_verdict = __webpack_require__(4010);
// EXTERNAL MODULE: ./src/deploy/watch.ts
var watch = __webpack_require__(4808);
;// CONCATENATED MODULE: ./src/deploy/blue-green-abort.ts





/** The key under which deployBlueGreen saves its BlueGreenState. */
const BLUE_GREEN_STATE_KEY = 'blue-green';
function saveState(ctx, state, phase) {
    state.phase = phase;
    ctx.state.save(BLUE_GREEN_STATE_KEY, state);
}
/** Whether the post step has a rollback to finish. */
function needsBlueGreenRollback(saved) {
    return saved !== undefined && saved.phase !== 'done' && saved.phase !== 'rolled-back';
}
/** Target group name per ARN, for events and messages. */
function tgLabels(state) {
    return {
        [state.targetGroups.blue]: (0,colours/* targetGroupName */.IT)(state.targetGroups.blue),
        [state.targetGroups.green]: (0,colours/* targetGroupName */.IT)(state.targetGroups.green)
    };
}
/** `web-blue=0,web-green=100`: the `traffic` output, blue first. */
function formatTraffic(state, weights) {
    return ['blue', 'green'].map((c) => `${(0,colours/* targetGroupName */.IT)(state.targetGroups[c])}=${weights[state.targetGroups[c]] ?? 0}`).join(',');
}
/** Percent by target group: `percent` to the idle colour, the rest to the live one. */
function split(state, percent) {
    return { [state.targetGroups[state.live]]: 100 - percent, [state.targetGroups[state.idle]]: percent };
}
/** Remembers the actions of every listener / rule read, for a restore that cannot wait for one more read. */
function rememberingActions(ctx, cache) {
    const elb = ctx.aws.elb;
    return {
        ...ctx,
        aws: {
            ...ctx.aws,
            elb: {
                ...elb,
                describeListener: async (arn) => {
                    const listener = await elb.describeListener(arn);
                    cache.actions = listener.DefaultActions ?? [];
                    return listener;
                },
                describeRule: async (arn) => {
                    const rule = await elb.describeRule(arn);
                    cache.actions = rule.Actions ?? [];
                    return rule;
                }
            }
        }
    };
}
/** Write then read back, from actions already known; undefined when the read-back does not show the weights yet. */
async function quickRestore(ctx, state, known) {
    const wanted = split(state, 0);
    const where = describeTarget(state.target);
    const desired = withWeights(known, wanted, where);
    if ('listenerArn' in state.target)
        await ctx.aws.elb.modifyListenerDefaultActions(state.target.listenerArn, desired);
    else
        await ctx.aws.elb.modifyRuleActions(state.target.ruleArn, desired);
    const live = await readWeights(state.target, ctx);
    if (!sameWeights(live, wanted))
        return undefined;
    const labels = tgLabels(state);
    const named = Object.fromEntries(Object.entries(live).map(([arn, w]) => [labels[arn] ?? arn, w]));
    ctx.reporter.event({ kind: 'weights', weights: named, verified: true, at: ctx.timer.now() });
    ctx.reporter.info(`${where} forwards ${formatWeights(live, wanted, labels)} (verified)`);
    return live;
}
/**
 * Weights back to 100 % on the live colour (verified), then the new colour back to what it
 * was. Never follows the cancellation signal: a cancelled run is exactly when this must finish.
 */
async function restoreOldColour(ctx, state, opts = {}) {
    const liveName = state.services[state.live];
    const newName = state.services[state.idle];
    let weights;
    try {
        // Only when traffic had moved: otherwise setWeights' read finds 100/0 and writes nothing.
        const moved = opts.knownActions && !sameWeights(weightsOf(opts.knownActions), split(state, 0));
        const quick = moved ? await quickRestore(ctx, state, opts.knownActions).catch(() => undefined) : undefined;
        weights =
            quick ??
                (await setWeights(state.target, split(state, 0), ctx, {
                    labels: tgLabels(state),
                    ...(opts.readDelayMs !== undefined ? { readDelayMs: opts.readDelayMs } : {})
                }));
    }
    catch (error) {
        // The new colour may be serving: leave it running rather than drop requests.
        return {
            ok: false,
            detail: `putting 100 % back on ${liveName} failed: ${(0,errors/* errorMessage */.gJ)(error)}; ${newName} was left running so it can keep serving; ${await describeNow(ctx, state)}`
        };
    }
    const restored = `100 % of traffic is back on ${liveName} (${(0,deploy_verdict/* revision */.Q)(state.previousTaskDefinitionArn)}), verified`;
    try {
        const scaled = await scaleBack(ctx, state);
        saveState(ctx, state, 'rolled-back');
        return { ok: true, detail: `${restored}; ${scaled}`, weights };
    }
    catch (error) {
        // Phase left as it was: the post step retries the scale-back (traffic is already in place, so it only re-reads it).
        return { ok: false, detail: `${restored}, but scaling ${newName} back failed: ${(0,errors/* errorMessage */.gJ)(error)}; ${await describeNow(ctx, state)}`, weights };
    }
}
async function scaleBack(ctx, state) {
    const name = state.services[state.idle];
    const before = state.newColourBefore;
    const input = { cluster: state.cluster, service: name, desiredCount: before.desiredCount };
    const restoreRevision = before.desiredCount > 0 && before.taskDefinitionArn !== undefined && before.taskDefinitionArn !== state.taskDefinitionArn;
    if (restoreRevision)
        input.taskDefinition = before.taskDefinitionArn;
    await ctx.aws.ecs.updateService(input);
    const what = restoreRevision
        ? `${name} is back on ${(0,deploy_verdict/* revision */.Q)(before.taskDefinitionArn)} at ${before.desiredCount} task${before.desiredCount === 1 ? '' : 's'}, as before`
        : `${name} is scaled back to ${before.desiredCount}`;
    ctx.reporter.info(what);
    return what;
}
/** "listener … forwards 50/50 to web-blue/web-green; service web-blue: PRIMARY web:7 …": for failures nobody could fix automatically. */
async function describeNow(ctx, state) {
    const parts = [];
    const where = describeTarget(state.target);
    try {
        const live = await readWeights(state.target, ctx);
        parts.push(`${where} now forwards ${formatWeights(live, split(state, 0), tgLabels(state))}`);
    }
    catch (error) {
        parts.push(`the weights of ${where} could not be read (${(0,errors/* errorMessage */.gJ)(error)})`);
    }
    const names = [state.services.blue, state.services.green];
    try {
        const { services } = await ctx.aws.ecs.describeServices(state.cluster, names);
        for (const name of names)
            parts.push(describeService(name, services.find((s) => s.serviceName === name || s.serviceArn?.endsWith(`/${name}`))));
    }
    catch (error) {
        parts.push(`services ${names.join(' and ')} could not be described (${(0,errors/* errorMessage */.gJ)(error)})`);
    }
    return parts.join('; ');
}
function describeService(name, service) {
    if (!service)
        return `service ${name} was not found`;
    const deployments = (service.deployments ?? []).map(watch/* progressLine */.oz);
    return `service ${name} wants ${service.desiredCount ?? 0} task(s): ${deployments.length ? deployments.join(', ') : 'no deployments'}`;
}
/**
 * The post step's entry point (and `ecs-rollout rollback`): when the main step stopped
 * before the deployment was done or rolled back, puts 100 % back on the old colour
 * (verified) and scales the new colour back. Returns what it did, undefined when there was
 * nothing to do; throws when the rollback did not complete, with the state things are in.
 */
async function recoverBlueGreen(ctx, opts = {}) {
    const saved = ctx.state.load(BLUE_GREEN_STATE_KEY);
    if (!needsBlueGreenRollback(saved))
        return undefined;
    const state = { ...saved };
    const liveName = state.services[state.live];
    const what = `the main step stopped while ${saved.phase} ${(0,deploy_verdict/* revision */.Q)(state.taskDefinitionArn)} into ${state.services[state.idle]}`;
    const outcome = await ctx.reporter.phase('rollback', `Restoring 100 % of traffic to ${liveName}: the main step stopped while ${saved.phase}`, () => restoreOldColour(ctx, state, opts));
    if (!outcome.ok)
        throw new Error(`${what}, and the rollback did not complete: ${outcome.detail}`);
    return `${what}: rolled back, ${outcome.detail}`;
}

// EXTERNAL MODULE: ./src/deploy/rolling.ts + 1 modules
var rolling = __webpack_require__(8774);
// EXTERNAL MODULE: ./src/deploy/steps.ts
var steps = __webpack_require__(9416);
;// CONCATENATED MODULE: ./src/deploy/blue-green-prepare.ts







/** `web` from `arn:aws:ecs:…:service/prod/web` or `web`: DescribeServices answers with names. */
function serviceName(nameOrArn) {
    return nameOrArn.split('/').pop() ?? nameOrArn;
}
/**
 * Read-only apart from one case: `on-interrupted: rollback` puts 100 % back on the older
 * colour here (verified) before anything else happens.
 */
async function discover(deploy, bg, taskDefinitionArn, ctx) {
    const targetGroups = { blue: bg.colours.blue.targetGroupArn, green: bg.colours.green.targetGroupArn };
    const names = { blue: serviceName(bg.colours.blue.service), green: serviceName(bg.colours.green.service) };
    const { discovery } = await discoverTraffic(bg.target, targetGroups, ctx);
    const services = {
        blue: await (0,watch/* describeService */.Jv)(ctx, deploy.cluster, bg.colours.blue.service),
        green: await (0,watch/* describeService */.Jv)(ctx, deploy.cluster, bg.colours.green.service)
    };
    const problems = colours/* COLOURS */.O5.flatMap((c) => serviceProblems(services[c], c, targetGroups[c], deploy.cluster));
    if (problems.length > 0)
        return { ok: false, reason: `${problems.join('; ')}; nothing was changed` };
    const originalWeights = { [targetGroups.blue]: discovery.percent.blue, [targetGroups.green]: discovery.percent.green };
    // The starting point of the traffic chart: the weights as read, before anything moves.
    ctx.reporter.event({ kind: 'weights', weights: { [names.blue]: discovery.percent.blue, [names.green]: discovery.percent.green }, verified: true, at: ctx.timer.now() });
    let live;
    let fromPercent = 0;
    let resume = false;
    let reset = false;
    let interrupted = false;
    if (discovery.kind === 'settled') {
        live = discovery.live;
        ctx.reporter.info(`${describeTarget(bg.target)} forwards 100 % to ${(0,colours/* targetGroupName */.IT)(targetGroups[live])}: ${names[live]} is live, ${names[(0,colours/* otherColour */.RQ)(live)]} is idle`);
    }
    else {
        const revisions = { blue: revisionOf(services.blue), green: revisionOf(services.green) };
        const plan = (0,colours/* planInterrupted */.iQ)(discovery, bg.onInterrupted, revisions, taskDefinitionArn);
        if (plan.kind === 'fail')
            return { ok: false, reason: `${plan.message}; nothing was changed` };
        ctx.reporter.warning(plan.message);
        live = plan.live;
        interrupted = true;
        if (plan.kind === 'resume') {
            resume = true;
            fromPercent = plan.fromPercent;
        }
        else {
            reset = true;
        }
    }
    const idle = (0,colours/* otherColour */.RQ)(live);
    const liveService = services[live];
    const idleService = services[idle];
    const desiredCount = deploy.desiredCount ?? liveService.desiredCount ?? 0;
    if (desiredCount <= 0) {
        return {
            ok: false,
            reason: `the live colour ${names[live]} wants 0 tasks, so the new colour would get none: set desired-count; nothing was changed`
        };
    }
    // After an interruption the new colour's current size is the failed run's, not a state worth returning to.
    const newColourBefore = interrupted
        ? { desiredCount: 0 }
        : { desiredCount: idleService.desiredCount ?? 0, taskDefinitionArn: (0,rolling/* previousRevision */.Rs)(idleService) };
    return {
        ok: true,
        plan: {
            live,
            idle,
            steps: (0,steps/* remainingSteps */._)(bg.steps, fromPercent),
            fromPercent,
            resume,
            reset,
            originalWeights,
            services,
            names,
            previousTaskDefinitionArn: (0,rolling/* previousRevision */.Rs)(liveService, ctx.reporter),
            newColourBefore,
            desiredCount
        }
    };
}
function revisionOf(service) {
    const primary = (service.deployments ?? []).find((d) => d.status === 'PRIMARY');
    const taskDefinition = primary?.taskDefinition ?? service.taskDefinition;
    return { ...(taskDefinition ? { taskDefinition } : {}), ...(primary?.createdAt ? { deployedAt: primary.createdAt } : {}) };
}
/** A service that cannot be one colour of this deployment, said before anything changes. */
function serviceProblems(service, colour, targetGroupArn, cluster) {
    const name = service.serviceName ?? '?';
    const problems = [];
    const type = service.deploymentController?.type ?? 'ECS';
    if (type !== 'ECS') {
        problems.push(`${colour}-service ${name} in cluster ${cluster} uses the ${type} deployment controller; blue-green needs two services with the ECS deployment controller`);
    }
    const groups = (service.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((a) => Boolean(a));
    if (!groups.includes(targetGroupArn)) {
        const attached = groups.length ? `it registers its tasks in ${groups.map(colours/* targetGroupName */.IT).join(', ')}` : 'it has no load balancer';
        problems.push(`${colour}-service ${name} does not register its tasks in ${colour}-target-group ${(0,colours/* targetGroupName */.IT)(targetGroupArn)} (${attached}): check that the services and target groups are paired by colour`);
    }
    return problems;
}
/**
 * The same checks as the start of a deployment, for the pipeline's preflight before the
 * revision is registered: the listener, both target groups and both services exist and fit
 * together, and the listener is at 100/0 (or on-interrupted says what to do). Read-only;
 * throws with the problem (InputError for bad ARNs), or resolves when a deployment could start.
 */
async function preflightBlueGreen(deploy, bg, ctx) {
    const outcome = await discover(deploy, bg, undefined, ctx);
    if (!outcome.ok)
        throw new Error(outcome.reason);
}
/**
 * UpdateService on the idle colour (new revision, the live colour's size, circuit breaker),
 * then one batched DescribeServices per poll for both colours until ECS's verdict on the
 * idle colour is in. A circuit-breaker rollback is a failure here: no traffic ever moved.
 * `beforeUpdate` runs just before the mutation (to save the crash state).
 */
async function prepareIdle(deploy, plan, taskDefinitionArn, watcher, ctx, beforeUpdate, deadline) {
    const name = plan.names[plan.idle];
    const before = plan.services[plan.idle];
    let deploymentId;
    // Saved in both cases: resuming, the listener already splits traffic, so a crash from here on must be undone.
    beforeUpdate();
    if (!plan.resume) {
        try {
            const input = (0,rolling/* updateInput */.Yz)({ ...deploy, desiredCount: plan.desiredCount }, name, taskDefinitionArn, before, {});
            const updated = await ctx.aws.ecs.updateService(input);
            const primaries = (updated.deployments ?? []).filter((d) => d.status === 'PRIMARY');
            deploymentId = (primaries.find((d) => d.taskDefinition === taskDefinitionArn) ?? primaries[0])?.id;
        }
        catch (error) {
            return { kind: 'failed', reason: `${(0,errors/* errorMessage */.gJ)(error)}; no traffic was moved` };
        }
        ctx.reporter.info(`Updated ${name}: ${(0,deploy_verdict/* revision */.Q)(plan.newColourBefore.taskDefinitionArn ?? before.taskDefinition)} → ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)} at ${plan.desiredCount} task${plan.desiredCount === 1 ? '' : 's'}${deploymentId ? ` (deployment ${deploymentId})` : ''}`);
    }
    else {
        ctx.reporter.info(`Resuming: ${name} already runs ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)}; waiting for it to be steady`);
    }
    const ids = deploymentId ? { deploymentId } : {};
    const ours = { taskDefinitionArn, ...ids };
    let end;
    try {
        end = await (0,watch/* watchUntil */.m2)(watcher, ctx.timer, (services) => {
            const service = services.get(name);
            if (!service)
                return undefined;
            const verdict = (0,deploy_verdict/* judge */.S)(service, ours);
            if (verdict.kind !== 'in-progress')
                return verdict;
            return deploy.circuitBreaker ? undefined : stuck(service, ours);
        }, { timeoutMs: Math.max(0, deadline - ctx.timer.now()), signal: ctx.signal });
    }
    catch (error) {
        return { kind: 'failed', reason: `watching ${name} failed: ${(0,errors/* errorMessage */.gJ)(error)}`, ...ids };
    }
    switch (end.kind) {
        case 'cancelled':
            return { kind: 'failed', reason: `cancelled while ${name} was starting ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)}`, cancelled: true, ...ids };
        case 'timeout':
            return { kind: 'failed', reason: `${name} was not steady on ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)} within the timeout`, ...ids };
        case 'decided': {
            const v = end.value;
            if (v.kind === 'succeeded')
                return { kind: 'ready', reason: `${name} is steady on ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)}`, ...ids };
            const prefix = v.kind === 'rolled-back-by-ecs' ? `${name} did not start ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)}: ` : `${name}: `;
            return { kind: 'failed', reason: `${prefix}${v.reason}`, ...ids };
        }
    }
}
/** With the circuit breaker off, its threshold applied by us, so crashing tasks do not wait for the timeout. */
function stuck(service, ours) {
    const mine = (service.deployments ?? []).find((d) => ours.deploymentId ? d.id === ours.deploymentId : d.status === 'PRIMARY' && d.taskDefinition === ours.taskDefinitionArn);
    const failed = mine?.failedTasks ?? 0;
    const limit = (0,rolling/* stuckThreshold */.e9)(mine?.desiredCount ?? 0);
    if (!mine || failed < limit)
        return undefined;
    return { kind: 'stuck', reason: `${failed} tasks of ${(0,deploy_verdict/* revision */.Q)(ours.taskDefinitionArn)} failed to start (limit ${limit}; the circuit breaker is off)` };
}
/** on-interrupted: rollback: 100 % back on the older colour, verified, before the deployment starts over. */
async function resetInterrupted(plan, bg, ctx, labels, readDelayMs) {
    const tg = (c) => bg.colours[c].targetGroupArn;
    return setWeights(bg.target, { [tg(plan.live)]: 100, [tg(plan.idle)]: 0 }, ctx, { labels, ...(readDelayMs !== undefined ? { readDelayMs } : {}) });
}

// EXTERNAL MODULE: ./src/deploy/watching.ts + 1 modules
var watching = __webpack_require__(3721);
;// CONCATENATED MODULE: ./src/deploy/blue-green.ts
/**
 * The blue/green strategy, read top to bottom:
 *   discover → prepare the idle colour → gates → (shift → bake)* → promote,
 * and on any failure, timeout, cancellation or crash: traffic back to the old colour
 * first (verified), then the new colour scaled back. The listener's weights are the
 * source of truth; what a rollback needs is saved before every mutation.
 */
















const DEFAULT_POLICY = { limit: 10, decide: 'fail' };
async function deployBlueGreen(deploy, bg, taskDefinitionArn, ctx, opts = {}) {
    const result = (status, reason, extra = {}) => {
        ctx.reporter.event({ kind: 'verdict', status, reason, at: ctx.timer.now() });
        return { status, reason, taskDefinitionArn, rolledBack: status === 'rolled-back', outputs: {}, ...extra };
    };
    const setOpts = opts.readDelayMs !== undefined ? { readDelayMs: opts.readDelayMs } : {};
    // Every listener read is remembered, so an abort can write at once and only read back.
    const seen = {};
    const elbCtx = rememberingActions(ctx, seen);
    const labels = tgLabels({ targetGroups: { blue: bg.colours.blue.targetGroupArn, green: bg.colours.green.targetGroupArn } });
    // 1. Discover: nothing changes unless on-interrupted: rollback asks for it.
    let plan;
    try {
        const found = await (0,watching/* outcomePhase */.K5)(ctx.reporter, 'discover', `Discovering the live colour from ${describeTarget(bg.target)}`, async () => {
            const d = await discover(deploy, bg, taskDefinitionArn, elbCtx);
            return { ok: d.ok, value: d };
        });
        if (!found.ok)
            return result('failed', found.reason);
        plan = found.plan;
    }
    catch (error) {
        return result('failed', `${(0,errors/* errorMessage */.gJ)(error)}; nothing was changed`);
    }
    if (ctx.signal.aborted)
        return result('failed', 'cancelled before anything was changed', { previousTaskDefinitionArn: plan.previousTaskDefinitionArn });
    const state = {
        cluster: deploy.cluster,
        target: bg.target,
        targetGroups: { blue: bg.colours.blue.targetGroupArn, green: bg.colours.green.targetGroupArn },
        services: plan.names,
        live: plan.live,
        idle: plan.idle,
        originalWeights: plan.originalWeights,
        taskDefinitionArn,
        previousTaskDefinitionArn: plan.previousTaskDefinitionArn,
        newColourBefore: plan.newColourBefore,
        percent: plan.fromPercent,
        phase: 'preparing'
    };
    const liveName = plan.names[plan.live];
    const newName = plan.names[plan.idle];
    const watcher = new watch/* ServiceWatcher */.gf(ctx, deploy.cluster, [liveName, newName], { pollIntervalMs: deploy.pollIntervalMs });
    watcher.anchor(plan.services[plan.live]);
    watcher.anchor(plan.services[plan.idle]);
    let stepsCompleted = 0;
    let traffic = plan.originalWeights;
    let temporary = [];
    const outputs = (serving) => ({
        'live-service': serving === 'new' ? newName : liveName,
        // "the service that was live before": the old colour either way.
        'previous-service': liveName,
        traffic: formatTraffic(state, traffic),
        'steps-completed': String(stepsCompleted)
    });
    const ids = () => ({
        previousTaskDefinitionArn: plan.previousTaskDefinitionArn,
        ...(state.deploymentId ? { deploymentId: state.deploymentId } : {})
    });
    /** The one place an abort is applied. */
    const abort = async (why) => {
        const known = seen.actions ? { knownActions: seen.actions } : {};
        const outcome = await ctx.reporter.phase('rollback', `Restoring 100 % of traffic to ${liveName}`, () => restoreOldColour(ctx, state, { ...setOpts, ...known }));
        if (outcome.weights)
            traffic = outcome.weights;
        if (why.explain)
            await (0,watching/* explain */.WE)(ctx, deploy.cluster, watcher, newName, state);
        if (outcome.ok)
            return result('rolled-back', `${why.reason}: rolled back, ${outcome.detail}`, { ...ids(), outputs: outputs('old') });
        return result('failed', `${why.reason}, and the rollback did not complete: ${outcome.detail}`, { ...ids(), outputs: outputs('old') });
    };
    // Temporary alarms watch the new colour's own service, so the old colour's load cannot mask it.
    // Created before anything else changes: if CloudWatch refuses, nothing needs undoing.
    const g = opts.gates;
    const policy = g?.settings.inconclusive ?? DEFAULT_POLICY;
    if (g && (0,settings/* wantsTemporaryAlarms */.PR)(g.settings)) {
        try {
            temporary = await (0,gates_alarms/* createTemporaryAlarms */.cS)({ cluster: deploy.cluster, service: newName, deploymentTag: g.deploymentTag ?? (0,external_node_crypto_.randomUUID)().slice(0, 8) }, g.settings.temporary, ctx);
        }
        catch (error) {
            return result('failed', `${(0,errors/* errorMessage */.gJ)(error)}; nothing was changed`, ids());
        }
    }
    try {
        if (plan.reset) {
            saveState(ctx, state, 'shifting');
            traffic = await ctx.reporter.phase('rollback', `Putting 100 % back on ${liveName} (on-interrupted: rollback)`, () => resetInterrupted(plan, bg, elbCtx, labels, opts.readDelayMs));
        }
        const watched = [...(g?.settings.alarms ?? []), ...temporary];
        const alarms = watched.length && g ? [(0,analysis/* holdInconclusive */.Qn)(safe((0,gates_alarms/* alarmGate */.Ro)(watched, g.settings, g.baseline, ctx)), policy)] : [];
        const latest = () => watcher.latest.get(newName) ?? plan.services[plan.idle];
        const service = safe(serviceGate(latest, taskDefinitionArn, 'service'));
        const targets = safe(targetHealthGate(state.targetGroups[plan.idle], () => latest().runningCount ?? 0, ctx, 'targets'));
        const smoke = bg.smokeTest ? [(0,analysis/* holdInconclusive */.Qn)(safe(smokeTestGate(bg.smokeTest.url, bg.smokeTest.timeoutMs, opts.fetch)), policy)] : [];
        // Before traffic moves, `initial` targets and a service still settling hold until the timeout.
        const preShift = [service, targets, ...smoke, ...alarms];
        // Once it serves traffic, anything but a pass is held only up to the inconclusive limit.
        const baking = [(0,analysis/* holdInconclusive */.Qn)(service, policy), (0,analysis/* holdInconclusive */.Qn)(targets, policy), ...alarms];
        // 2. Prepare the idle colour.
        const deadline = ctx.timer.now() + deploy.timeoutMs;
        const prepTitle = plan.resume
            ? `Waiting for ${newName} on ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)} (resuming at ${plan.fromPercent} %)`
            : `Starting ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)} on ${newName} (${plan.desiredCount} task${plan.desiredCount === 1 ? '' : 's'})`;
        const prepared = await (0,watching/* outcomePhase */.K5)(ctx.reporter, 'prepare', prepTitle, async () => {
            const p = await prepareIdle(deploy, plan, taskDefinitionArn, watcher, ctx, () => saveState(ctx, state, 'preparing'), deadline);
            if (p.deploymentId) {
                state.deploymentId = p.deploymentId;
                saveState(ctx, state, state.phase);
            }
            return { ok: p.kind === 'ready', value: p };
        });
        if (prepared.kind === 'failed')
            return await abort({ reason: prepared.reason, explain: !prepared.cancelled });
        // 3. Gates before the first shift.
        const ready = await (0,watching/* outcomePhase */.K5)(ctx.reporter, 'gates', `Checking ${newName} before traffic moves`, async () => {
            // The prepare phase's last poll is fresh: the first round reuses it.
            const r = await watchGates(preShift, { until: deadline, minMs: 0, watcher, ctx, what: 'before the first shift', reuseFirstPoll: true });
            return { ok: r === undefined, value: r };
        });
        if (ready)
            return await abort(ready);
        // 4. Shift, step by step, baking after each.
        for (const percent of plan.steps) {
            if (ctx.signal.aborted)
                return await abort({ reason: `cancelled (${(0,watching/* abortReason */.Js)(ctx.signal)}) before the shift to ${percent} %`, explain: false });
            state.percent = percent;
            saveState(ctx, state, percent === 100 ? 'promoting' : 'shifting');
            const shifted = await (0,watching/* outcomePhase */.K5)(ctx.reporter, 'shift', `Shifting ${percent} % of traffic to ${newName}`, async () => {
                try {
                    traffic = await setWeights(bg.target, split(state, percent), elbCtx, { labels, ...setOpts });
                    return { ok: true, value: undefined };
                }
                catch (error) {
                    return { ok: false, value: { reason: `shifting ${percent} % to ${newName} failed: ${(0,errors/* errorMessage */.gJ)(error)}`, explain: false } };
                }
            });
            if (shifted)
                return await abort(shifted);
            stepsCompleted++;
            if (percent === 100)
                break;
            const baked = await (0,watching/* outcomePhase */.K5)(ctx.reporter, 'bake', `Baking at ${percent} % for ${(0,duration/* formatDuration */.a)(bg.stepBakeMs)}`, async () => {
                const r = await watchGates(baking, { minMs: bg.stepBakeMs, watcher, ctx, what: `at ${percent} %` });
                return { ok: r === undefined, value: r };
            });
            if (baked)
                return await abort(baked);
        }
        // 5. Promote: final bake, termination wait, then (and only then) the old colour goes.
        const promoteTitle = `Final bake ${(0,duration/* formatDuration */.a)(bg.finalBakeMs)}, termination wait ${(0,duration/* formatDuration */.a)(bg.terminationWaitMs)}, then ${liveName} to ${bg.idleDesiredCount}`;
        const promoted = await (0,watching/* outcomePhase */.K5)(ctx.reporter, 'promote', promoteTitle, async () => {
            const finalBake = await watchGates(baking, { minMs: bg.finalBakeMs, watcher, ctx, what: 'in the final bake' });
            if (finalBake)
                return { ok: false, value: finalBake };
            if (bg.terminationWaitMs > 0) {
                ctx.reporter.info(`Waiting ${(0,duration/* formatDuration */.a)(bg.terminationWaitMs)} for requests in flight on ${liveName} to finish`);
                const waited = await watchGates(baking, { minMs: bg.terminationWaitMs, watcher, ctx, what: 'in the termination wait', sleepFirst: true });
                if (waited)
                    return { ok: false, value: waited };
            }
            // The listener is the source of truth: re-read it right before the old colour goes.
            const now = await readWeights(bg.target, elbCtx);
            if (!sameWeights(now, split(state, 100))) {
                return {
                    ok: false,
                    value: { reason: `${describeTarget(bg.target)} no longer forwards 100 % to ${newName} (someone changed it during the bake)`, explain: false }
                };
            }
            traffic = now;
            saveState(ctx, state, 'done');
            return { ok: true, value: await retire(ctx, deploy.cluster, liveName, bg.idleDesiredCount) };
        });
        if (typeof promoted !== 'string')
            return await abort(promoted);
        const gateNames = [...new Set(baking.map((g) => g.name))].join(', ');
        return result('succeeded', `${newName} serves 100 % on ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)} (verified) after ${stepsCompleted} step${stepsCompleted === 1 ? '' : 's'}; gates passed at every step (${gateNames}); ${promoted}`, { ...ids(), outputs: outputs('new') });
    }
    catch (error) {
        // A crash of our own half-way: the same abort as a failed gate.
        return await abort({ reason: `the deployment stopped unexpectedly: ${(0,errors/* errorMessage */.gJ)(error)}`, explain: false });
    }
    finally {
        if (temporary.length) {
            await (0,gates_alarms/* deleteAlarms */.ic)(temporary, ctx).catch((e) => ctx.reporter.warning(`could not delete temporary alarms ${temporary.join(', ')}: ${(0,errors/* errorMessage */.gJ)(e)} (the post step tries again)`));
        }
    }
}
/** Scales the old colour down; a failure here leaves a successful deployment with a warning (the new colour serves, verified). */
async function retire(ctx, cluster, name, desiredCount) {
    try {
        await ctx.aws.ecs.updateService({ cluster, service: name, desiredCount });
        const what = `${name} scaled to ${desiredCount}`;
        ctx.reporter.info(what);
        return what;
    }
    catch (error) {
        const what = `${name} could not be scaled to ${desiredCount} (${(0,errors/* errorMessage */.gJ)(error)}); scale it by hand`;
        ctx.reporter.warning(what);
        return what;
    }
}
/**
 * Every poll: one batched DescribeServices (both colours), then every gate at once. A fail
 * ends it at once (so traffic goes back within a poll); inconclusive holds. Returns
 * undefined when the gates passed, or why to abort.
 */
async function watchGates(gates, o) {
    const { ctx, watcher } = o;
    const start = ctx.timer.now();
    const last = new Map();
    let round = 0;
    try {
        if (o.sleepFirst)
            await watcher.sleep(ctx.signal);
        for (;;) {
            if (ctx.signal.aborted)
                return { reason: `cancelled (${(0,watching/* abortReason */.Js)(ctx.signal)}) ${o.what}`, explain: false };
            if (round++ > 0 || !o.reuseFirstPoll)
                await watcher.poll();
            const results = await Promise.all(gates.map(async (gate) => [gate, await gate.check()]));
            for (const [gate, r] of results)
                report(ctx, gate.name, r, last);
            const failed = results.find(([, r]) => r.phase === 'fail');
            if (failed)
                return { reason: `gate ${failed[0].name} failed ${o.what}: ${failed[1].reason}`, explain: true };
            const held = results.filter(([, r]) => r.phase === 'inconclusive');
            const elapsed = ctx.timer.now() - start;
            if (held.length === 0 && elapsed >= o.minMs)
                return undefined;
            if (o.until !== undefined && ctx.timer.now() >= o.until) {
                const why = held.map(([g, r]) => `${g.name}: ${r.reason}`).join('; ');
                return { reason: `the gates did not pass ${o.what} within the timeout (${why})`, explain: true };
            }
            await watcher.sleep(ctx.signal);
        }
    }
    catch (error) {
        return { reason: `watching the gates ${o.what} failed: ${(0,errors/* errorMessage */.gJ)(error)}`, explain: false };
    }
}
/** A gate that throws is inconclusive (it holds, it never passes). */
function safe(gate) {
    return {
        name: gate.name,
        check: async () => {
            try {
                return await gate.check();
            }
            catch (error) {
                return { phase: 'inconclusive', reason: `checking failed: ${(0,errors/* errorMessage */.gJ)(error)}` };
            }
        }
    };
}
/** Logs and emits a gate's result when it changes. */
function report(ctx, gate, r, last) {
    const key = `${r.phase} ${r.reason}`;
    if (last.get(gate) === key)
        return;
    last.set(gate, key);
    ctx.reporter.info(`gate ${gate}: ${(0,watching/* gateLabel */.GS)(r.phase)} ${r.reason}`);
    ctx.reporter.event({ kind: 'gate', gate, phase: r.phase, reason: r.reason, at: ctx.timer.now() });
}



/***/ }),

/***/ 4283:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _e: () => (/* binding */ restorePrevious),
/* harmony export */   aO: () => (/* binding */ rollbackTimeout),
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
/**
 * How long a rollback may take. A deployment's timeout can be short ("give up after 2
 * minutes") while putting the old revision back still has to start tasks and drain the
 * new ones, so the rollback gets at least 60 polls (5 minutes at the default interval).
 */
function rollbackTimeout(timeoutMs, pollIntervalMs) {
    return Math.max(timeoutMs, 60 * pollIntervalMs);
}
/** Whether the post step has something to finish: the service was (or may have been) updated and not settled. */
function needsRollback(saved) {
    return saved !== undefined && (saved.phase === 'updating' || saved.phase === 'watching' || saved.phase === 'rolling-back');
}
/**
 * Puts the service back on the previous revision and waits until that is stable. The
 * wait is bounded by `saved.timeoutMs` and deliberately ignores cancellation: a cancelled
 * workflow is exactly when this must finish.
 */
async function restorePrevious(ctx, saved, watcher = new _watch_js__WEBPACK_IMPORTED_MODULE_2__/* .ServiceWatcher */ .gf(ctx, saved.cluster, [saved.service], { pollIntervalMs: saved.pollIntervalMs }), 
/** Runs once the rollback has been asked for (e.g. gathering the failure's evidence): production first. */
afterStart) {
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
    await afterStart?.().catch((error) => ctx.reporter.warning(`could not gather the evidence: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error)}`));
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

/***/ 8774:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  bc: () => (/* binding */ deployRolling),
  Rs: () => (/* binding */ previousRevision),
  e9: () => (/* binding */ stuckThreshold),
  Yz: () => (/* binding */ updateInput)
});

// EXTERNAL MODULE: ./src/duration.ts
var duration = __webpack_require__(7607);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/deploy/verdict.ts
var deploy_verdict = __webpack_require__(4010);
;// CONCATENATED MODULE: ./src/deploy/migrate.ts


/**
 * Runs the one-off task (database migrations) and waits for it to stop. Only an exit
 * code 0 of the containers that matter lets the deployment go on: the service must not
 * get a revision whose migration failed.
 */
async function runMigration(run, opts, ctx) {
    const { cluster, taskDefinitionArn } = opts;
    const container = await overriddenContainer(run, taskDefinitionArn, ctx);
    if (ctx.signal.aborted)
        return { ok: false, reason: 'cancelled before the migration task started; the service was not updated' };
    const input = runTaskInput(run, opts, container);
    const started = await ctx.aws.ecs.runTask(input);
    const task = started.tasks[0];
    if (!task?.taskArn) {
        const why = started.failures.map((f) => `${f.arn ?? ''} ${f.reason ?? ''}${f.detail ? ` (${f.detail})` : ''}`.trim()).join('; ');
        return { ok: false, reason: `the migration task of ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)} did not start: ${why || 'RunTask returned no task'}` };
    }
    const taskArn = task.taskArn;
    ctx.reporter.info(`Started migration task ${taskId(taskArn)} of ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)}${container ? ` (container ${container})` : ''}`);
    const startedAt = ctx.timer.now();
    let lastStatus = '';
    for (;;) {
        const [current] = await ctx.aws.ecs.describeTasks(cluster, [taskArn]);
        if (current) {
            const status = current.lastStatus ?? 'UNKNOWN';
            if (status !== lastStatus)
                ctx.reporter.info(`Migration task ${taskId(taskArn)}: ${status}`);
            lastStatus = status;
            if (status === 'STOPPED')
                return judgeStopped(current, container);
        }
        const waited = ctx.timer.now() - startedAt;
        if (ctx.signal.aborted || waited >= opts.timeoutMs) {
            const why = ctx.signal.aborted ? 'cancelled' : `still running after ${(0,duration/* formatDuration */.a)(waited)}`;
            await ctx.aws.ecs.stopTask(cluster, taskArn, `ecs-rollout: migration ${why}`);
            return { ok: false, reason: `the migration task ${taskId(taskArn)} was stopped: ${why}; the service was not updated` };
        }
        await ctx.timer.sleep(opts.pollIntervalMs, ctx.signal);
    }
}
/**
 * The container that is the migration: the named one, or the first essential container.
 * Overrides go to it and its exit code decides (sidecars stopped with it may exit 137).
 */
async function overriddenContainer(run, taskDefinitionArn, ctx) {
    if (run.container)
        return run.container;
    const { taskDefinition } = await ctx.aws.ecs.describeTaskDefinition(taskDefinitionArn);
    const containers = taskDefinition.containerDefinitions ?? [];
    // ECS treats a container without `essential` as essential.
    return (containers.find((c) => c.essential !== false) ?? containers[0])?.name;
}
function runTaskInput(run, opts, container) {
    const { service } = opts;
    const input = {
        cluster: opts.cluster,
        taskDefinition: opts.taskDefinitionArn,
        count: 1,
        startedBy: run.startedBy
    };
    if (container && (run.command || run.environment.size > 0)) {
        const override = { name: container };
        if (run.command)
            override.command = run.command;
        if (run.environment.size > 0)
            override.environment = [...run.environment].map(([name, value]) => ({ name, value }));
        input.overrides = { containerOverrides: [override] };
    }
    if (run.launchType)
        input.launchType = run.launchType;
    else if (service.capacityProviderStrategy?.length)
        input.capacityProviderStrategy = service.capacityProviderStrategy;
    else if (service.launchType)
        input.launchType = service.launchType;
    if (service.platformVersion && (input.launchType ?? service.launchType) === 'FARGATE')
        input.platformVersion = service.platformVersion;
    const network = networkFor(run, service);
    if (network)
        input.networkConfiguration = network;
    return input;
}
function networkFor(run, service) {
    const own = service.networkConfiguration?.awsvpcConfiguration;
    const subnets = run.subnets ?? own?.subnets;
    if (!subnets?.length)
        return undefined;
    const securityGroups = run.securityGroups ?? own?.securityGroups;
    const assignPublicIp = run.assignPublicIp ?? own?.assignPublicIp;
    return {
        awsvpcConfiguration: {
            subnets,
            ...(securityGroups?.length ? { securityGroups } : {}),
            ...(assignPublicIp ? { assignPublicIp } : {})
        }
    };
}
/**
 * A stopped migration succeeded when its container (or, when unknown, every container) exited 0. A container with no exit code never ran (e.g. the image
 * could not be pulled): that is a failure too.
 */
function judgeStopped(task, container) {
    const containers = task.containers ?? [];
    const relevant = container ? containers.filter((c) => c.name === container) : containers;
    const failed = (relevant.length > 0 ? relevant : containers).filter((c) => c.exitCode !== 0);
    const id = taskId(task.taskArn ?? '?');
    if (containers.length > 0 && failed.length === 0)
        return { ok: true, taskArn: task.taskArn ?? '' };
    const detail = failed.length > 0 ? failed.map((c) => `container ${c.name ?? '?'} ${c.exitCode === undefined ? 'never ran (no exit code)' : `exited with code ${c.exitCode}`}${c.reason ? ` (${c.reason})` : ''}`).join('; ') : 'the task has no containers';
    const stopped = `${task.stoppedReason ?? 'no stoppedReason'}${task.stopCode ? ` (${task.stopCode})` : ''}`;
    return { ok: false, reason: `migration task ${id} failed: ${detail}; stopped: ${stopped}; the service was not updated` };
}
function taskId(arn) {
    return arn.split('/').pop() ?? arn;
}

// EXTERNAL MODULE: ./src/deploy/rollback.ts
var rollback = __webpack_require__(4283);
// EXTERNAL MODULE: ./src/deploy/watching.ts + 1 modules
var watching = __webpack_require__(3721);
// EXTERNAL MODULE: ./src/deploy/watch.ts
var watch = __webpack_require__(4808);
;// CONCATENATED MODULE: ./src/deploy/rolling.ts







/**
 * The rolling strategy, read top to bottom: describe → (migrate) → update → watch →
 * (bake) → verdict, and on failure evidence → roll back.
 */
async function deployRolling(settings, taskDefinitionArn, ctx, opts = {}) {
    const { cluster } = settings;
    const result = (status, reason, extra = {}) => {
        const r = { status, reason, taskDefinitionArn, rolledBack: status === 'rolled-back', outputs: {}, ...extra };
        ctx.reporter.event({ kind: 'verdict', status, reason, at: ctx.timer.now() });
        return r;
    };
    // Nothing is changed before these checks pass, so any failure here leaves the service as it was.
    let before;
    let name;
    try {
        if (!settings.service)
            throw new errors/* InputError */.dz('strategy rolling needs a service', {}, 'set the service input');
        name = settings.service;
        before = await (0,watch/* describeService */.Jv)(ctx, cluster, name);
        const problem = (0,watch/* controllerProblem */.uk)(before, cluster);
        if (problem)
            throw new Error(problem);
    }
    catch (error) {
        return result('failed', `${(0,errors/* errorMessage */.gJ)(error)}; nothing was changed`);
    }
    const previous = previousRevision(before, ctx.reporter);
    const known = { previousTaskDefinitionArn: previous };
    ctx.reporter.info(`Service ${name} in cluster ${cluster} runs ${(0,deploy_verdict/* revision */.Q)(previous)}; deploying ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)}`);
    if (settings.runTask) {
        const run = settings.runTask;
        const migration = await (0,watching/* outcomePhase */.K5)(ctx.reporter, 'migrate', `Running the migration task of ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)}`, async () => {
            try {
                const m = await runMigration(run, { cluster, taskDefinitionArn, service: before, pollIntervalMs: settings.pollIntervalMs, timeoutMs: settings.timeoutMs }, ctx);
                return { ok: m.ok, value: m };
            }
            catch (error) {
                return { ok: false, value: { ok: false, reason: `the migration task failed: ${(0,errors/* errorMessage */.gJ)(error)}; the service was not updated` } };
            }
        });
        if (!migration.ok)
            return result('failed', migration.reason, known);
    }
    if (ctx.signal.aborted)
        return result('failed', 'cancelled before the service was updated; nothing was changed', known);
    const state = {
        cluster,
        service: name,
        taskDefinitionArn,
        previousTaskDefinitionArn: previous,
        phase: 'updating',
        pollIntervalMs: settings.pollIntervalMs,
        timeoutMs: (0,rollback/* rollbackTimeout */.aO)(settings.timeoutMs, settings.pollIntervalMs)
    };
    if (settings.desiredCount !== undefined && before.desiredCount !== undefined)
        state.previousDesiredCount = before.desiredCount;
    const save = (phase) => {
        state.phase = phase;
        ctx.state.save(rollback/* ROLLING_STATE_KEY */.uq, state);
    };
    const watcher = new watch/* ServiceWatcher */.gf(ctx, cluster, [name], { pollIntervalMs: settings.pollIntervalMs });
    watcher.anchor(before);
    const title = `Deploying ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)} to service ${name} in cluster ${cluster}`;
    const deployed = await (0,watching/* outcomePhase */.K5)(ctx.reporter, 'deploy', title, async () => {
        save('updating');
        let updated;
        try {
            updated = await ctx.aws.ecs.updateService(updateInput(settings, name, taskDefinitionArn, before, opts));
        }
        catch (error) {
            save('done');
            return { ok: false, value: { kind: 'failed', reason: `${(0,errors/* errorMessage */.gJ)(error)}; nothing was changed` } };
        }
        const deploymentId = ourDeploymentId(updated, taskDefinitionArn);
        if (deploymentId)
            state.deploymentId = deploymentId;
        save('watching');
        ctx.reporter.info(`Updated service ${name}: ${(0,deploy_verdict/* revision */.Q)(previous)} → ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)}${deploymentId ? ` (deployment ${deploymentId})` : ''}`);
        if (!settings.waitForServiceStability) {
            save('done');
            const reason = `service ${name} was updated to ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)}; not waited for stability (wait-for-service-stability is false)`;
            return { ok: true, value: { kind: 'succeeded', reason } };
        }
        const ours = { taskDefinitionArn, previousTaskDefinitionArn: previous, ...(deploymentId ? { deploymentId } : {}) };
        const outcome = await watchRollout(settings, name, ours, watcher, ctx);
        // Our own rollback comes first; its evidence is gathered once the rollback is under way.
        if (outcome.kind !== 'succeeded' && outcome.kind !== 'roll-back')
            await (0,watching/* explain */.WE)(ctx, cluster, watcher, name, ours);
        return { ok: outcome.kind === 'succeeded', value: outcome };
    });
    const ids = { ...known, ...(state.deploymentId ? { deploymentId: state.deploymentId } : {}) };
    let outcome = deployed;
    const gates = opts.gates ?? [];
    if (outcome.kind === 'succeeded' && settings.waitForServiceStability && (settings.bakeTimeMs > 0 || gates.length > 0)) {
        const ours = { taskDefinitionArn, previousTaskDefinitionArn: previous, ...(state.deploymentId ? { deploymentId: state.deploymentId } : {}) };
        const bakeTitle = `Baking ${(0,deploy_verdict/* revision */.Q)(taskDefinitionArn)} for ${(0,duration/* formatDuration */.a)(settings.bakeTimeMs)}${gates.length ? ` while watching ${gates.length} gate${gates.length > 1 ? 's' : ''}` : ''}`;
        outcome = await (0,watching/* outcomePhase */.K5)(ctx.reporter, 'bake', bakeTitle, async () => {
            const baked = await bake(settings, name, ours, watcher, ctx, opts, deployed.reason);
            if (baked.kind !== 'succeeded' && baked.kind !== 'roll-back')
                await (0,watching/* explain */.WE)(ctx, cluster, watcher, name, ours);
            return { ok: baked.kind === 'succeeded', value: baked };
        });
    }
    switch (outcome.kind) {
        case 'succeeded':
            if (state.phase !== 'done')
                save('done');
            return result('succeeded', outcome.reason, ids);
        case 'rolled-back-by-ecs':
            save('done');
            return result('rolled-back', outcome.reason, ids);
        case 'failed':
            if (state.phase !== 'done')
                save('done');
            return result('failed', outcome.reason, ids);
        case 'roll-back': {
            const why = outcome.reason;
            const ours = { taskDefinitionArn, previousTaskDefinitionArn: previous, ...(state.deploymentId ? { deploymentId: state.deploymentId } : {}) };
            // Production first: the rollback's UpdateService goes out before anything else; the evidence
            // (reads only) is gathered while ECS brings the previous revision back.
            const restored = await ctx.reporter.phase('rollback', `Rolling back service ${name} to ${(0,deploy_verdict/* revision */.Q)(previous)}`, () => (0,rollback/* restorePrevious */._e)(ctx, { ...state }, watcher, () => (0,watching/* explain */.WE)(ctx, cluster, watcher, name, ours)));
            if (restored.ok)
                return result('rolled-back', `${why}: rolled back, ${restored.detail}`, ids);
            return result('failed', `${why}, and the rollback failed: ${restored.detail}`, ids);
        }
    }
}
/**
 * The revision to go back to. Normally the PRIMARY's; when an earlier deployment is still
 * in progress (an interrupted run), the one actually serving: the deployment with the most
 * running tasks that is not failing.
 */
function previousRevision(service, reporter) {
    const deployments = service.deployments ?? [];
    const primary = deployments.find((d) => d.status === 'PRIMARY');
    const fallback = service.taskDefinition ?? primary?.taskDefinition ?? '';
    if (!primary || deployments.length === 1 || primary.rolloutState === 'COMPLETED')
        return primary?.taskDefinition ?? fallback;
    const serving = deployments
        .filter((d) => d.rolloutState !== 'FAILED')
        .sort((a, b) => (b.runningCount ?? 0) - (a.runningCount ?? 0))[0];
    const chosen = serving?.taskDefinition ?? fallback;
    reporter?.warning(`Service ${service.serviceName ?? ''} already has a deployment in progress (${primary.id}, ${(0,deploy_verdict/* revision */.Q)(primary.taskDefinition)}); ` +
        `a rollback would return to ${(0,deploy_verdict/* revision */.Q)(chosen)}, the revision with the most running tasks`);
    return chosen;
}
function updateInput(settings, service, taskDefinitionArn, before, opts) {
    const on = settings.circuitBreaker;
    const deploymentConfiguration = {
        // Keep what the service has (minimum healthy / maximum percent, alarms…); we only set what we own.
        ...(before.deploymentConfiguration ?? {}),
        deploymentCircuitBreaker: { enable: on, rollback: on }
    };
    if (opts.ecsAlarmNames?.length)
        deploymentConfiguration.alarms = { alarmNames: opts.ecsAlarmNames, enable: true, rollback: true };
    const input = {
        cluster: settings.cluster,
        service,
        taskDefinition: taskDefinitionArn,
        forceNewDeployment: settings.forceNewDeployment,
        deploymentConfiguration
    };
    if (settings.desiredCount !== undefined)
        input.desiredCount = settings.desiredCount;
    if (settings.propagateTags !== undefined)
        input.propagateTags = settings.propagateTags;
    if (settings.enableEcsManagedTags !== undefined)
        input.enableECSManagedTags = settings.enableEcsManagedTags;
    if (settings.enableExecuteCommand !== undefined)
        input.enableExecuteCommand = settings.enableExecuteCommand;
    if (settings.healthCheckGracePeriodSeconds !== undefined)
        input.healthCheckGracePeriodSeconds = settings.healthCheckGracePeriodSeconds;
    return input;
}
/** The deployment UpdateService created: the new PRIMARY on our revision. */
function ourDeploymentId(updated, taskDefinitionArn) {
    const primaries = (updated.deployments ?? []).filter((d) => d.status === 'PRIMARY');
    return (primaries.find((d) => d.taskDefinition === taskDefinitionArn) ?? primaries[0])?.id;
}
/**
 * The ECS circuit breaker's own threshold: half the desired count, at least 3, at most 200.
 * Without the circuit breaker we apply it ourselves, so crashing tasks do not wait for the timeout.
 */
function stuckThreshold(desiredCount) {
    return Math.min(200, Math.max(3, Math.ceil(desiredCount / 2)));
}
async function watchRollout(settings, name, ours, watcher, ctx) {
    let end;
    try {
        end = await (0,watch/* watchUntil */.m2)(watcher, ctx.timer, (services) => {
            const service = services.get(name);
            if (!service)
                return undefined;
            const verdict = (0,deploy_verdict/* judge */.S)(service, ours);
            if (verdict.kind !== 'in-progress')
                return verdict;
            return settings.circuitBreaker ? undefined : stuck(service, ours);
        }, { timeoutMs: settings.timeoutMs, signal: ctx.signal });
    }
    catch (error) {
        return { kind: 'roll-back', reason: `watching the deployment failed: ${(0,errors/* errorMessage */.gJ)(error)}` };
    }
    switch (end.kind) {
        case 'cancelled':
            return { kind: 'roll-back', reason: `cancelled (${(0,watching/* abortReason */.Js)(ctx.signal)}) while ${(0,deploy_verdict/* revision */.Q)(ours.taskDefinitionArn)} was rolling out` };
        case 'timeout':
            return { kind: 'roll-back', reason: `${(0,deploy_verdict/* revision */.Q)(ours.taskDefinitionArn)} was not stable after ${(0,duration/* formatDuration */.a)(settings.timeoutMs)} (the timeout)` };
        case 'decided':
            return fromDecision(end.value, name, ours);
    }
}
function fromDecision(decision, name, ours) {
    switch (decision.kind) {
        case 'succeeded':
            return { kind: 'succeeded', reason: `service ${name} runs ${(0,deploy_verdict/* revision */.Q)(ours.taskDefinitionArn)}${ours.deploymentId ? ` (deployment ${ours.deploymentId})` : ''}, stable` };
        case 'rolled-back-by-ecs':
            return { kind: 'rolled-back-by-ecs', reason: decision.reason };
        case 'stuck':
            return { kind: 'roll-back', reason: decision.reason };
        case 'failed':
            return decision.rollBack ? { kind: 'roll-back', reason: decision.reason } : { kind: 'failed', reason: decision.reason };
    }
}
function stuck(service, ours) {
    const mine = (service.deployments ?? []).find((d) => ours.deploymentId ? d.id === ours.deploymentId : d.status === 'PRIMARY' && d.taskDefinition === ours.taskDefinitionArn);
    if (!mine)
        return undefined;
    const failed = mine.failedTasks ?? 0;
    const limit = stuckThreshold(mine.desiredCount ?? 0);
    if (failed < limit)
        return undefined;
    return {
        kind: 'stuck',
        reason: `${failed} tasks of ${(0,deploy_verdict/* revision */.Q)(ours.taskDefinitionArn)} failed to start (limit ${limit}, the circuit breaker's threshold; the circuit breaker is off)`
    };
}
/**
 * After the service is stable: keep watching it (ECS may still roll back, e.g. on an alarm)
 * and check the gates every poll until the bake time has passed and a full round of gates passed.
 */
async function bake(settings, name, ours, watcher, ctx, opts, stableReason) {
    const gates = opts.gates ?? [];
    const limit = opts.inconclusiveLimit ?? 10;
    const start = ctx.timer.now();
    const last = new Map();
    let streak = 0;
    try {
        for (;;) {
            if (ctx.signal.aborted)
                return { kind: 'roll-back', reason: `cancelled (${(0,watching/* abortReason */.Js)(ctx.signal)}) during the bake` };
            const poll = await watcher.poll();
            if (poll.kind === 'ok') {
                const service = poll.services.get(name);
                const verdict = service ? (0,deploy_verdict/* judge */.S)(service, ours) : { kind: 'in-progress' };
                // A task replaced during the bake is normal (in-progress); losing our deployment is not.
                if (verdict.kind === 'rolled-back-by-ecs' || verdict.kind === 'failed') {
                    return fromDecision(verdict, name, ours);
                }
            }
            const results = await checkGates(gates, ctx, last);
            const failed = results.find(([, r]) => r.phase === 'fail');
            if (failed)
                return { kind: 'roll-back', reason: `gate ${failed[0].name} failed during the bake: ${failed[1].reason}` };
            const inconclusive = results.find(([, r]) => r.phase === 'inconclusive');
            let passed = !inconclusive;
            if (inconclusive) {
                streak += 1;
                if (streak > limit) {
                    const why = `gate ${inconclusive[0].name} was inconclusive ${streak} times in a row (limit ${limit}): ${inconclusive[1].reason}`;
                    if (opts.onInconclusive !== 'pass')
                        return { kind: 'roll-back', reason: why };
                    ctx.reporter.warning(`${why}; counted as a pass (on-inconclusive is pass)`);
                    passed = true;
                }
            }
            else {
                streak = 0;
            }
            if (passed && ctx.timer.now() - start >= settings.bakeTimeMs) {
                const gatesPart = gates.length ? `; ${gates.length} gate${gates.length > 1 ? 's' : ''} passed` : '';
                return { kind: 'succeeded', reason: `${stableReason}; baked ${(0,duration/* formatDuration */.a)(settings.bakeTimeMs)}${gatesPart}` };
            }
            await watcher.sleep(ctx.signal);
        }
    }
    catch (error) {
        return { kind: 'roll-back', reason: `watching the bake failed: ${(0,errors/* errorMessage */.gJ)(error)}` };
    }
}
/** Checks every gate; a gate that throws is inconclusive (it holds, it does not pass). Emits a gate event when a result changes. */
async function checkGates(gates, ctx, last) {
    const results = [];
    for (const gate of gates) {
        let r;
        try {
            r = await gate.check();
        }
        catch (error) {
            r = { phase: 'inconclusive', reason: `checking failed: ${(0,errors/* errorMessage */.gJ)(error)}` };
        }
        results.push([gate, r]);
        const key = `${r.phase} ${r.reason}`;
        if (last.get(gate.name) !== key) {
            last.set(gate.name, key);
            ctx.reporter.info(`gate ${gate.name}: ${(0,watching/* gateLabel */.GS)(r.phase)} ${r.reason}`);
            ctx.reporter.event({ kind: 'gate', gate: gate.name, phase: r.phase, reason: r.reason, at: ctx.timer.now() });
        }
    }
    return results;
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
    /** The newest event before the watch began, per service: moves never, unlike the anchors. */
    startEvents = new Map();
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
        this.startEvents.set(name, newest?.id);
        this.anchors.set(name, { id: newest?.id, createdAt: newest?.createdAt?.getTime() ?? Number.NEGATIVE_INFINITY, seen: new Set() });
    }
    /** The id of the newest event before the watch began, for evidence ("events since the deployment started"). */
    anchorEventId(service) {
        return this.startEvents.get(service);
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

/***/ 3721:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Js: () => (/* binding */ abortReason),
  WE: () => (/* binding */ explain),
  GS: () => (/* binding */ gateLabel),
  K5: () => (/* binding */ outcomePhase)
});

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/deploy/verdict.ts
var verdict = __webpack_require__(4010);
// EXTERNAL MODULE: ./src/deploy/watch.ts
var watch = __webpack_require__(4808);
;// CONCATENATED MODULE: ./src/deploy/evidence.ts



const MAX_EVENTS = 15;
const MAX_TASKS = 100;
/**
 * What explains a failure, grouped and counted rather than dumped: the service's recent
 * events, why the tasks of our revision stopped, and why targets are unhealthy. Emitted
 * as evidence events and logged. Never throws: a failure to gather evidence must not
 * hide the failure it would explain.
 */
async function reportEvidence(ctx, input) {
    const gathered = [];
    const parts = [
        ['service events', async () => eventsEvidence(input)],
        ['stopped tasks', () => stoppedTasksEvidence(ctx, input)],
        ['target health', () => targetHealthEvidence(ctx, input.service)]
    ];
    for (const [what, gather] of parts) {
        try {
            const evidence = await gather();
            if (!evidence)
                continue;
            gathered.push(evidence);
            ctx.reporter.event({ kind: 'evidence', title: evidence.title, lines: evidence.lines });
            ctx.reporter.info(evidence.title);
            for (const line of evidence.lines)
                ctx.reporter.info(`  ${line}`);
        }
        catch (error) {
            ctx.reporter.warning(`Could not gather the ${what} for the failure report: ${(0,errors/* errorMessage */.gJ)(error)}`);
        }
    }
    return gathered;
}
function eventsEvidence(input) {
    const events = [];
    for (const e of input.service.events ?? []) {
        if (input.sinceEventId !== undefined && e.id === input.sinceEventId)
            break;
        events.push(e);
    }
    if (events.length === 0)
        return undefined;
    const lines = countedLines(events.slice(0, MAX_EVENTS * 4).reverse().map((e) => normaliseEvent(e.message ?? '')));
    return { title: `Last events of service ${(0,watch/* nameOf */.Vb)(input.service)}`, lines: lines.slice(-MAX_EVENTS) };
}
/** Drops the ids that make otherwise identical events differ, so repeats collapse into one counted line. */
function normaliseEvent(message) {
    return message
        .replace(/\(task [^)]*\)(\s*\(task [^)]*\))*/g, '(task …)')
        .replace(/\(instance [^)]*\)/g, '(instance …)')
        .replace(/\(port \d+\)/g, '(port …)')
        .replace(/has started \d+ tasks?/g, 'has started tasks')
        .replace(/has stopped \d+ running tasks?/g, 'has stopped running tasks');
}
/** Identical lines collapse into one, counted, in the order they first appeared. */
function countedLines(lines) {
    const counts = new Map();
    for (const line of lines)
        counts.set(line, (counts.get(line) ?? 0) + 1);
    return [...counts].map(([line, n]) => (n > 1 ? `${n}× ${line}` : line));
}
async function stoppedTasksEvidence(ctx, input) {
    const family = familyOf(input.taskDefinitionArn);
    const arns = await ctx.aws.ecs.listTasks(input.deploymentId
        ? { cluster: input.cluster, desiredStatus: 'STOPPED', startedBy: input.deploymentId }
        : { cluster: input.cluster, desiredStatus: 'STOPPED', family });
    if (arns.length === 0)
        return undefined;
    const tasks = (await ctx.aws.ecs.describeTasks(input.cluster, arns.slice(0, MAX_TASKS))).filter((t) => t.taskDefinitionArn === undefined || t.taskDefinitionArn === input.taskDefinitionArn);
    if (tasks.length === 0)
        return undefined;
    return { title: `Stopped tasks of ${(0,verdict/* revision */.Q)(input.taskDefinitionArn)}`, lines: groupStoppedTasks(tasks) };
}
/** "3 tasks: Essential container in task exited (EssentialContainerExited) — container web exit 1: OutOfMemoryError". */
function groupStoppedTasks(tasks) {
    const groups = new Map();
    for (const task of tasks) {
        const key = describeStop(task);
        groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    return [...groups]
        .sort((a, b) => b[1] - a[1])
        .map(([key, n]) => `${n} task${n === 1 ? '' : 's'}: ${key}`);
}
function describeStop(task) {
    const reason = task.stoppedReason ?? 'stopped (no reason given)';
    const code = task.stopCode ? ` (${task.stopCode})` : '';
    const containers = (task.containers ?? [])
        .filter((c) => (c.exitCode !== undefined && c.exitCode !== 0) || c.reason)
        .map((c) => `container ${c.name ?? '?'}${c.exitCode !== undefined ? ` exit ${c.exitCode}` : ''}${c.reason ? `: ${c.reason}` : ''}`);
    return `${reason}${code}${containers.length > 0 ? ` — ${containers.join('; ')}` : ''}`;
}
async function targetHealthEvidence(ctx, service) {
    const groups = [...new Set((service.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((a) => Boolean(a)))];
    if (groups.length === 0)
        return undefined;
    const lines = [];
    for (const arn of groups) {
        const health = await ctx.aws.elb.describeTargetHealth(arn);
        for (const line of groupUnhealthyTargets(health))
            lines.push(`${line} in ${targetGroupName(arn)}`);
    }
    return lines.length > 0 ? { title: `Unhealthy targets of service ${(0,watch/* nameOf */.Vb)(service)}`, lines } : undefined;
}
/** "2 targets unhealthy: Target.FailedHealthChecks (Health checks failed)". */
function groupUnhealthyTargets(health) {
    const groups = new Map();
    for (const t of health) {
        const state = t.TargetHealth?.State;
        if (state !== 'unhealthy' && state !== 'unavailable')
            continue;
        const reason = t.TargetHealth?.Reason ?? 'no reason code';
        const key = `${state}: ${reason}${t.TargetHealth?.Description ? ` (${t.TargetHealth.Description})` : ''}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    return [...groups].map(([key, n]) => `${n} target${n === 1 ? '' : 's'} ${key}`);
}
function targetGroupName(arn) {
    // arn:aws:elasticloadbalancing:region:account:targetgroup/name/id
    return /targetgroup\/([^/]+)/.exec(arn)?.[1] ?? arn;
}
function familyOf(taskDefinitionArn) {
    return (0,verdict/* revision */.Q)(taskDefinitionArn).split(':')[0];
}

;// CONCATENATED MODULE: ./src/deploy/watching.ts

function gateLabel(phase) {
    return phase === 'pass' ? 'passes:' : phase === 'fail' ? 'FAILS:' : 'inconclusive:';
}
/** Reports the evidence (events since we started, stopped tasks, target health) for a service the watcher has seen. */
async function explain(ctx, cluster, watcher, name, ours) {
    const service = watcher.latest.get(name);
    if (!service)
        return;
    const sinceEventId = watcher.anchorEventId(name);
    await reportEvidence(ctx, {
        cluster,
        service,
        taskDefinitionArn: ours.taskDefinitionArn,
        ...(ours.deploymentId ? { deploymentId: ours.deploymentId } : {}),
        ...(sinceEventId ? { sinceEventId } : {})
    });
}
/** "SIGINT" from the cancellation signal's reason ("cancelled (SIGINT)"). */
function abortReason(signal) {
    const r = signal.reason;
    const text = r instanceof Error ? r.message : typeof r === 'string' ? r : 'aborted';
    return text.replace(/^cancelled \((.*)\)$/, '$1');
}
/**
 * Runs a phase whose failure is a value, not an exception, and still marks the phase as
 * failed in the log group and summary (phase-finished ok: false).
 */
async function outcomePhase(reporter, phase, title, fn) {
    const failedSignal = new Error('phase failed');
    let failed;
    try {
        return await reporter.phase(phase, title, async () => {
            const r = await fn();
            if (!r.ok) {
                failed = { value: r.value };
                throw failedSignal;
            }
            return r.value;
        });
    }
    catch (error) {
        if (error === failedSignal && failed)
            return failed.value;
        throw error;
    }
}


/***/ }),

/***/ 8972:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EH: () => (/* binding */ cleanupTemporaryAlarms),
/* harmony export */   Ro: () => (/* binding */ alarmGate),
/* harmony export */   cS: () => (/* binding */ createTemporaryAlarms),
/* harmony export */   fD: () => (/* binding */ verifyAlarmsExist),
/* harmony export */   ic: () => (/* binding */ deleteAlarms)
/* harmony export */ });
/* unused harmony exports TEMPORARY_ALARMS_STATE, TEMPORARY_ALARM_PREFIX, MANAGED_TAG, DEPLOYMENT_TAG, preExistingAlarms, resourceName, shortId, temporaryAlarmInputs */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3916);
/* harmony import */ var _analysis_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5208);
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
    const observed = (0,_analysis_js__WEBPACK_IMPORTED_MODULE_2__/* .observeAlarms */ .RM)(metricAlarms, compositeAlarms);
    const found = new Set(observed.map((a) => a.name));
    const missing = names.filter((n) => !found.has(n));
    if (missing.length > 0) {
        const errors = missing.map((n) => new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`alarm "${n}" named in \`alarms\` does not exist in this account and region`, {}, 'check the name (alarm names are case-sensitive) and the region'));
        throw errors.length === 1 ? errors[0] : new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputErrors */ .G(errors);
    }
    const mode = settings?.mode ?? 'transitions';
    for (const a of observed.filter((o) => o.state === 'ALARM')) {
        const value = (0,_analysis_js__WEBPACK_IMPORTED_MODULE_2__/* .metricValue */ .a3)(a.reasonData);
        const consequence = mode === 'strict'
            ? 'alarm-mode strict: the deployment fails while it stays in ALARM'
            : 'alarm-mode transitions: it fails the deployment only if it goes into ALARM again after this point';
        ctx.reporter.warning(`alarm ${a.name} is already in ALARM: ${a.reason ?? 'no reason given'}${value ? ` (${value})` : ''}. ${consequence}`);
    }
    return (0,_analysis_js__WEBPACK_IMPORTED_MODULE_2__/* .baselineOf */ .Bv)(observed);
}
/** The gate over every watched alarm: ONE DescribeAlarms per check, however many alarms. */
function alarmGate(names, settings, baseline, ctx, name = 'alarms') {
    const watched = [...new Set(names)];
    return {
        name,
        check: async () => {
            if (watched.length === 0)
                return (0,_analysis_js__WEBPACK_IMPORTED_MODULE_2__/* .analyseAlarms */ .EZ)([], [], baseline, settings.mode);
            const { metricAlarms, compositeAlarms } = await ctx.aws.cloudwatch.describeAlarms(watched);
            return (0,_analysis_js__WEBPACK_IMPORTED_MODULE_2__/* .analyseAlarms */ .EZ)(watched, (0,_analysis_js__WEBPACK_IMPORTED_MODULE_2__/* .observeAlarms */ .RM)(metricAlarms, compositeAlarms), baseline, settings.mode);
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
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(deploymentTag).digest('hex').slice(0, 10);
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
            await deleteAlarms(created, ctx).catch((e) => ctx.reporter.warning(`could not delete temporary alarms ${created.join(', ')}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(e)}`));
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
        ctx.reporter.warning(`could not delete temporary alarms ${names.join(', ')}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(error)} (delete them by hand; they have no actions, so they page nobody)`);
        return [];
    }
}


/***/ }),

/***/ 5208:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bv: () => (/* binding */ baselineOf),
/* harmony export */   EZ: () => (/* binding */ analyseAlarms),
/* harmony export */   L$: () => (/* binding */ analyseService),
/* harmony export */   Qn: () => (/* binding */ holdInconclusive),
/* harmony export */   RM: () => (/* binding */ observeAlarms),
/* harmony export */   ZX: () => (/* binding */ observeTargets),
/* harmony export */   a3: () => (/* binding */ metricValue),
/* harmony export */   qc: () => (/* binding */ analyseTargets)
/* harmony export */ });
/* unused harmony exports combineResults, InconclusiveTracker, revisionOf, firingSinceStart */
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
function firingSinceStart(a, baseline) {
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
            if (mode === 'transitions' && firingSinceStart(a, baseline)) {
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


/***/ })

};
