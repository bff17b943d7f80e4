export const id = 114;
export const ids = [114];
export const modules = {

/***/ 114:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   deployOutputs: () => (/* binding */ deployOutputs),
/* harmony export */   deployWithGates: () => (/* binding */ deployWithGates),
/* harmony export */   preflight: () => (/* binding */ preflight)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _rolling_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8774);
/* harmony import */ var _blue_green_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3852);
/* harmony import */ var _watch_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4808);
/* harmony import */ var _gates_alarms_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8972);
/* harmony import */ var _gates_settings_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(827);
/**
 * The deployment half of the pipeline: read-only preflight checks, then the strategy with
 * its gates. Loaded only by runs that deploy, so render/register runs start faster.
 */






/** Read-only checks that fail fast with a clear message, before the first mutating call. */
async function preflight(settings, ctx) {
    const { deploy, gates } = settings;
    let running = [];
    let current;
    if (settings.blueGreen) {
        await (0,_blue_green_js__WEBPACK_IMPORTED_MODULE_2__/* .preflightBlueGreen */ .B5)(deploy, settings.blueGreen, ctx);
        const { blue, green } = settings.blueGreen.colours;
        const { services } = await ctx.aws.ecs.describeServices(deploy.cluster, [blue.service, green.service]);
        running = services.map((s) => s.taskDefinition).filter((arn) => Boolean(arn));
        // The live colour is the one with the tasks (the idle one is scaled down or kept warm at most as large).
        current = [...services].sort((a, b) => (b.desiredCount ?? 0) - (a.desiredCount ?? 0))[0]?.taskDefinition;
    }
    if (deploy.strategy === 'rolling' && deploy.service) {
        const service = await (0,_watch_js__WEBPACK_IMPORTED_MODULE_3__/* .describeService */ .Jv)(ctx, deploy.cluster, deploy.service);
        const problem = (0,_watch_js__WEBPACK_IMPORTED_MODULE_3__/* .controllerProblem */ .uk)(service, deploy.cluster);
        if (problem)
            throw new Error(`${problem}; nothing was changed`);
        if (service.taskDefinition)
            running = [service.taskDefinition];
        current = service.taskDefinition;
    }
    return { baseline: await (0,_gates_alarms_js__WEBPACK_IMPORTED_MODULE_4__/* .verifyAlarmsExist */ .fD)(gates.alarms, ctx, gates), running, ...(current ? { current } : {}) };
}
async function deployWithGates(settings, taskDefinitionArn, baseline, ctx) {
    const { deploy, gates } = settings;
    const deploymentTag = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)().slice(0, 8);
    if (settings.blueGreen) {
        // Blue/green creates its temporary alarms on the new colour once it knows which that is.
        return (0,_blue_green_js__WEBPACK_IMPORTED_MODULE_2__/* .deployBlueGreen */ .fL)(deploy, settings.blueGreen, taskDefinitionArn, ctx, { gates: { settings: gates, baseline, deploymentTag } });
    }
    try {
        const temporary = deploy.service && (0,_gates_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .wantsTemporaryAlarms */ .PR)(gates)
            ? await (0,_gates_alarms_js__WEBPACK_IMPORTED_MODULE_4__/* .createTemporaryAlarms */ .cS)({ cluster: deploy.cluster, service: deploy.service, deploymentTag }, gates.temporary, ctx)
            : [];
        const watched = [...gates.alarms, ...temporary];
        const gateList = watched.length ? [(0,_gates_alarms_js__WEBPACK_IMPORTED_MODULE_4__/* .alarmGate */ .Ro)(watched, gates, baseline, ctx)] : [];
        const ecsAlarms = (0,_gates_settings_js__WEBPACK_IMPORTED_MODULE_5__/* .ecsDeploymentAlarms */ .Tg)(gates);
        return await (0,_rolling_js__WEBPACK_IMPORTED_MODULE_1__/* .deployRolling */ .bc)(deploy, taskDefinitionArn, ctx, {
            gates: gateList,
            inconclusiveLimit: gates.inconclusive.limit,
            onInconclusive: gates.inconclusive.decide,
            ...(ecsAlarms?.alarmNames ? { ecsAlarmNames: ecsAlarms.alarmNames } : {})
        });
    }
    finally {
        await (0,_gates_alarms_js__WEBPACK_IMPORTED_MODULE_4__/* .cleanupTemporaryAlarms */ .EH)(ctx);
    }
}
function deployOutputs(result) {
    const status = result.status;
    return {
        'task-definition-arn': result.taskDefinitionArn,
        'previous-task-definition-arn': result.previousTaskDefinitionArn ?? '',
        'deployment-id': result.deploymentId ?? '',
        status,
        'rolled-back': String(result.rolledBack),
        reason: result.reason,
        ...result.outputs
    };
}


/***/ })

};
