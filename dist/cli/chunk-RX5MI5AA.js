import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
var e={ok:0,failed:1,usage:2};export{e as a};
