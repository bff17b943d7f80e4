import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
import{c as a,d as b,e as c,f as d}from"./chunk-SKYW5QKY.js";import"./chunk-CDBKNLDN.js";import"./chunk-GAMFUTXY.js";import"./chunk-V72VWE2J.js";export{d as judgeStopped,a as runMigration,c as runTaskInput,b as runTaskOnly};
