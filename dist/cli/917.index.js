export const id = 917;
export const ids = [917];
export const modules = {

/***/ 8917:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   blueGreenStatus: () => (/* binding */ blueGreenStatus),
/* harmony export */   formatStatus: () => (/* binding */ formatStatus)
/* harmony export */ });
/* harmony import */ var _gates_analysis_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5208);
/* harmony import */ var _blue_green_prepare_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2911);
/* harmony import */ var _colours_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1246);
/* harmony import */ var _traffic_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3982);
/* harmony import */ var _verdict_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4010);
/* harmony import */ var _watch_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4808);






async function blueGreenStatus(bg, deploy, ctx) {
    const targetGroups = { blue: bg.colours.blue.targetGroupArn, green: bg.colours.green.targetGroupArn };
    const { discovery } = await (0,_traffic_js__WEBPACK_IMPORTED_MODULE_2__/* .discoverTraffic */ .rW)(bg.target, targetGroups, ctx);
    const names = { blue: (0,_blue_green_prepare_js__WEBPACK_IMPORTED_MODULE_1__/* .serviceName */ .fe)(bg.colours.blue.service), green: (0,_blue_green_prepare_js__WEBPACK_IMPORTED_MODULE_1__/* .serviceName */ .fe)(bg.colours.green.service) };
    // One DescribeServices for both colours.
    const described = await ctx.aws.ecs.describeServices(deploy.cluster, [bg.colours.blue.service, bg.colours.green.service]);
    const services = _colours_js__WEBPACK_IMPORTED_MODULE_4__/* .COLOURS */ .O5.map((colour) => serviceStatus(colour, names[colour], described.services.find((s) => s.serviceName === names[colour])));
    const targets = [];
    for (const colour of _colours_js__WEBPACK_IMPORTED_MODULE_4__/* .COLOURS */ .O5) {
        const observed = (0,_gates_analysis_js__WEBPACK_IMPORTED_MODULE_0__/* .observeTargets */ .ZX)(await ctx.aws.elb.describeTargetHealth(targetGroups[colour]));
        const counts = {};
        for (const t of observed)
            counts[t.state] = (counts[t.state] ?? 0) + 1;
        const unhealthy = observed
            .filter((t) => t.state === 'unhealthy' || t.state === 'unavailable')
            .map((t) => `${t.id} ${t.state}: ${t.reason ?? 'no reason code'}${t.description ? ` (${t.description})` : ''}`);
        targets.push({ colour, targetGroupArn: targetGroups[colour], name: (0,_colours_js__WEBPACK_IMPORTED_MODULE_4__/* .targetGroupName */ .IT)(targetGroups[colour]), counts, unhealthy });
    }
    const base = { weights: discovery.percent, where: (0,_traffic_js__WEBPACK_IMPORTED_MODULE_2__/* .describeTarget */ .ff)(bg.target), services, targets };
    if (discovery.kind === 'settled')
        return { ...base, live: discovery.live, idle: discovery.idle };
    return { ...base, message: discovery.message };
}
function serviceStatus(colour, name, service) {
    if (!service)
        return { colour, name, revision: '-', desired: 0, running: 0, pending: 0, deployments: [], problem: 'not found in the cluster' };
    const primary = (service.deployments ?? []).find((d) => d.status === 'PRIMARY');
    return {
        colour,
        name,
        revision: (0,_verdict_js__WEBPACK_IMPORTED_MODULE_5__/* .revision */ .Q)(primary?.taskDefinition ?? service.taskDefinition),
        desired: service.desiredCount ?? 0,
        running: service.runningCount ?? 0,
        pending: service.pendingCount ?? 0,
        deployments: (service.deployments ?? []).map(_watch_js__WEBPACK_IMPORTED_MODULE_3__/* .progressLine */ .oz),
        ...(service.status && service.status !== 'ACTIVE' ? { problem: `status ${service.status}` } : {})
    };
}
/**
 *   live: green (web-green), idle: blue (web-blue)
 *   listener arn:… forwards 0 % to web-blue, 100 % to web-green
 *   blue   web-blue   web:7   0/0 running   targets: none
 *   green  web-green  web:8   2/2 running   targets: 2 healthy
 */
function formatStatus(status) {
    const svc = (c) => status.services.find((s) => s.colour === c);
    const lines = [];
    if (status.live && status.idle) {
        lines.push(`live: ${status.live} (${svc(status.live)?.name ?? '?'}), idle: ${status.idle} (${svc(status.idle)?.name ?? '?'})`);
    }
    else {
        lines.push(`interrupted: ${status.message ?? 'the listener splits traffic between the colours'}`);
    }
    const tgName = (c) => status.targets.find((t) => t.colour === c)?.name ?? c;
    lines.push(`${status.where} forwards ${_colours_js__WEBPACK_IMPORTED_MODULE_4__/* .COLOURS */ .O5.map((c) => `${status.weights[c]} % to ${tgName(c)}`).join(', ')}`);
    const width = Math.max(...status.services.map((s) => s.name.length), 4);
    for (const colour of _colours_js__WEBPACK_IMPORTED_MODULE_4__/* .COLOURS */ .O5) {
        const s = svc(colour);
        const t = status.targets.find((x) => x.colour === colour);
        const counts = t && Object.keys(t.counts).length ? Object.entries(t.counts).map(([state, n]) => `${n} ${state}`).join(', ') : 'none';
        const running = s?.problem ? s.problem : `${s?.running ?? 0}/${s?.desired ?? 0} running${s?.pending ? `, ${s.pending} pending` : ''}`;
        lines.push(`${colour.padEnd(6)} ${(s?.name ?? '?').padEnd(width)}  ${(s?.revision ?? '-').padEnd(10)} ${running}; targets: ${counts}`);
        for (const d of s?.deployments ?? [])
            if ((s?.deployments.length ?? 0) > 1)
                lines.push(`         ${d}`);
        for (const u of t?.unhealthy ?? [])
            lines.push(`         ${u}`);
    }
    return lines.join('\n');
}


/***/ })

};
