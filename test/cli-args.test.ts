import { describe, expect, test } from '@jest/globals';
import { helpText, parseArgs } from '../src/cli/args.js';

describe('CLI flags are the action inputs', () => {
  test('values, repeated flags become lines, bare flags are true', () => {
    const args = parseArgs(['deploy', '--cluster', 'prod', '--vars', 'a=1', '--vars=b=2', '--force-new-deployment', '--service', 'web']);
    expect(args.command).toBe('deploy');
    expect(args.inputs.get('cluster')).toBe('prod');
    expect(args.inputs.get('vars')).toBe('a=1\nb=2');
    expect(args.inputs.get('force-new-deployment')).toBe('true');
    expect(args.inputs.get('service')).toBe('web');
  });
  test('defaults come from action.yml', () => {
    expect(parseArgs(['render']).inputs.get('strategy')).toBe('rolling');
    expect(parseArgs(['render']).inputs.get('poll-interval')).toBe('5s');
  });
  test('CLI-only flags', () => {
    expect(parseArgs(['deploy', '--region', 'eu-west-1']).flags.region).toBe('eu-west-1');
  });
  test.each([
    [['deplyo'], /unknown command "deplyo" \(did you mean "deploy"\?\)/],
    [['deploy', '--clustr', 'x'], /unknown flag --clustr \(did you mean --cluster\?\)/],
    [['deploy', 'web'], /unexpected argument "web"/]
  ])('%j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
  test('help lists every input', () => {
    expect(helpText()).toContain('--listener-rule-arn');
    expect(parseArgs(['--help']).flags.help).toBe('true');
  });
});
