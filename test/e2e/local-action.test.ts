/** `npm run local-action` with the documented .env.example: a real rolling deployment against the local ECS. */
import { expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../scripts/run-action.js';

test('.env.example deploys the seeded web service and the post step finds nothing left', async () => {
  const result = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/local-action.ts', '.env.example'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
  expect(result.code).toBe(0);
  expect(result.out).toMatch(/^status = succeeded$/m);
  expect(result.out).toMatch(/^task-definition-arn = arn:aws:ecs:us-east-1:123456789012:task-definition\/web:2$/m);
  expect(result.out).toMatch(/ecs-rollout post: nothing left to clean up/);
  expect(result.out).toMatch(/job summary \(Markdown\): .*summary\.md/);
});
