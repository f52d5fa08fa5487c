export * from './init.js';
export * from './options.js';
export * from './project-files.js';
export * from './readme.js';
export * from './service-files.js';
export * from './wharf-package.js';
