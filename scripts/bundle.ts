/**
 * Builds dist/ (what GitHub runs) and dist/cli/. ncc bundles and splits lazily imported
 * code into chunks, but minifies only the entry file; esbuild then minifies each chunk too,
 * which halves the bytes V8 compiles at start-up (the start-up budget: bench/startup.ts).
 * Deterministic: CI rebuilds and fails when the committed dist/ differs.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';

const require = createRequire(import.meta.url);
const ncc = require.resolve('@vercel/ncc/dist/ncc/cli.js');

/** Bundles one entry into `out` the way dist/ is built (also used by the start-up benchmark). */
export function bundleEntry(entry: string, out: string): void {
  execFileSync(process.execPath, [ncc, 'build', entry, '-o', out, '--minify', '--quiet'], { stdio: 'inherit' });
  for (const file of readdirSync(out).filter((f) => /^\d+\.index\.js$/.test(f))) {
    const path = join(out, file);
    const { code } = transformSync(readFileSync(path, 'utf8'), { minify: true, format: 'esm', target: 'node20', legalComments: 'none' });
    writeFileSync(path, code);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  rmSync('dist', { recursive: true, force: true });
  bundleEntry('src/index.ts', 'dist');
  bundleEntry('src/cli/index.ts', 'dist/cli');
}
