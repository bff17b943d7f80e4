/** One long jump of the clock (advance) behaves like the same time passing in small steps. */
import { afterEach, expect, test } from '@jest/globals';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { startSim, type Sim } from '../../sim/server.js';

let sim: Sim | undefined;
afterEach(async () => {
  await sim?.close();
});

test('a rolling deployment completes within one advance of ten simulated minutes', async () => {
  sim = await startSim({ seed: true, timeScale: 0 });
  const ecs = new ECSClient({ endpoint: sim.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDADV', secretAccessKey: 'x' } });
  await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', forceNewDeployment: true }));
  sim.advance(10 * 60_000);
  const out = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
  const web = out.services![0];
  expect(web.deployments).toHaveLength(1);
  expect(web.deployments![0].rolloutState).toBe('COMPLETED');
  expect(web.runningCount).toBe(2);
});
