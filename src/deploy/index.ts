export * from './bootstrap.js';
export * from './deploy.js';
export * from './destroy.js';
export * from './diff.js';
export * from './errors.js';
export * from './outputs.js';
export type { ProgressListener } from './progress-listener.js';
export { defaultStackName, templateStackName } from './source.js';
export type { AwsTarget } from './toolkit.js';
