/**
 * Choosing the task runtime: Docker when its daemon answers, else local processes (`auto`, only
 * when the task definitions are the user's own), or the one the user asked for.
 *
 * The process runtime runs commands the task definitions carry (`wharf:local:command`) on this
 * machine. For a CDK app that is the user's own code, which Wharf already runs to synthesize, so
 * `auto` may fall back to it. A template (`--template`) may come from anywhere: `auto` never falls
 * back for it, and says that `--runtime process` is how the user consents.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { isWharfError, WharfError } from '../../errors.js';
import type { IoHost } from '../../io/io-host.js';
import { DockerRuntime } from './docker.js';
import { ensureImage, errorText, imageExists } from './docker-image.js';
import { baseImageUnavailable } from './dockerfile-base-images.js';
import { ProcessRuntime, type ProcessRuntimeOptions } from './process.js';
import type { TaskRuntime } from './types.js';

/** Options of {@link selectRuntime}. */
export interface SelectRuntimeOptions {
  /** The run id (container labels). */
  readonly runId: string;
  readonly io?: IoHost;
  /** The Docker client to probe and use. @default `new Docker()` (honours `DOCKER_HOST`) */
  readonly docker?: Docker;
  /** Image pull progress lines (Docker runtime). */
  readonly pullProgress?: (message: string) => void;
  /** Folder the process runtime runs commands in. @default `process.cwd()` */
  readonly workingDir?: string;
  /** Images the run needs: with Docker, those not on this machine are pulled before anything starts. */
  readonly images?: readonly string[];
  /** The container that uses each image, for messages. */
  readonly imageContainers?: Readonly<Record<string, string>>;
  /**
   * The base images (`FROM`) of the Dockerfiles Wharf builds, each with its Dockerfile and the
   * container built from it: with Docker they are pulled like {@link images}, and when one cannot
   * be, the message says which Dockerfile needs it and how to get it offline.
   */
  readonly baseImages?: Readonly<Record<string, { readonly dockerfile: string; readonly container: string }>>;
  /**
   * Whether every container has a local command. When `false`, `auto` without Docker fails with
   * `WHARF_DOCKER_UNAVAILABLE` instead of choosing a process runtime that could not start them.
   * @default true
   */
  readonly processReady?: boolean;
  /** How long the daemon has to answer a ping, in ms. @default 2000 */
  readonly pingTimeoutMs?: number;
  /**
   * Whether `auto` may fall back to the process runtime (when Docker is missing or an image cannot
   * be pulled): true only for the user's own task definitions (a CDK app). For a template, `auto`
   * rejects instead, naming `--runtime process` as the consent. @default false
   */
  readonly allowProcessFallback?: boolean;
  /** Docker runtime: keep the EFS volumes after the run (`--keep-volumes`). @default false */
  readonly keepVolumes?: boolean;
  /** More options of the process runtime, when it is chosen (`trusted`, `stateDir`). */
  readonly processOptions?: Pick<ProcessRuntimeOptions, 'trusted' | 'stateDir' | 'clock'>;
}

/**
 * The sentence that explains why `auto` does not run a template's commands, and how to consent.
 */
export const TEMPLATE_PROCESS_CONSENT =
  '--runtime auto does not fall back to the process runtime for a --template input: it would run ' +
  "commands the template carries (its 'wharf:local:command' metadata) on this machine. Start Docker " +
  '(or point DOCKER_HOST at a daemon) to run the images, or give --runtime process to consent to running ' +
  'those commands here (--process-command <container>=<command> runs a command of your own instead).';

/** The chosen runtime and a sentence saying why. */
export interface SelectedRuntime {
  readonly runtime: TaskRuntime;
  readonly reason: string;
}

/** Where the Docker client connects: its socket path, or `protocol://host:port`. */
export async function dockerAddress(docker: Docker): Promise<string> {
  const modem = docker.modem as {
    socketPath?: unknown;
    host?: string;
    port?: string | number;
    protocol?: string;
  };
  if (modem.host) return `${modem.protocol ?? 'http'}://${modem.host}${modem.port ? `:${modem.port}` : ''}`;
  let socket = modem.socketPath;
  if (typeof socket === 'function') socket = await (socket as () => Promise<string>)();
  return typeof socket === 'string' ? socket : (process.env.DOCKER_HOST ?? '/var/run/docker.sock');
}

/**
 * Pings the daemon; resolves `undefined` when it answers within `timeoutMs`, else the reason
 * (e.g. `connect ENOENT /var/run/docker.sock`).
 */
