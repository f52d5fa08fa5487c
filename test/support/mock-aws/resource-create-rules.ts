/**
 * Failures CloudFormation reports only while it creates or updates a resource, because the
 * service behind the resource refuses the request its handler sends: the reason the resource
 * fails with (its `ResourceStatusReason`), from the resource's evaluated properties.
 *
 * *Fidelity*: ECS's checks on `RegisterTaskDefinition` (no containers, a CPU/memory pair Fargate
 * does not offer, from `src/aws/fargate-sizes.ts`) and on `CreateService`/`UpdateService` (a
 * negative desired count), wrapped the way CloudFormation's registry handlers report a service's
 * refusal. Sources in `docs/reference/mock-aws-strictness.md`.
 */

import { isValidFargateSize, parseCpuUnits, parseMemoryMiB } from '../../../src/aws/fargate-sizes.js';
import type { PlainValue } from '../../../src/template/resolved.js';

/** A request id shaped like AWS's, fixed so messages are comparable in tests. */
const REQUEST_ID = '00000000-0000-0000-0000-000000000000';

function handlerMessage(operation: string, detail: string, code: string): string {
  return `Resource handler returned message: "Invalid request provided: ${operation}: ${detail} (Service: AmazonECS; Status Code: 400; Error Code: ${code}; Request ID: ${REQUEST_ID}; Proxy: null)" (RequestToken: ${REQUEST_ID}, HandlerErrorCode: InvalidRequest)`;
}

function taskDefinitionFailure(properties: Record<string, PlainValue>): string | undefined {
  const containers = properties.ContainerDefinitions;
  if (!Array.isArray(containers) || containers.length === 0) {
    return handlerMessage('Create TaskDefinition', 'Container list cannot be empty.', 'ClientException');
  }
  const compatibilities = properties.RequiresCompatibilities;
  const fargate = Array.isArray(compatibilities) && compatibilities.includes('FARGATE');
  if (!fargate) return undefined;
  const cpuValue = properties.Cpu;
  const memoryValue = properties.Memory;
  if (cpuValue === undefined) {
    return handlerMessage(
      'Create TaskDefinition',
      "Fargate requires that 'cpu' be defined at the task level.",
      'ClientException',
    );
  }
  if (memoryValue === undefined) {
    return handlerMessage(
      'Create TaskDefinition',
      "Fargate requires that 'memory' be defined at the task level.",
      'ClientException',
    );
  }
  const cpu = parseCpuUnits(cpuValue as string | number);
  const memory = parseMemoryMiB(memoryValue as string | number);
  if (cpu === undefined || memory === undefined || !isValidFargateSize(cpu, memory)) {
    return handlerMessage(
      'Create TaskDefinition',
      `No Fargate configuration exists for given values: ${String(cpuValue)} CPU, ${String(memoryValue)} memory. See the Amazon ECS documentation for the valid values.`,
      'ClientException',
    );
  }
  return undefined;
}

function serviceFailure(
  properties: Record<string, PlainValue>,
  verb: 'CREATE' | 'UPDATE',
): string | undefined {
  const desired = properties.DesiredCount;
  if (desired !== undefined && Number(desired) < 0) {
    return handlerMessage(
      verb === 'CREATE' ? 'CreateService error' : 'UpdateService error',
      'Invalid desiredCount value',
      'InvalidParameterException',
    );
  }
  return undefined;
}

/**
 * The reason a resource of `type` with these evaluated `properties` fails when CloudFormation
 * creates (or updates) it, or `undefined` when the service accepts it.
 *
 * @example
 * createFailure('AWS::ECS::Service', { DesiredCount: -5 }, 'CREATE'); // "Resource handler returned message: … Invalid desiredCount value …"
 */
export function createFailure(
  type: string,
  properties: Record<string, PlainValue>,
  verb: 'CREATE' | 'UPDATE',
): string | undefined {
  if (type === 'AWS::ECS::TaskDefinition') return taskDefinitionFailure(properties);
  if (type === 'AWS::ECS::Service') return serviceFailure(properties, verb);
  return undefined;
}
