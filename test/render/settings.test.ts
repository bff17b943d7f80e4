import { describe, expect, it } from '@jest/globals';
import { InputErrors } from '../../src/errors.js';
import { readRenderSettings } from '../../src/render/settings.js';
import { splitCommand } from '../../src/shell.js';
import { inputsOf } from './helpers.js';

function read(values: Record<string, string>, env: Record<string, string> = {}) {
  return readRenderSettings(inputsOf(values), { GITHUB_WORKSPACE: '/repo', ...env });
}

function problems(values: Record<string, string>): string[] {
  try {
    read(values);
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((e) => e.message);
    throw error;
  }
  throw new Error('expected errors');
}

describe('readRenderSettings', () => {
  it('reads a template path relative to the workspace, vars and defaults', () => {
    const s = read({ 'task-definition': 'deploy/td.yaml', vars: 'tag=v1\nurl=https://x?a=b' }, { RUNNER_TEMP: '/tmp/r' });
    expect(s.source).toEqual({ kind: 'file', path: 'deploy/td.yaml', resolved: '/repo/deploy/td.yaml' });
    expect([...s.vars]).toEqual([
      ['tag', 'v1'],
      ['url', 'https://x?a=b']
    ]);
    expect(s.tempDir).toBe('/tmp/r');
    expect(s.renderedPath).toBeUndefined();
  });

  it.each([
    [{ 'task-definition-family': 'web' }, { kind: 'family', family: 'web' }],
    [
      { 'task-definition-arn': 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:12' },
      { kind: 'arn', arn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:12' }
    ],
    [{ 'task-definition-arn': 'web:12' }, { kind: 'arn', arn: 'web:12' }]
  ])('starts from %p', (values, source) => {
    expect(read(values).source).toEqual(source);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'no source',
      {},
      /^no task definition to render \(set input `task-definition` \(a template file\), input `task-definition-family` or input `task-definition-arn`\)$/
    ],
    [
      'two sources',
      { 'task-definition': 'a.json', 'task-definition-arn': 'web:1' },
      /input `task-definition` and input `task-definition-arn` are both set/
    ],
    ['a bad ARN', { 'task-definition-arn': 'web' }, /input `task-definition-arn` is "web", not a task definition revision/],
    ['image without container-name', { 'task-definition': 'a.json', image: 'x' }, /input `image` is set without input `container-name`/],
    [
      'env without container-name',
      { 'task-definition': 'a.json', 'environment-variables': 'A=1' },
      /input `environment-variables` is set without input `container-name`/
    ],
    [
      'a bad env line',
      { 'task-definition': 'a.json', 'container-name': 'c', 'environment-variables': 'JUST_A_NAME' },
      /input `environment-variables` line 1 is not KEY=VALUE \(11 characters/
    ],
    [
      'a secret without valueFrom',
      { 'task-definition': 'a.json', 'container-name': 'c', secrets: 'DB=' },
      /input `secrets`: DB has no valueFrom/
    ],
    [
      'a bad images line',
      { 'task-definition': 'a.json', images: 'web' },
      /input `images` line 1 is "web" \(write one container=image per line\)/
    ],
    [
      'an unclosed quote in command',
      { 'task-definition': 'a.json', 'container-name': 'c', command: `sh -c "echo` },
      /input `command` has an unclosed " quote/
    ],
    [
      'a JSON command that is not a list of strings',
      { 'task-definition': 'a.json', 'container-name': 'c', command: '[1, 2]' },
      /input `command` starts with \[ but is not a JSON array of strings/
    ],
    [
      'a secret var that is not a var',
      { 'task-definition': 'a.json', vars: 'token=x', 'secret-vars': 'tokne' },
      /input `secret-vars` names "tokne", which is not set \(did you mean "token"\?\)/
    ],
    ['a bad family', { 'task-definition': 'a.json', family: 'my family' }, /input `family` is "my family", not a family name/],
    ['an unclosed heredoc', { 'task-definition': 'a.json', vars: 'a<<EOF\nx' }, /input `vars` line 1: "a<<EOF" is never closed/]
  ])('rejects %s, naming the input', (_, values, message) => {
    expect(problems(values)).toEqual([expect.stringMatching(message)]);
  });

  it('reports all input problems together', () => {
    expect(problems({ image: 'x', family: '!' })).toHaveLength(3);
  });

  it('reads the per-container inputs', () => {
    const s = read({
      'task-definition': 'a.json',
      'container-name': 'web',
      image: 'nginx:1',
      images: 'sidecar=envoy:1',
      'environment-variables': 'A=1=2\nB=',
      'log-configuration-log-driver': 'awslogs',
      command: 'npm run "start prod"'
    });
    expect([...s.overrides.images]).toEqual([
      ['sidecar', 'envoy:1'],
      ['web', 'nginx:1']
    ]);
    expect([...s.overrides.environment]).toEqual([
      ['A', '1=2'],
      ['B', '']
    ]);
    expect(s.overrides.logDriver).toBe('awslogs');
    expect(s.overrides.command).toEqual(['npm', 'run', 'start prod']);
  });
});

describe('splitCommand', () => {
  it.each<[string, string[]]>([
    [`sh -c "echo 'a b' && run"`, ['sh', '-c', "echo 'a b' && run"]],
    ['node  server.js   --port 80', ['node', 'server.js', '--port', '80']],
    [`echo 'it''s'`, ['echo', 'its']],
    [`say "a \\"quoted\\" word"`, ['say', 'a "quoted" word']],
    ['a\\ b c', ['a b', 'c']],
    [`run ""`, ['run', '']],
    [`bash -lc 'echo $HOME'`, ['bash', '-lc', 'echo $HOME']]
  ])('%s', (text, words) => {
    expect(splitCommand(text, 'command')).toEqual(words);
  });
});
