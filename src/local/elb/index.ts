/**
 * The Application Load Balancer emulator: listeners, target groups, health checks, routing.
 * See each module's Fidelity note; the behaviour reproduced is aws-behavior.md §2.
 */

export * from './access-log.js';
export * from './balancer.js';
export * from './errors.js';
export * from './forwarded-headers.js';
export * from './health-check-matcher.js';
export * from './health-checker.js';
export * from './health-probe.js';
export * from './listener-actions.js';
export * from './listener-rules.js';
export * from './load-balancer.js';
export * from './target-group.js';
export type * from './types.js';
