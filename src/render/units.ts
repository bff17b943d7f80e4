/**
 * Task-level cpu and memory: the API takes strings, either units ("1024", MiB) or the
 * forms the console writes ("1 vCPU", "0.5 vcpu", "2 GB", "512 MiB"). ECS returns plain
 * numbers as strings after registering, so comparisons go through these.
 */
export function cpuUnits(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpus?)?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] ? 1024 : 1);
  return Number.isInteger(n) ? n : undefined;
}

export function memoryMiB(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(gb|gib|mb|mib)?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] && m[2].toLowerCase().startsWith('g') ? 1024 : 1);
  return Number.isInteger(n) ? n : undefined;
}

/** Fargate's task sizes (AWS docs, "Task CPU and memory"): memory in MiB allowed for each CPU value. */
const FARGATE: ReadonlyArray<{ cpu: number; memory: readonly number[] }> = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1024, 4096, 1024) },
  { cpu: 1024, memory: range(2048, 8192, 1024) },
  { cpu: 2048, memory: range(4096, 16384, 1024) },
  { cpu: 4096, memory: range(8192, 30720, 1024) },
  { cpu: 8192, memory: range(16384, 61440, 4096) },
  { cpu: 16384, memory: range(32768, 122880, 8192) }
];

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

export type FargateCheck = { ok: true } | { ok: false; problem: 'cpu' | 'memory'; fix: string };

export function checkFargateSize(cpu: number, memory: number): FargateCheck {
  const row = FARGATE.find((r) => r.cpu === cpu);
  if (!row) return { ok: false, problem: 'cpu', fix: `use one of ${FARGATE.map((r) => r.cpu).join(', ')} (1024 = 1 vCPU)` };
  if (!row.memory.includes(memory)) {
    const lo = row.memory[0]!;
    const hi = row.memory[row.memory.length - 1]!;
    const step = row.memory.length > 1 ? row.memory[1]! - lo : 0;
    return {
      ok: false,
      problem: 'memory',
      fix:
        row.memory.length <= 3
          ? `with cpu ${cpu} use memory ${row.memory.join(', ')}`
          : `with cpu ${cpu} use memory from ${lo} to ${hi} in steps of ${step} (MiB)`
    };
  }
  return { ok: true };
}
