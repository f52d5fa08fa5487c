/**
 * ECS service utilisation from the tasks' resource usage over one period. Pure.
 *
 * Fidelity (docs/reference/aws-behavior-2.md §1.3): service CPU utilisation is the CPU units the
 * service's tasks used × 100 ÷ (the task definition's CPU units × the number of tasks), memory the
 * same with MiB. With task-level CPU, as on Fargate, a task's utilisation does not go above 100 %;
 * locally nothing limits a task's CPU, so each task's share is capped at its task size before the
 * average. A task that has no usage reading for the whole period (started during it) is left out,
 * as a task without a datapoint; no task with a reading means no datapoint (missing data).
 */

import type { TaskDefinitionConfig } from '../ecs/types.js';

/** CPU units per vCPU (ECS's unit: 1024 = one vCPU). */
export const UNITS_PER_VCPU = 1024;

/**
 * The task's CPU units: the task definition's `Cpu` (`256`, or `.25 vCPU`), else 1024.
 *
 * @example taskCpuUnits({ cpu: '0.5 vCPU' }) // 512
 */
export function taskCpuUnits(definition: Pick<TaskDefinitionConfig, 'cpu'>): number {
  const text = definition.cpu?.trim().toLowerCase();
  if (!text) return UNITS_PER_VCPU;
  const vcpu = /^([\d.]+)\s*vcpu$/.exec(text);
  const units = vcpu ? Number(vcpu[1]) * UNITS_PER_VCPU : Number(text);
  return Number.isFinite(units) && units > 0 ? units : UNITS_PER_VCPU;
}

/**
 * The task's memory in MiB: the task definition's `Memory` (`512`, or `1 GB`), else 2048.
 *
 * @example taskMemoryMiB({ memory: '1 GB' }) // 1024
 */
export function taskMemoryMiB(definition: Pick<TaskDefinitionConfig, 'memory'>): number {
  const text = definition.memory?.trim().toLowerCase();
  if (!text) return 2048;
  const gb = /^([\d.]+)\s*gb$/.exec(text);
  const mib = gb ? Number(gb[1]) * 1024 : Number(text);
  return Number.isFinite(mib) && mib > 0 ? mib : 2048;
}

/** One task's usage over a period. */
export interface TaskPeriodUsage {
  /** CPU time used during the period, in ns. */
  readonly cpuNanos: number;
  /** Length of the period, in ns of wall time. */
  readonly wallNanos: number;
  /** Memory in use at the end of the period, in bytes. */
  readonly memoryBytes: number;
  readonly cpuUnits: number;
  readonly memoryMiB: number;
}

/**
 * Service CPU and memory utilisation (percent) over a period, or `undefined` each without data.
 *
 * @example serviceUtilization([{ cpuNanos: 1e9, wallNanos: 1e9, memoryBytes: 128 * 2 ** 20, cpuUnits: 256, memoryMiB: 512 }]) // { cpu: 100, memory: 25 }
 */
export function serviceUtilization(tasks: readonly TaskPeriodUsage[]): {
  readonly cpu?: number;
  readonly memory?: number;
} {
  const measured = tasks.filter((task) => task.wallNanos > 0);
  if (measured.length === 0) return {};
  let usedUnits = 0;
  let reservedUnits = 0;
  let usedMiB = 0;
  let reservedMiB = 0;
  for (const task of measured) {
    const units = (task.cpuNanos / task.wallNanos) * UNITS_PER_VCPU;
    usedUnits += Math.min(Math.max(units, 0), task.cpuUnits);
    reservedUnits += task.cpuUnits;
    usedMiB += Math.min(task.memoryBytes / 2 ** 20, task.memoryMiB);
    reservedMiB += task.memoryMiB;
  }
  return { cpu: (usedUnits * 100) / reservedUnits, memory: (usedMiB * 100) / reservedMiB };
}
