import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
import{a,b,c,d}from"./chunk-YPL4IZ35.js";import"./chunk-SI5HJYOW.js";import"./chunk-UYBS3MHY.js";import"./chunk-GAMFUTXY.js";import"./chunk-NQJ44E2F.js";export{a as LOCK_STATE_KEY,b as deploymentLockKeys,c as holdDeploymentLock,d as underSavedLock};
