/**
 * Blue/green cases mutation testing found unguarded: the listener is read back right before the
 * old colour is retired, and a change made by someone else during the final bake keeps it.
 */
import { describe, expect, it } from '@jest/globals';
import { deployBlueGreen } from '../../src/deploy/blue-green.js';
import { World, bgSettings, deploySettings, forward, td } from './blue-green-fakes.js';

describe('blue/green: the old colour is retired only with 100 % read back', () => {
  it('someone moves traffic back to blue during the final bake: blue is not scaled down, and the run says why', async () => {
    const world = new World();
    const { ctx } = world.context();
    let reachedFull = false;
    world.onWeights = (w) => {
      if (Object.values(w).includes(100) && world.weights().green === 100) reachedFull = true;
    };
    // A colleague (or the console) puts half the traffic back on blue while the final bake runs.
    world.timer.onSleep = () => {
      if (reachedFull && world.weights().green === 100) world.actions.listener = [forward(50, 50)];
    };
    const result = await deployBlueGreen(deploySettings(), bgSettings(), td(8), ctx);
    expect(result.status).not.toBe('succeeded');
    expect(result.reason).toMatch(/no longer forwards 100 % to web-green \(someone changed it during the bake\)/);
    expect(world.ops('UpdateService')).not.toContain('UpdateService web-blue desired=0');
    expect(world.service('web-blue').desiredCount).toBe(2);
  });
});
