import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
import{a,b,c,d}from"./chunk-N2PZ3TFS.js";import"./chunk-5KRT7U4D.js";import"./chunk-GAMFUTXY.js";import"./chunk-V72VWE2J.js";export{a as LOCK_STATE_KEY,b as deploymentLockKeys,c as holdDeploymentLock,d as underSavedLock};
