export const id = 562;
export const ids = [562];
export const modules = {

/***/ 2562:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runPost: () => (/* binding */ runPost)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 18 modules
var core = __webpack_require__(6257);
// EXTERNAL MODULE: ./src/aws/clients.ts
var clients = __webpack_require__(201);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/deploy/blue-green.ts + 5 modules
var blue_green = __webpack_require__(3852);
// EXTERNAL MODULE: ./src/deploy/rollback.ts
var rollback = __webpack_require__(4283);
// EXTERNAL MODULE: ./src/gates/alarms.ts
var alarms = __webpack_require__(8972);
;// CONCATENATED MODULE: ./src/recover.ts
/**
 * Finishing what a main step left undone: the post step (and `ecs-rollout rollback`)
 * reads the saved state and completes any rollback, then deletes temporary alarms.
 * Running it after a clean finish is harmless: every saved phase says there is nothing to do.
 */




async function finishInterrupted(ctx) {
    const actions = [];
    let ok = true;
    const rolling = ctx.state.load(rollback/* ROLLING_STATE_KEY */.uq);
    if ((0,rollback/* needsRollback */.ed)(rolling)) {
        const result = await (0,rollback/* rollbackRolling */.cY)(rolling, ctx, `the main step stopped while ${rolling.phase} service ${rolling.service}`);
        actions.push(result.reason);
        ok &&= result.status === 'rolled-back';
    }
    try {
        const restored = await (0,blue_green/* recoverBlueGreen */.cy)(ctx);
        if (restored)
            actions.push(restored);
    }
    catch (error) {
        // Traffic could not be put back: the message says what the listener and services look like.
        actions.push((0,errors/* errorMessage */.gJ)(error));
        ok = false;
    }
    const deleted = await (0,alarms/* cleanupTemporaryAlarms */.EH)(ctx);
    if (deleted.length)
        actions.push(`deleted temporary alarm${deleted.length > 1 ? 's' : ''} ${deleted.join(', ')}`);
    return { actions, ok };
}

// EXTERNAL MODULE: ./src/timer.ts
var timer = __webpack_require__(9610);
// EXTERNAL MODULE: ./src/action/reporter.ts + 2 modules
var action_reporter = __webpack_require__(5275);
// EXTERNAL MODULE: ./src/action/state.ts
var state = __webpack_require__(3175);
;// CONCATENATED MODULE: ./src/action/post.ts







/**
 * The post step runs whatever happened to the main step (cancelled, crashed, killed).
 * It finishes an interrupted rollback and deletes temporary alarms. A rollback that
 * could not complete fails the post step (production may be half-deployed); other
 * cleanup problems are warnings.
 */
async function runPost() {
    const reporter = new action_reporter/* ActionReporter */.U();
    try {
        const recovery = await finishInterrupted({
            aws: (0,clients/* createAws */.g)(),
            reporter,
            timer: timer/* realTimer */.m,
            // The post step is the last chance to restore production: it is never cancelled.
            signal: new AbortController().signal,
            state: state/* actionState */.M
        });
        if (recovery.actions.length === 0)
            core/* info */.pq('ecs-rollout post: nothing left to clean up');
        for (const line of recovery.actions)
            core/* info */.pq(`ecs-rollout post: ${line}`);
        if (!recovery.ok)
            core/* setFailed */.C1(`ecs-rollout post: ${recovery.actions.join('; ')}`);
    }
    catch (error) {
        core/* warning */.$e(`ecs-rollout post: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
}


/***/ })

};
