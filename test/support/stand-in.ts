/**
 * The offline stand-in base images for tests: `FROM node:22-alpine` Dockerfiles build here without
 * a registry (see `src/local/runtime/stand-in-image.ts`). Made once per test process; an image of
 * that name not made by Wharf (a real one) is used as it is.
 */

import { ensureStandInBaseImage, STAND_IN_IMAGES } from '../../src/local/runtime/stand-in-image.js';

let pending: Promise<void> | undefined;

/** Makes sure every base image the examples and fixtures use is on the Docker host. */
export function ensureTestBaseImages(): Promise<void> {
  pending ??= (async () => {
    for (const image of STAND_IN_IMAGES) await ensureStandInBaseImage(image);
  })();
  return pending;
}
