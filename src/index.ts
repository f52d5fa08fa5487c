export * from './constructs/index.js';
export * from './errors.js';
