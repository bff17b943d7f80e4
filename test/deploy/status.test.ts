import { describe, expect, it } from '@jest/globals';
import { deployBlueGreen } from '../../src/deploy/blue-green.js';
import { blueGreenStatus, formatStatus } from '../../src/deploy/status.js';
import { GREEN_TG, World, bgSettings, deploySettings, td } from './blue-green-fakes.js';

describe('blueGreenStatus', () => {
  it('after a deployment: green live at 100 %, blue idle at zero, targets counted', async () => {
    const world = new World();
    await deployBlueGreen(deploySettings(), bgSettings(), td(8), world.context().ctx);
    const status = await blueGreenStatus(bgSettings(), deploySettings(), world.context().ctx);
    expect(status).toMatchObject({ live: 'green', idle: 'blue', weights: { blue: 0, green: 100 } });
    expect(status.services).toEqual([
      expect.objectContaining({ colour: 'blue', name: 'web-blue', revision: 'web:7', desired: 0 }),
      expect.objectContaining({ colour: 'green', name: 'web-green', revision: 'web:8', desired: 2, running: 2 })
    ]);
    expect(status.targets.find((t) => t.colour === 'green')?.counts).toEqual({ healthy: 2 });
    const text = formatStatus(status);
    expect(text.split('\n')[0]).toBe('live: green (web-green), idle: blue (web-blue)');
    expect(text).toMatch(/forwards 0 % to web-blue, 100 % to web-green/);
    expect(text).toMatch(/green\s+web-green\s+web:8\s+2\/2 running; targets: 2 healthy/);
  });

  it('an interrupted split and unhealthy targets are shown with their reasons', async () => {
    const world = new World(50, 50);
    world.addService('web-green', GREEN_TG, td(8), 2);
    world.behaviours.set(td(8), 'unhealthy');
    const status = await blueGreenStatus(bgSettings(), deploySettings(), world.context().ctx);
    expect(status.live).toBeUndefined();
    expect(status.message).toMatch(/a previous deployment was interrupted/);
    const text = formatStatus(status);
    expect(text).toMatch(/^interrupted: .*50 % to web-blue and 50 % to web-green/);
    expect(text).toMatch(/targets: 2 unhealthy/);
    expect(text).toMatch(/unhealthy: Target.ResponseCodeMismatch \(Health checks failed with these codes: \[500\]\)/);
  });

  it('a service that does not exist is reported, not thrown', async () => {
    const world = new World();
    world.services.delete('web-green');
    const status = await blueGreenStatus(bgSettings(), deploySettings(), world.context().ctx);
    expect(formatStatus(status)).toMatch(/web-green\s+-\s+not found in the cluster/);
  });
});
