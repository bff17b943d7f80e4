import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
import{a,b}from"./chunk-I4SMOFJI.js";import"./chunk-SRPNXDDO.js";import"./chunk-HXJ6W66S.js";import"./chunk-MNAUUVQW.js";import"./chunk-BA6CYIWU.js";import"./chunk-BBEFCFVJ.js";import"./chunk-GAMFUTXY.js";import"./chunk-NQJ44E2F.js";export{b as TaskFailed,a as runPipeline};
