/**
 * Catches: a Fargate task definition whose task-level `Cpu`/`Memory` (traced through parameters
 * to their defaults) is not a valid Fargate combination, or is missing.
 *
 * Why: Fargate only runs the listed CPU/memory pairs; anything else fails at deploy time with
 * "No Fargate configuration exists for given values".
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 *
 * Does not catch: values it cannot trace (a parameter without default), Windows-specific limits,
 * or container-level CPU/memory that exceed the task's.
 */

import {
  allowedMemoriesFor,
  describeAllowedMemories,
  describeFargateSizes,
  nearestFargateSize,
  parseCpuUnits,
  parseMemoryMiB,
} from '../../aws/fargate-sizes.js';
import type { LoadedApp } from '../../template/model.js';
import { listResources } from '../../template/query.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { listIncludes, literalAt, trapFinding } from './support.js';

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const task of listResources(app, 'AWS::ECS::TaskDefinition')) {
    if (!listIncludes(task, 'Properties.RequiresCompatibilities', 'FARGATE')) continue;
    const rawCpu = task.resource.Properties?.Cpu;
    const rawMemory = task.resource.Properties?.Memory;
    if (rawCpu === undefined || rawMemory === undefined) {
      const missing = rawCpu === undefined ? 'Cpu' : 'Memory';
      findings.push(
        trapFinding(fargateSize, task, {
          propertyPath: `Properties.${missing}`,
          message: `Fargate task definition ${task.logicalId} has no task-level ${missing}; Fargate requires both Cpu and Memory on the task definition.`,
          fix: `Set task-level Cpu and Memory to a Fargate size, e.g. Cpu: 256 and Memory: 512. Allowed: ${describeFargateSizes()}.`,
        }),
      );
      continue;
    }
    const cpuLiteral = literalAt(task, 'Properties.Cpu');
    const memoryLiteral = literalAt(task, 'Properties.Memory');
    if (typeof cpuLiteral === 'boolean' || typeof memoryLiteral === 'boolean') continue;
    const cpu = cpuLiteral === undefined ? undefined : parseCpuUnits(cpuLiteral);
    const memory = memoryLiteral === undefined ? undefined : parseMemoryMiB(memoryLiteral);
    if (cpu === undefined || memory === undefined) continue;
    if (allowedMemoriesFor(cpu).includes(memory)) continue;
    const nearest = nearestFargateSize(cpu, memory);
    const cpuValid = allowedMemoriesFor(cpu).length > 0;
    findings.push(
      trapFinding(fargateSize, task, {
        propertyPath: cpuValid ? 'Properties.Memory' : 'Properties.Cpu',
        message: cpuValid
          ? `Fargate task definition ${task.logicalId} has Cpu ${cpuLiteral} with Memory ${memoryLiteral} (${memory} MiB); with ${cpu} CPU units Fargate allows memory ${describeAllowedMemories(cpu)} MiB.`
          : `Fargate task definition ${task.logicalId} has Cpu ${cpuLiteral} (${cpu} units), which is not a Fargate CPU value; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384.`,
        fix: `Use a Fargate size, e.g. Cpu: ${nearest.cpu} with Memory: ${nearest.memoryMiB}. Allowed: ${describeFargateSizes()}.`,
      }),
    );
  }
  return findings;
}

/** Task CPU/memory must be a Fargate size. */
export const fargateSize: TrapRule = {
  id: 'fargate-size',
  title: 'Task CPU/memory is not a Fargate size',
  severity: 'error',
  description: 'Fargate accepts only specific task CPU and memory combinations; others fail at deploy time.',
  check,
};
