/**
 * The action's entry: action.yml runs this file for `main` and again for `post`.
 * The main step leaves `isPost` in its state, so the second run knows it is the post step.
 */
import module from 'node:module';

// Node 22.1+ (the runner's node24) keeps V8's compiled code on disk: the post step, and every
// later run on a self-hosted runner, skips compiling what the main step already compiled. Called
// before anything else is imported, so all of it is cached; on older Node it does not exist.
const cacheable: { enableCompileCache?: () => unknown; builtinModules: readonly string[] } = module;
cacheable.enableCompileCache?.();

const core = await import('@actions/core');
if (core.getState('isPost') === 'true') {
  const { runPost } = await import('./action/post.js');
  await runPost();
} else {
  core.saveState('isPost', 'true');
  const { run } = await import('./main.js');
  await run();
}
