export * from './load.js';
export type * from './model.js';
export * from './query.js';
export * from './references.js';
export * from './yaml.js';
