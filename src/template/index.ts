export * from './evaluate.js';
export * from './load.js';
export type * from './model.js';
export * from './query.js';
export * from './references.js';
export type * from './resolved.js';
export * from './yaml.js';
