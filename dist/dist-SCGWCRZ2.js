import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
import{a}from"./chunk-N4PWTDIS.js";import"./chunk-V72VWE2J.js";export default a();
