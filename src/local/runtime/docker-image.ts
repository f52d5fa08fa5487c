/**
 * Making sure a container's image is on this machine: use it when present, else pull it with
 * progress. Fidelity: ECS pulls every image at task start (`PullStartedAt`/`PullStoppedAt`);
 * locally an image already present is used as-is (like the agent's `prefer-cached` pull
 * behaviour), so locally built or tagged images work without a registry.
 */

import type Docker from 'dockerode';
import { WharfError } from '../../errors.js';
import { type IoHost, SILENT_IO } from '../../io/io-host.js';
import { withDefaultTag } from './docker-container-config.js';

/** One pull progress event as the Docker API streams it. */
interface PullEvent {
  readonly status?: string;
  readonly id?: string;
  readonly progress?: string;
  readonly error?: string;
}

/** Where pull progress goes. */
export interface PullReporting {
  readonly io?: IoHost;
  /** Called with one line per layer status change, e.g. `nginx:1.27: a2abf6c4d29d: Download complete`. */
  readonly pullProgress?: (message: string) => void;
}

/** True when the image (tag or digest) is on the Docker host. */
export async function imageExists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (statusCode(error) === 404) return false;
    throw error;
  }
}

/**
 * Pulls `image` unless it is present. Rejects with `WHARF_IMAGE_UNAVAILABLE` (naming the image,
 * the container and how to provide the image locally) when the pull fails.
 */
export async function ensureImage(
  docker: Docker,
  image: string,
  containerName: string,
  reporting: PullReporting = {},
): Promise<void> {
  if (await imageExists(docker, image)) return;
  const io = reporting.io ?? SILENT_IO;
  const ref = withDefaultTag(image);
  const report = (message: string, data: unknown) => {
    reporting.pullProgress?.(message);
    io.notify({ level: 'info', code: 'WHARF_IMAGE_PULL', message, data });
  };
  report(`Pulling ${ref} (container '${containerName}'): not on this machine`, { image: ref });
  try {
    const stream = await docker.pull(ref);
    const lastStatus = new Map<string, string>();
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null, output: PullEvent[]) => {
          const failed = error ?? output.find((event) => event.error);
          if (failed) reject(failed instanceof Error ? failed : new Error(String(failed.error)));
          else resolve();
        },
        (event: PullEvent) => {
          if (!event.status) return;
          const key = event.id ?? '';
          if (lastStatus.get(key) === event.status) return;
          lastStatus.set(key, event.status);
          report(`${ref}: ${event.id ? `${event.id}: ` : ''}${event.status}`, { image: ref, ...event });
        },
      );
    });
  } catch (error) {
    throw new WharfError(
      'WHARF_IMAGE_UNAVAILABLE',
      `Image '${image}' of container '${containerName}' is not on this machine and could not be pulled: ` +
        `${errorText(error)}. Build or tag it locally, e.g. 'docker build -t ${ref} <folder with the Dockerfile>' ` +
        `or 'docker tag <an image you have> ${ref}', then start again.`,
      { cause: error },
    );
  }
  report(`Pulled ${ref}`, { image: ref, done: true });
}

/** The HTTP status of a Docker API error, if any. */
export function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The daemon's message of a Docker API error (`json.message`), else the error message. */
export function errorText(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  if (error instanceof Error) return error.message.replace(/^\(HTTP code \d+\)\s*/, '').trim();
  return String(error);
}
