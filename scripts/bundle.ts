/**
 * Builds dist/ (what GitHub runs) and dist/cli/ with esbuild: one ES module per entry, and a
 * chunk per lazily imported part (the AWS SDK clients, YAML, the deployment code), so a run loads
 * only what it uses (the start-up budget: bench/startup.ts). esbuild reads the SDK's ES build and
 * drops what is never referenced (the SDK marks itself free of side effects), which ncc did not:
 * the same first ECS request costs a fifth less start-up. Deterministic: CI rebuilds and fails
 * when the committed dist/ differs.
 */
import { build, type Plugin } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * @actions/core imports @actions/http-client (for OIDC tokens) and @actions/exec (for runner
 * details), neither of which this action asks for; evaluating them loads tunnel, https and tls
 * into every run. They declare no `sideEffects`, so esbuild must assume they have some; they
 * have none, and saying so lets esbuild leave them out where nothing of theirs is used (they
 * stay, in the lazy chunk, for @actions/github, which does use them).
 */
const unusedWithoutEffects: Plugin = {
  name: 'actions-without-side-effects',
  setup(b) {
    b.onResolve({ filter: /^@actions\/(http-client|exec|io)(\/|$)/ }, async (args) => {
      if (args.pluginData === 'resolved') return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolved'
      });
      return { ...resolved, sideEffects: false };
    });
  }
};

/** Bundles one entry into `out` the way dist/ is built (also used by the start-up benchmark). */
export async function bundleEntry(entry: string, outDir: string): Promise<void> {
  // Relative to where it is run, as `rm -rf` would be (esbuild's own paths are relative to ROOT).
  const out = resolve(outDir);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: { index: resolve(ROOT, entry) },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    // The SDK's and @actions' ES builds: what tree-shaking works on.
    mainFields: ['module', 'main'],
    chunkNames: '[name]-[hash]',
    tsconfig: join(ROOT, 'src/tsconfig.json'),
    // undici comes with @actions/http-client for OIDC tokens this action never asks for: every
    // import of it gets the lazy stand-in (src/action/undici-lazy.js), which loads the real one
    // (`undici-real`) only before the GitHub API is called.
    alias: { undici: './src/action/undici-lazy.js', 'undici-real': './node_modules/undici/index.js' },
    // CommonJS dependencies `require` Node's built-ins; an ES module has no `require` of its own.
    banner: { js: "import{createRequire as __ecsRolloutRequire}from'node:module';const require=__ecsRolloutRequire(import.meta.url);" },
    plugins: [unusedWithoutEffects],
    absWorkingDir: ROOT,
    logLevel: 'warning'
  });
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  rmSync('dist', { recursive: true, force: true });
  await bundleEntry('src/index.ts', 'dist');
  await bundleEntry('src/cli/index.ts', 'dist/cli');
}
