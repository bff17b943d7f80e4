import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
import{a,b,c,d}from"./chunk-EVN5N23I.js";import"./chunk-FI5LWZUJ.js";import"./chunk-GAMFUTXY.js";import"./chunk-V72VWE2J.js";export{a as LOCK_STATE_KEY,b as deploymentLockKeys,c as holdDeploymentLock,d as underSavedLock};
