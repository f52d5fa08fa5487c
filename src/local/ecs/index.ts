/**
 * The local ECS service scheduler: deployments, task lifecycle, health and the circuit breaker.
 */

export * from './deployment.js';
export * from './deployment-math.js';
export * from './launch-pacing.js';
export * from './reconcile-plan.js';
export * from './resolve.js';
export * from './service-attachments.js';
export * from './service-deployments.js';
export * from './service-events.js';
export * from './service-health.js';
export * from './service-scheduler.js';
export * from './service-tasks.js';
export * from './service-throttle.js';
export * from './standalone-tasks.js';
export * from './task.js';
export * from './task-lifecycle.js';
export * from './task-network.js';
export * from './task-stop-report.js';
export * from './types.js';
