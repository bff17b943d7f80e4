import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
import{a,b,c,d}from"./chunk-C5SVEOV3.js";import"./chunk-4USTWSUZ.js";import"./chunk-UYBS3MHY.js";import"./chunk-GAMFUTXY.js";import"./chunk-NQJ44E2F.js";export{a as LOCK_STATE_KEY,b as deploymentLockKeys,c as holdDeploymentLock,d as underSavedLock};
