import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
var i={now:()=>performance.now(),sleep:(t,e)=>new Promise(r=>{if(e?.aborted)return r();let o=()=>{clearTimeout(n),e?.removeEventListener("abort",o),r()},n=setTimeout(o,Math.min(Math.max(0,t),2147483647));e?.addEventListener("abort",o,{once:!0})})};export{i as a};
