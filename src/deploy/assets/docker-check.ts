/**
 * Before a deploy with container images: the Docker CLI the toolkit will run (`CDK_DOCKER`, else
 * `docker`) must be installed and its daemon must answer, or the deploy stops before any AWS call
 * with what to do.
 *
 * @module
 */

import { execFile } from 'node:child_process';
import { ImageAssetError } from '../errors.js';
import { imageFailureNextSteps } from './failure.js';
import type { ImageAsset } from './manifest.js';

/** How long `docker version` may take. */
const TIMEOUT_MS = 15_000;

/**
 * Runs `<docker> version --format {{.Server.Version}}`; resolves the daemon's version.
 * @throws {@link ImageAssetError} (stage `docker`) naming the images that need Docker and why it failed.
 */
export async function checkDocker(assets: readonly ImageAsset[]): Promise<string> {
  const cli = process.env.CDK_DOCKER ?? 'docker';
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile(
        cli,
        ['version', '--format', '{{.Server.Version}}'],
        { timeout: TIMEOUT_MS, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (error) reject(Object.assign(error, { stderr }));
          else resolve(stdout.trim());
        },
      );
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
    const why =
      e.code === 'ENOENT'
        ? `'${cli}' is not installed (or not on PATH)`
        : e.killed
          ? `'${cli} version' did not answer within ${TIMEOUT_MS / 1000} s`
          : `'${cli} version' failed: ${(e.stderr ?? '').trim().split('\n').at(-1) || e.message}`;
    const names = assets.map((asset) => asset.name).join(', ');
    throw new ImageAssetError(
      'docker',
      `the app has ${assets.length} container image(s) to build and push (${names}), which needs Docker: ${why}. Nothing was deployed.`,
      imageFailureNextSteps('docker', { name: names }),
      error,
    );
  }
}
