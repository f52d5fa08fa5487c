/**
 * Container image assets of a deploy: which images the assembly asks for (`manifest.ts`), what
 * the toolkit's messages say about them (`activity.ts`, `tracker.ts`), Docker's output kept off
 * the terminal (`docker-output.ts`), the Docker preflight (`docker-check.ts`), and failures with
 * their next steps (`failure.ts`). The toolkit library itself builds and publishes them.
 *
 * @module
 */

export * from './activity.js';
export * from './docker-check.js';
export * from './docker-output.js';
export * from './failure.js';
export * from './manifest.js';
export * from './tracker.js';
