import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);
function l(e){let o=new AbortController,n=r=>{o.signal.aborted||(e?.(r),o.abort(new Error(`cancelled (${r})`)))};return process.on("SIGINT",n),process.on("SIGTERM",n),o}export{l as a};
