import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
import{a}from"./chunk-PZVRDSFX.js";import"./chunk-NQJ44E2F.js";export default a();
