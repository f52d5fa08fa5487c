/** The local Cloud Map: registry, API endpoint, and the pure logic behind them. */

export * from './discovery-filter.js';
export * from './errors.js';
export * from './instance-attributes.js';
export * from './registry.js';
export * from './server.js';
export * from './srv-records.js';
export type * from './types.js';
