/**
 * Service utilisation as ECS computes it (docs/reference/aws-behavior-2.md §1.3), and the `/proc`
 * reading of the process runtime.
 */

import { describe, expect, it } from 'vitest';
import { parseStat } from '../../../src/local/autoscaling/task-usage.js';
import {
  serviceUtilization,
  taskCpuUnits,
  taskMemoryMiB,
} from '../../../src/local/autoscaling/utilization.js';

const SECOND = 1e9;
const MiB = 2 ** 20;
const task = (cpuSeconds: number, memoryMiB: number) => ({
  cpuNanos: cpuSeconds * SECOND,
  wallNanos: SECOND,
  memoryBytes: memoryMiB * MiB,
  cpuUnits: 256,
  memoryMiB: 512,
});

describe('task size', () => {
  it.each([
    ['256', 256],
    ['0.5 vCPU', 512],
    ['1 vcpu', 1024],
    [undefined, 1024],
  ])('reads Cpu %s as %d units', (cpu, units) => {
    expect(taskCpuUnits({ cpu })).toBe(units);
  });

  it.each([
    ['512', 512],
    ['1 GB', 1024],
    [undefined, 2048],
  ])('reads Memory %s as %d MiB', (memory, mib) => {
    expect(taskMemoryMiB({ memory })).toBe(mib);
  });
});

describe('serviceUtilization', () => {
  it('divides the CPU units used by the units of the task definition × tasks', () => {
    // 0.125 vCPU of 0.25 → 50 %; 0.0625 of 0.25 → 25 %: (128 + 64) × 100 / (256 × 2) = 37.5.
    expect(serviceUtilization([task(0.125, 128), task(0.0625, 256)])).toEqual({ cpu: 37.5, memory: 37.5 });
  });

  it('caps each task at its task-level CPU, as Fargate does (§1.3)', () => {
    // A busy core is 1024 units, four times a 256-unit task: 100 %, not 400 %.
    expect(serviceUtilization([task(1, 0), task(0, 0)]).cpu).toBe(50);
  });

  it('has no datapoint without a measured task', () => {
    expect(serviceUtilization([])).toEqual({});
  });
});

describe('parseStat', () => {
  it('reads the process group, CPU ticks and resident pages, even with spaces in the command name', () => {
    const line =
      '4242 (node server (x)) S 1 4240 4240 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 7 0 12345 987654 3000 rest';
    expect(parseStat(line)).toEqual({ pgrp: 4240, utime: 250, stime: 50, rss: 3000 });
  });

  it('gives undefined for a line that is not a stat line', () => {
    expect(parseStat('garbage')).toBeUndefined();
  });
});
