/**
 * The action's entry: action.yml runs this file for `main` and again for `post`.
 * The main step leaves `isPost` in its state, so the second run knows it is the post step.
 */
import * as core from '@actions/core';
import module from 'node:module';

// Node 22.1+ (the runner's node24) keeps V8's compiled code on disk: the post step, and every
// later run on a self-hosted runner, skips compiling the chunks the main step already compiled
// (everything imported from here on). On older Node it does not exist.
const cacheable: { enableCompileCache?: () => unknown; builtinModules: readonly string[] } = module;
cacheable.enableCompileCache?.();

if (core.getState('isPost') === 'true') {
  const { runPost } = await import('./action/post.js');
  await runPost();
} else {
  core.saveState('isPost', 'true');
  const { run } = await import('./main.js');
  await run();
}
