/**
 * The action's entry: action.yml runs this file for `main` and again for `post`.
 * The main step leaves `isPost` in its state, so the second run knows it is the post step.
 */
import * as core from '@actions/core';

if (core.getState('isPost') === 'true') {
  const { runPost } = await import('./action/post.js');
  await runPost();
} else {
  core.saveState('isPost', 'true');
  const { run } = await import('./main.js');
  await run();
}
