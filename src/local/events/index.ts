/**
 * The local EventBridge: scheduled rules (`rate(…)`, six-field `cron(…)`) that run ECS tasks.
 */

export * from './cron-expression.js';
export * from './resolve.js';
export * from './rule-scheduler.js';
export * from './schedule-expression.js';
export * from './types.js';
