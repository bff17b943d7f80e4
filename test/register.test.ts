import { describe, expect, it } from '@jest/globals';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { RecordingReporter } from '../src/events.js';
import { registerRevision } from '../src/register.js';
import { fixture, render, stubEcs } from './render/helpers.js';

const BRIDGE = fixture('taskdefs/ec2-bridge.json');
const registered = (): TaskDefinition => JSON.parse(BRIDGE) as TaskDefinition;
const methods = (calls: { method: string }[]) => calls.map((c) => c.method);

describe('registerRevision', () => {
  it('reuses the latest ACTIVE revision when the rendered definition equals it (no register call)', async () => {
    const ecs = stubEcs([{ taskDefinition: registered() }]);
    // the template: the describe output with read-only fields, reordered environment
    const template = JSON.parse(BRIDGE) as TaskDefinition;
    template.containerDefinitions![1].environment!.reverse();
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': JSON.stringify(template) }, ecs });
    const reporter = new RecordingReporter();
    const result = await registerRevision(rendered, { ecs, reporter }, { tags: [{ key: 'commit', value: 'abc' }] });
    expect(result).toEqual({ arn: 'arn:aws:ecs:us-east-1:210987654321:task-definition/legacy-web:7', reused: true, revision: 7 });
    expect(methods(ecs.calls)).toEqual(['latestTaskDefinition']);
    expect(reporter.events).toContainEqual({ kind: 'registered', arn: result.arn, reused: true });
    expect(reporter.lines[0]).toMatch(
      /^reusing arn:aws:ecs:us-east-1:210987654321:task-definition\/legacy-web:7: it is the latest ACTIVE revision/
    );
  });

  it('registers a new revision with tags when something changed', async () => {
    const ecs = stubEcs([{ taskDefinition: registered() }]);
    const { rendered } = await render(
      { 'task-definition': 'td.json', 'container-name': 'php', image: 'php:8.3' },
      { files: { 'td.json': BRIDGE }, ecs }
    );
    const reporter = new RecordingReporter();
    const result = await registerRevision(rendered, { ecs, reporter }, { tags: [{ key: 'commit', value: 'abc' }] });
    expect(result).toEqual({ arn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/legacy-web:8', reused: false, revision: 8 });
    expect(methods(ecs.calls)).toEqual(['latestTaskDefinition', 'registerTaskDefinition']);
    const input = ecs.calls[1].arg as { tags?: unknown; containerDefinitions: { image: string }[]; revision?: unknown };
    expect(input.tags).toEqual([{ key: 'commit', value: 'abc' }]);
    expect(input.containerDefinitions[1].image).toBe('php:8.3');
    expect(input.revision).toBeUndefined();
    expect(reporter.events).toContainEqual({ kind: 'registered', arn: result.arn, reused: false });
  });

  it('after a rollback the latest revision is the bad one: the revision the service runs is reused when identical', async () => {
    const good = registered();
    const bad = {
      ...registered(),
      revision: 8,
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:210987654321:task-definition/legacy-web:8',
      cpu: '512'
    };
    const ecs = stubEcs([{ taskDefinition: good }, { taskDefinition: bad }]);
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': BRIDGE }, ecs });
    const result = await registerRevision(rendered, { ecs, reporter: new RecordingReporter() }, { candidates: [good.taskDefinitionArn!] });
    expect(result).toEqual({ arn: good.taskDefinitionArn, reused: true, revision: 7 });
    expect(methods(ecs.calls)).toEqual(['latestTaskDefinition', 'describeTaskDefinition']);
  });

  it('a running revision that differs is not reused', async () => {
    const running = { ...registered(), cpu: '999' };
    const ecs = stubEcs([{ taskDefinition: running }]);
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': BRIDGE }, ecs });
    const result = await registerRevision(
      rendered,
      { ecs, reporter: new RecordingReporter() },
      { candidates: [running.taskDefinitionArn!] }
    );
    expect(result.reused).toBe(false);
    expect(methods(ecs.calls)).toEqual(['latestTaskDefinition', 'registerTaskDefinition']);
  });

  it('registers the first revision of a new family', async () => {
    const ecs = stubEcs();
    const { rendered } = await render({ 'task-definition': 'td.json' }, { files: { 'td.json': BRIDGE }, ecs });
    const result = await registerRevision(rendered, { ecs, reporter: new RecordingReporter() }, {});
    expect(result.revision).toBe(1);
    expect(methods(ecs.calls)).toEqual(['latestTaskDefinition', 'registerTaskDefinition']);
  });

  it('started from a revision ARN with nothing changed: reuses that ARN without any further call', async () => {
    const older = registered();
    const newer = {
      ...registered(),
      revision: 8,
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:210987654321:task-definition/legacy-web:8',
      cpu: '512'
    };
    const ecs = stubEcs([{ taskDefinition: older }, { taskDefinition: newer }]);
    const { rendered } = await render({ 'task-definition-arn': 'legacy-web:7' }, { ecs });
    const result = await registerRevision(rendered, { ecs, reporter: new RecordingReporter() });
    expect(result).toEqual({ arn: 'arn:aws:ecs:us-east-1:210987654321:task-definition/legacy-web:7', reused: true, revision: 7 });
    expect(methods(ecs.calls)).toEqual(['describeTaskDefinition']);
  });

  it('template tags and step tags merge, the step winning by key', async () => {
    const ecs = stubEcs();
    const { rendered } = await render(
      { 'task-definition': 'td.json' },
      { files: { 'td.json': fixture('taskdefs/fargate-firelens.json') }, ecs }
    );
    await registerRevision(
      rendered,
      { ecs, reporter: new RecordingReporter() },
      {
        tags: [
          { key: 'team', value: 'checkout' },
          { key: 'commit', value: 'abc' }
        ]
      }
    );
    expect((ecs.calls[1].arg as { tags: unknown }).tags).toEqual([
      { key: 'team', value: 'checkout' },
      { key: 'service', value: 'checkout-api' },
      { key: 'commit', value: 'abc' }
    ]);
  });
});