export async function pingDocker(docker: Docker, timeoutMs = 2000): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    await Promise.race([docker.ping(), timeout]);
    return undefined;
  } catch (error) {
    return errorText(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Picks the runtime. `auto`: Docker when the daemon answers a ping within 2 s and every image is
 * present or pullable; else processes when `allowProcessFallback` (and every container has a
 * local command); else it rejects (`WHARF_DOCKER_UNAVAILABLE` or `WHARF_IMAGE_UNAVAILABLE`) with
 * the reason and the flag that consents. `docker` without a daemon rejects with
 * `WHARF_DOCKER_UNAVAILABLE` and how to fix it.
 */
export async function selectRuntime(
  choice: 'docker' | 'process' | 'auto',
  options: SelectRuntimeOptions,
): Promise<SelectedRuntime> {
  const processRuntime = () =>
    new ProcessRuntime({
      ...options.processOptions,
      runId: options.runId,
      io: options.io,
      cwd: options.workingDir,
    });
  const fallback = options.allowProcessFallback === true;
  if (choice === 'process') return { runtime: processRuntime(), reason: 'asked for the process runtime' };

  const docker = options.docker ?? new Docker();
  const address = await dockerAddress(docker);
  const failure = await pingDocker(docker, options.pingTimeoutMs ?? 2000);
  if (failure === undefined) {
    const why = choice === 'docker' ? 'asked for Docker; ' : '';
    const missing = await missingImages(docker, [
      ...(options.images ?? []),
      ...Object.keys(options.baseImages ?? {}),
    ]);
    // Pull what is missing now, before anything starts: a task that cannot start is bad input.
    const unavailable = await pullAll(docker, missing, options);
    if (unavailable) {
      if (choice === 'auto' && !fallback) {
        throw new WharfError(unavailable.code, `${unavailable.message} ${TEMPLATE_PROCESS_CONSENT}`);
      }
      if (choice === 'auto' && options.processReady !== false) {
        return {
          runtime: processRuntime(),
          reason: `Docker daemon at ${address} answered, but: ${unavailable.message.replace(/\.$/, '')}; every container has a local command, so the process runtime runs them`,
        };
      }
      throw unavailable;
    }
    const runtime = new DockerRuntime({
      runId: options.runId,
      docker,
      io: options.io,
      pullProgress: options.pullProgress,
      keepVolumes: options.keepVolumes,
    });
    const pulled = missing.length === 0 ? '' : `; pulled ${missing.join(', ')}`;
    return { runtime, reason: `${why}Docker daemon at ${address} answered${pulled}` };
  }
  const fix =
    'Start Docker (e.g. `sudo systemctl start docker`, or Docker Desktop), point DOCKER_HOST at a daemon, ' +
    'or use the process runtime (--runtime process) with a local command per container ' +
    '(--process-command <container>=<command> or the wharf:local:command metadata).';
  if (choice === 'docker') {
    throw new WharfError(
      'WHARF_DOCKER_UNAVAILABLE',
      `Docker is not available at ${address}: ${failure}. ${fix}`,
    );
  }
  if (!fallback) {
    throw new WharfError(
      'WHARF_DOCKER_UNAVAILABLE',
      `No Docker daemon at ${address} (${failure}). ${TEMPLATE_PROCESS_CONSENT}`,
    );
  }
  if (options.processReady === false) {
    throw new WharfError(
      'WHARF_DOCKER_UNAVAILABLE',
      `No Docker daemon at ${address} (${failure}), and some containers have no local command for the process runtime. ${fix}`,
    );
  }
  const detail = failure.includes(address) ? failure : `${failure} (${address})`;
  return { runtime: processRuntime(), reason: `no Docker daemon: ${detail}` };
}

async function missingImages(docker: Docker, images: readonly string[] | undefined): Promise<string[]> {
  if (!images || images.length === 0) return [];
  const unique = [...new Set(images)];
  const present = await Promise.all(unique.map((image) => imageExists(docker, image).catch(() => false)));
  return unique.filter((_, index) => !present[index]);
}

/** Pulls each image; the first failure (a `WHARF_IMAGE_UNAVAILABLE` error) is returned, not thrown. */
async function pullAll(
  docker: Docker,
  images: readonly string[],
  options: SelectRuntimeOptions,
): Promise<WharfError | undefined> {
  for (const image of images) {
    try {
      const container = options.imageContainers?.[image] ?? options.baseImages?.[image]?.container;
      await ensureImage(docker, image, container ?? 'unknown', {
        io: options.io,
        pullProgress: options.pullProgress,
      });
    } catch (error) {
      const dockerfile = options.baseImages?.[image]?.dockerfile;
      if (isWharfError(error) && dockerfile) {
        const reason = errorText((error as { cause?: unknown }).cause ?? error);
        return new WharfError(error.code, baseImageUnavailable(image, dockerfile, reason, standInScript()), {
          cause: error,
        });
      }
      if (isWharfError(error)) return error;
      throw error;
    }
  }
  return undefined;
}

/** Wharf's stand-in script, when this Wharf is a checkout that has it (a packed copy does not). */
function standInScript(): string | undefined {
  // This file is src/local/runtime/ or dist/local/runtime/ of Wharf's folder.
  const script = fileURLToPath(new URL('../../../scripts/build-stand-in-images.ts', import.meta.url));
  return existsSync(script) ? script : undefined;
}
