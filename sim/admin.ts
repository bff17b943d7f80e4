/**
 * The admin API under /_sim/ (JSON), for tests, the demo and benchmarks running in
 * another process. Documented in sim/README.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultRule } from './faults.js';
import type { CallFilter, Sim } from './server.js';
import type { ServiceName } from './types.js';

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? {}, null, 2);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object') throw new Error('the body must be a JSON object');
  return parsed as Record<string, any>;
}

function clockView(sim: Sim): Record<string, unknown> {
  return { now: new Date(sim.now()).toISOString(), nowMs: sim.now(), timeScale: sim.world.clock.timeScale };
}

export async function handleAdmin(sim: Sim, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
  let body: Record<string, any>;
  try {
    body = await readJson(req);
  } catch (error) {
    reply(res, 400, { error: `invalid JSON body: ${error instanceof Error ? error.message : String(error)}` });
    return;
  }
  try {
    const faultId = /^DELETE \/_sim\/faults\/(\d+)$/.exec(route);
    if (faultId) {
      reply(res, sim.removeFault(Number(faultId[1])) ? 200 : 404, {});
      return;
    }
    switch (route) {
      case 'GET /_sim/state':
        return reply(res, 200, sim.state());
      case 'POST /_sim/reset':
        sim.reset();
        return reply(res, 200, clockView(sim));
      case 'POST /_sim/seed':
        return reply(res, 200, await sim.seed());
      case 'GET /_sim/scenario':
        return reply(res, sim.scenario ? 200 : 404, sim.scenario ?? { error: 'not seeded' });
      case 'GET /_sim/clock':
        return reply(res, 200, clockView(sim));
      case 'POST /_sim/clock':
        if (body.timeScale !== undefined) sim.setTimeScale(Number(body.timeScale));
        if (body.advanceMs !== undefined) sim.advance(Number(body.advanceMs));
        return reply(res, 200, clockView(sim));
      case 'GET /_sim/faults':
        return reply(res, 200, { faults: sim.faults.list(), ecsReadThrottle: sim.faults.ecsReadThrottle() ?? null });
      case 'POST /_sim/faults':
        return reply(res, 200, sim.addFault(body as FaultRule));
      case 'DELETE /_sim/faults':
        sim.clearFaults();
        return reply(res, 200, {});
      case 'POST /_sim/throttle':
        sim.setEcsReadThrottle(body.enabled === false ? undefined : body);
        return reply(res, 200, { ecsReadThrottle: sim.faults.ecsReadThrottle() ?? null });
      case 'GET /_sim/calls': {
        const filter: CallFilter = {};
        const service = url.searchParams.get('service');
        if (service) filter.service = service as ServiceName;
        const operation = url.searchParams.get('operation');
        if (operation) filter.operation = operation;
        const accessKeyId = url.searchParams.get('accessKeyId');
        if (accessKeyId) filter.accessKeyId = accessKeyId;
        const calls = sim.calls(filter);
        return reply(res, 200, { count: calls.length, calls });
      }
      case 'DELETE /_sim/calls':
        sim.clearCalls();
        return reply(res, 200, {});
      case 'GET /_sim/traffic':
        return reply(res, 200, sim.traffic());
      case 'POST /_sim/traffic':
        sim.setRequestRate(String(body.loadBalancer), Number(body.requestsPerSecond));
        return reply(res, 200, sim.traffic());
      default:
        return reply(res, 404, { error: `no admin route ${route}; see sim/README.md` });
    }
  } catch (error) {
    reply(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}
