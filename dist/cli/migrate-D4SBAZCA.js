import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
import{a,b,c,d}from"./chunk-K4YPSBXF.js";import"./chunk-JYZMARGW.js";import"./chunk-CDBKNLDN.js";import"./chunk-GAMFUTXY.js";import"./chunk-NQJ44E2F.js";export{d as judgeStopped,a as runMigration,c as runTaskInput,b as runTaskOnly};
