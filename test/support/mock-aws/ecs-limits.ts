/**
 * ECS's own limits on its describe calls, which its API model does not state (the documentation
 * does: "up to 100 tasks", "up to 10 services"), so `request-validation.ts` cannot derive them.
 *
 * *Fidelity*: `InvalidParameterException` with ECS's words where they were seen in AWS answers
 * ("service names can have at most 10 items.", "Tasks cannot be empty."); the two others follow
 * the same form. Sources: docs/reference/mock-aws-strictness.md.
 */

import { AwsError } from './protocol.js';

/** Most task ids one `DescribeTasks` call takes (API reference, DescribeTasks `tasks`). */
export const DESCRIBE_TASKS_MAX = 100;
/** Most services one `DescribeServices` call takes (API reference, DescribeServices `services`). */
export const DESCRIBE_SERVICES_MAX = 10;

function invalid(message: string): AwsError {
  return new AwsError(400, 'InvalidParameterException', message);
}

/**
 * Throws ECS's `InvalidParameterException` when a `DescribeTasks` request names no task or more
 * than {@link DESCRIBE_TASKS_MAX}.
 */
export function checkDescribeTasks(input: Record<string, unknown>): void {
  const tasks = Array.isArray(input.tasks) ? input.tasks : [];
  if (tasks.length === 0) throw invalid('Tasks cannot be empty.');
  if (tasks.length > DESCRIBE_TASKS_MAX) throw invalid(`tasks can have at most ${DESCRIBE_TASKS_MAX} items.`);
}

/**
 * Throws ECS's `InvalidParameterException` when a `DescribeServices` request names no service or
 * more than {@link DESCRIBE_SERVICES_MAX}.
 */
export function checkDescribeServices(input: Record<string, unknown>): void {
  const services = Array.isArray(input.services) ? input.services : [];
  if (services.length === 0) throw invalid('Services cannot be empty.');
  if (services.length > DESCRIBE_SERVICES_MAX) {
    throw invalid(`service names can have at most ${DESCRIBE_SERVICES_MAX} items.`);
  }
}
