// undici (about 900 kB) comes with @actions/http-client, which @actions/core imports only
// for OIDC tokens this action never asks for. Evaluated at start-up it would cost about a
// third of the start-up budget, so the bundle maps `undici` to this module (tsconfig
// `paths`, which scripts/bundle.ts applies to every import in the bundle) and the real undici, in a chunk
// of its own, is loaded by `loadUndici()` just before the GitHub API is used (deployment
// statuses). Plain JavaScript because TypeScript cannot follow the `undici-real` alias
// under NodeNext resolution; its types are in undici-lazy.d.ts. Tests run unbundled and
// use the real undici directly.

let real;

export async function loadUndici() {
  // undici is CommonJS: its exports are the namespace's default (Node's rule, which esbuild keeps for ES modules).
  real ??= (await import('undici-real')).default;
}

function loaded() {
  if (!real) throw new Error('internal error: undici was used before loadUndici()');
  return real;
}

/** Used by @actions/http-client when a proxy is configured. */
export class ProxyAgent {
  constructor(...args) {
    // A constructor may return another object: callers get the real ProxyAgent.
    return new (loaded().ProxyAgent)(...args);
  }
}

/** Used by @actions/github for every API call. */
export function fetch(...args) {
  return loaded().fetch(...args);
}
