/**
 * The Fargate task sizes: which memory values each CPU value allows. One table drives the
 * construct props check and the `fargate-size` trap rule.
 *
 * Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 * (Linux containers; 8 and 16 vCPU need platform version 1.4.0 or later).
 */

/** One CPU value and the task memory sizes it allows. */
export interface FargateSize {
  /** CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  /** Allowed task memory in MiB, ascending. */
  readonly memoryMiB: readonly number[];
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let value = from; value <= to; value += step) out.push(value);
  return out;
}

/** Every valid Fargate CPU value with its allowed memory sizes, smallest CPU first. */
export const FARGATE_SIZES: readonly FargateSize[] = [
  { cpu: 256, memoryMiB: [512, 1024, 2048] },
  { cpu: 512, memoryMiB: range(1024, 4096, 1024) },
  { cpu: 1024, memoryMiB: range(2048, 8192, 1024) },
  { cpu: 2048, memoryMiB: range(4096, 16384, 1024) },
  { cpu: 4096, memoryMiB: range(8192, 30720, 1024) },
  { cpu: 8192, memoryMiB: range(16384, 61440, 4096) },
  { cpu: 16384, memoryMiB: range(32768, 122880, 8192) },
];

/** The memory sizes (MiB) allowed with `cpu` units; empty when `cpu` is not a Fargate CPU value. */
export function allowedMemoriesFor(cpu: number): readonly number[] {
  return FARGATE_SIZES.find((size) => size.cpu === cpu)?.memoryMiB ?? [];
}

/** True when `cpu` units with `memoryMiB` is a Fargate task size. */
export function isValidFargateSize(cpu: number, memoryMiB: number): boolean {
  return allowedMemoriesFor(cpu).includes(memoryMiB);
}

function describeMemories(memories: readonly number[]): string {
  if (memories.length <= 3) return memories.join(', ');
  const step = memories[1] - memories[0];
  return `${memories[0]}-${memories[memories.length - 1]} in steps of ${step}`;
}

/**
 * The table as one line for error messages, e.g.
 * `cpu 256 → memory 512, 1024, 2048; cpu 512 → memory 1024-4096 in steps of 1024; …`.
 */
export function describeFargateSizes(): string {
  return FARGATE_SIZES.map((size) => `cpu ${size.cpu} → memory ${describeMemories(size.memoryMiB)}`).join(
    '; ',
  );
}

/** Describes the memory sizes allowed with one CPU value, e.g. `512, 1024, 2048`. */
export function describeAllowedMemories(cpu: number): string {
  return describeMemories(allowedMemoriesFor(cpu));
}

/**
 * Reads a task-definition `Cpu` value as CPU units: `256`, `'256'`, `'0.25 vCPU'`, `'1 vcpu'`.
 * `undefined` when the value is not of those shapes.
 */
export function parseCpuUnits(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2] ? Math.round(amount * 1024) : amount;
}

/**
 * Reads a task-definition `Memory` value as MiB: `512`, `'512'`, `'512 MiB'`, `'1 GB'`, `'0.5GB'`.
 * `undefined` when the value is not of those shapes.
 */
export function parseMemoryMiB(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(mib|mb|gib|gb)?\s*$/i.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2] && /^g/i.test(match[2]) ? Math.round(amount * 1024) : amount;
}

/** The smallest valid Fargate size with at least the given CPU units and memory (capped at the largest size). */
export function nearestFargateSize(cpu: number, memoryMiB: number): { cpu: number; memoryMiB: number } {
  const fits = FARGATE_SIZES.find(
    (size) => size.cpu >= cpu && size.memoryMiB[size.memoryMiB.length - 1] >= memoryMiB,
  );
  const size = fits ?? FARGATE_SIZES[FARGATE_SIZES.length - 1];
  const memory = size.memoryMiB.find((m) => m >= memoryMiB) ?? size.memoryMiB[size.memoryMiB.length - 1];
  return { cpu: size.cpu, memoryMiB: memory };
}
