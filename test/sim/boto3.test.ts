/**
 * The local ECS checked by a client nobody here wrote: test/sim/boto3_check.py drives paging,
 * ValidationError / InvalidParameterException cases and unused target health with boto3 and its
 * paginators, and checks every answer against botocore's service models. It runs under every
 * Python on the machine that has boto3 (Debian's python3-boto3 speaks query/XML to CloudWatch,
 * a recent boto3 its JSON protocol), always against the sim's 127.0.0.1 endpoint.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startSim, type Sim } from '../../sim/server.js';

const run = promisify(execFile);
const SCRIPT = 'test/sim/boto3_check.py';

/** No AWS setting of the machine may reach boto3: dummy credentials, no profile or config file, no instance metadata. */
function isolatedEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return { ...env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };
}

/** Each distinct Python (by interpreter path) that can import boto3, with its boto3 version. */
async function pythonsWithBoto3(): Promise<{ python: string; label: string }[]> {
  const found = new Map<string, { python: string; label: string }>();
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const { stdout } = await run(python, ['-c', 'import sys, os, boto3; print(os.path.realpath(sys.executable), boto3.__version__)'], {
        env: isolatedEnv()
      });
      const [path, version] = stdout.trim().split(' ');
      if (path && !found.has(path)) found.set(path, { python, label: `${python} (boto3 ${version})` });
    } catch {
      // This interpreter is absent or has no boto3; another may.
    }
  }
  return [...found.values()];
}

let sim: Sim;
let pythons: { python: string; label: string }[];

beforeAll(async () => {
  pythons = await pythonsWithBoto3();
});

afterAll(async () => {
  await sim?.close();
});

it('boto3 agrees with the local ECS on paging, errors and answer shapes (every Python with boto3)', async () => {
  expect(pythons.map((p) => p.label)).not.toEqual([]);
  const nativeCheckedBy: string[] = [];
  for (const { python, label } of pythons) {
    // A fresh world for each client: the script seeds it and creates its own alarms and groups.
    await sim?.close();
    sim = await startSim({ timeScale: 0 });
    const result = await run(python, [SCRIPT, sim.url], { env: isolatedEnv(), timeout: 120_000 }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? -1,
        stdout: `${error.stdout ?? ''}\n${error.stderr ?? ''}`
      })
    );
    const failed = result.stdout.split('\n').filter((line) => !line.startsWith('ok '));
    expect({ python: label, code: result.code, output: failed.join('\n') }).toEqual({
      python: label,
      code: 0,
      output: expect.stringMatching(/0 failed/)
    });
    if (result.stdout.includes('ok    native: every native operation answered')) nativeCheckedBy.push(label);
    else
      process.stderr.write(
        `${label}: ${result.stdout.split('\n').find((line) => line.startsWith('SKIP')) ?? 'native checks did not run'}\n`
      );
  }
  // A botocore too old for the native operations may skip them (saying so), but one client must have checked them.
  expect(nativeCheckedBy).not.toEqual([]);
}, 240_000);
