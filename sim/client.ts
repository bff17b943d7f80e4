/**
 * Thin helpers for the admin API (sim/README.md), for the demo, benchmarks and tests
 * that run the sim in another process.
 */
import type { FaultRule, StoredFault } from './faults.js';
import type { CallFilter, CallRecord, Scenario, TrafficReport } from './server.js';

async function request<T>(url: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(path, url), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`local ECS admin ${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export interface ClockView {
  now: string;
  nowMs: number;
  timeScale: number;
}

export function simClient(url: string) {
  return {
    state: () => request<Record<string, unknown>>(url, 'GET', '/_sim/state'),
    reset: () => request<ClockView>(url, 'POST', '/_sim/reset'),
    seed: () => request<Scenario>(url, 'POST', '/_sim/seed'),
    clock: () => request<ClockView>(url, 'GET', '/_sim/clock'),
    advance: (advanceMs: number) => request<ClockView>(url, 'POST', '/_sim/clock', { advanceMs }),
    setTimeScale: (timeScale: number) => request<ClockView>(url, 'POST', '/_sim/clock', { timeScale }),
    addFault: (rule: FaultRule) => request<StoredFault>(url, 'POST', '/_sim/faults', rule),
    removeFault: (id: number) => request<unknown>(url, 'DELETE', `/_sim/faults/${id}`),
    clearFaults: () => request<unknown>(url, 'DELETE', '/_sim/faults'),
    setEcsReadThrottle: (settings: { enabled: boolean; ratePerSecond?: number; burst?: number }) =>
      request<unknown>(url, 'POST', '/_sim/throttle', settings),
    calls: async (filter: CallFilter = {}): Promise<CallRecord[]> => {
      const q = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === 'string'));
      return (await request<{ calls: CallRecord[] }>(url, 'GET', `/_sim/calls?${q}`)).calls;
    },
    clearCalls: () => request<unknown>(url, 'DELETE', '/_sim/calls'),
    traffic: () => request<TrafficReport>(url, 'GET', '/_sim/traffic'),
    setRequestRate: (loadBalancer: string, requestsPerSecond: number) =>
      request<unknown>(url, 'POST', '/_sim/traffic', { loadBalancer, requestsPerSecond })
  };
}

export type SimClient = ReturnType<typeof simClient>;
