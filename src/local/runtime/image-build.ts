/**
 * Building a container's image from its folder with Docker (`POST /build` through dockerode), as
 * `wharf dev` does for the CDK app's Docker image assets before tasks start.
 *
 * Images are tagged by content: `wharf-local/<service>:<first 12 hex of the context hash>` (see
 * `build-context.ts`), so an unchanged folder is not built again, by this run or the next. The
 * build context is the folder after `.dockerignore`. BuildKit builds it (API `version=2`, about three
 * times faster than the classic builder for a changed source file: no container per metadata step),
 * falling back to the classic builder when the daemon cannot. Output is streamed line by line with
 * the service name as prefix; a failure names the Dockerfile line (from Docker's message, or the
 * failed step's instruction).
 *
 * Images carry the label `wharf.local=<content hash>`; list them with
 * `docker images --filter label=wharf.local`.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { WharfError } from '../../errors.js';
import { type IoHost, SILENT_IO } from '../../io/io-host.js';
import type { ContainerBuildSpec } from '../ecs/types.js';
import { type BuildContext, hashBuildContext, listBuildContext, packBuildContext } from './build-context.js';
import {
  type BuildPosition,
  dockerfileInstructions,
  failedInstruction,
  LineSplitter,
  stepNumber,
  stripAnsi,
} from './build-output.js';
import { BuildkitProgress, decodeBuildkitStatus } from './buildkit-status.js';
import { errorText, statusCode } from './docker-image.js';

/** Label on every image Wharf builds for `wharf dev`; its value is the full content hash of the build. */
export const LOCAL_IMAGE_LABEL = 'wharf.local';

/** A build failed: Docker's message, and where in the Dockerfile. `wharf dev` exits 1. */
export class ImageBuildError extends WharfError {
  /** The exit code of the CLI: the user's code failed to build, as a compiler error would. */
  readonly exitCode = 1;
  constructor(
    message: string,
    /** The Dockerfile line that failed, when known. */
    readonly dockerfileLine?: number,
    options: { cause?: unknown } = {},
  ) {
    super('WHARF_IMAGE_BUILD_FAILED', message, options);
  }
}

/** The local tag for a service's image: `wharf-local/<service>:<hash12>` (names lower-cased to what Docker allows). */
export function localImageTag(serviceName: string, contextHash: string): string {
  const repository =
    serviceName
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'service';
  return `wharf-local/${repository}:${contextHash.slice(0, 12)}`;
}

/** Which image to build, for whom. */
export interface ImageBuildRequest {
  readonly spec: ContainerBuildSpec;
  readonly serviceName: string;
  readonly containerName: string;
}

/** The outcome of {@link ImageBuilder.build}. */
export interface BuiltImage {
  readonly tag: string;
  readonly contextHash: string;
  /** False when an image with this content hash was already there. */
  readonly built: boolean;
  readonly durationMs: number;
}

/** One event of the build stream. */
interface BuildEvent {
  readonly id?: string;
  readonly aux?: unknown;
  readonly stream?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

/** The build context of a spec and its content hash (no Docker involved). */
export async function hashImageBuild(
  spec: ContainerBuildSpec,
): Promise<{ context: BuildContext; contextHash: string }> {
  const context = await listBuildContext(spec.directory, spec.file ?? 'Dockerfile');
  return { context, contextHash: await hashBuildContext(context, spec) };
}

/** Why a build failed, and where the builder was. */
interface BuildFailure {
  readonly message: string;
  readonly position?: BuildPosition;
  readonly cause?: unknown;
  /** The daemon cannot build with BuildKit through the API: try the classic builder. */
  readonly unsupported?: boolean;
}

/** Docker's message says a base image could not be fetched: say how to build offline. */
function hintFor(message: string): string {
  if (
    !/pull access denied|failed to resolve|failed to do request|no such host|dial tcp|lookup .* on|manifest unknown/i.test(
      message,
    )
  ) {
    return '';
  }
  return (
    ". Nothing could be pulled: put the base image on this machine first, e.g. 'docker pull <image>' " +
    "or, without registry access, Wharf's stand-ins for node:<tag> ('npx tsx scripts/build-stand-in-images.ts node:<tag>')"
  );
}

/** Hashes and builds asset images through one Docker client; identical builds in flight are shared. */
export class ImageBuilder {
  private readonly io: IoHost;
  private readonly inFlight = new Map<string, Promise<BuiltImage>>();

  constructor(
    private readonly docker: Docker,
    io: IoHost = SILENT_IO,
  ) {
    this.io = io;
  }

  /** Builds the image unless an image with the same content hash exists; resolves its tag. */
  async build(request: ImageBuildRequest): Promise<BuiltImage> {
    const started = Date.now();
    const { context, contextHash } = await hashImageBuild(request.spec);
    const tag = localImageTag(request.serviceName, contextHash);
    const key = `${tag} ${contextHash}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.buildTag(request, context, contextHash, tag, started).finally(() =>
        this.inFlight.delete(key),
      );
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async buildTag(
    request: ImageBuildRequest,
    context: BuildContext,
    contextHash: string,
    tag: string,
    started: number,
  ): Promise<BuiltImage> {
    const service = request.serviceName;
    if (await this.isCurrent(tag, contextHash)) {
      this.io.notify({
        level: 'info',
        code: 'WHARF_IMAGE_CURRENT',
        message: `${service}: image ${tag} is up to date (build context unchanged); not rebuilt`,
        data: { service, container: request.containerName, tag, contextHash },
      });
      return { tag, contextHash, built: false, durationMs: Date.now() - started };
    }
    const dockerfile = join(context.dir, context.dockerfile);
    this.io.notify({
      level: 'info',
      code: 'WHARF_IMAGE_BUILD_START',
      message: `${service}: building ${tag} from ${dockerfile}`,
      data: { service, container: request.containerName, tag, contextHash, directory: context.dir },
    });
    const instructions = dockerfileInstructions(readFileSync(dockerfile, 'utf8'));
    let failure = await this.run(request, context, tag, contextHash, 'buildkit');
    if (failure?.unsupported) {
      this.io.notify({
        level: 'info',
        code: 'WHARF_IMAGE_BUILD_CLASSIC',
        message: `${service}: BuildKit is not available through this Docker daemon (${failure.message}); using the classic builder`,
      });
      failure = await this.run(request, context, tag, contextHash, 'classic');
    }
    if (failure) {
      const at = failedInstruction(failure.message, instructions, failure.position);
      const where = at ? `${dockerfile}:${at.line}${at.text ? ` (${at.text})` : ''}` : dockerfile;
      throw new ImageBuildError(
        `the image of service '${service}' (container '${request.containerName}') did not build: ${where}: ${failure.message}${hintFor(failure.message)}`,
        at?.line,
        { cause: failure.cause },
      );
    }
    const durationMs = Date.now() - started;
    this.io.notify({
      level: 'info',
      code: 'WHARF_IMAGE_BUILT',
      message: `${service}: built ${tag} in ${(durationMs / 1000).toFixed(1)} s`,
      data: { service, container: request.containerName, tag, contextHash, durationMs },
    });
    return { tag, contextHash, built: true, durationMs };
  }

  /** One `POST /build`; resolves the failure, if any, with where the builder was. */
  private async run(
    request: ImageBuildRequest,
    context: BuildContext,
    tag: string,
    contextHash: string,
    builder: 'buildkit' | 'classic',
  ): Promise<BuildFailure | undefined> {
    const { spec, serviceName: service, containerName: container } = request;
    const emit = (line: string) => {
      const clean = stripAnsi(line);
      this.io.notify({
        level: 'info',
        code: 'WHARF_IMAGE_BUILD_OUTPUT',
        message: `${service} | ${clean}`,
        data: { service, container, line: clean },
      });
      return clean;
    };
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.buildImage(packBuildContext(context) as unknown as NodeJS.ReadableStream, {
        t: tag,
        dockerfile: context.dockerfile,
        ...(builder === 'buildkit' ? { version: '2' } : { rm: true, forcerm: true }),
        ...(spec.buildArgs ? { buildargs: spec.buildArgs } : {}),
        ...(spec.target ? { target: spec.target } : {}),
        ...(spec.platform ? { platform: spec.platform } : {}),
        // One label: the classic builder adds a step (a container) per label.
        labels: { [LOCAL_IMAGE_LABEL]: contextHash },
      });
    } catch (error) {
      const message = errorText(error);
      const unsupported =
        builder === 'buildkit' && /buildkit|session/i.test(message) && !/line \d+/.test(message);
      return { message, cause: error, unsupported };
    }
    const lines = new LineSplitter();
    const progress = new BuildkitProgress();
    let step: number | undefined;
    const failure = await new Promise<string | undefined>((resolve) => {
      this.docker.modem.followProgress(
        stream,
        (error: Error | null) => {
          for (const line of lines.flush()) emit(line);
          resolve(error ? errorText(error) : undefined);
        },
        (event: BuildEvent) => {
          if (event.id === 'moby.buildkit.trace' && typeof event.aux === 'string') {
            try {
              for (const line of progress.push(decodeBuildkitStatus(event.aux))) emit(line);
            } catch {
              // A status this reader cannot decode: the build goes on, only its log line is lost.
            }
          } else if (typeof event.stream === 'string') {
            for (const line of lines.push(event.stream)) step = stepNumber(emit(line)) ?? step;
          }
          const message = event.errorDetail?.message ?? event.error;
          if (message) {
            for (const line of lines.flush()) emit(line);
            resolve(message.trim());
          }
        },
      );
    });
    if (failure === undefined) return undefined;
    // BuildKit's last message is often a consequence (a cancelled sibling step); its failed step says more.
    const own = progress.failed;
    return {
      message: own && !failure.includes(own.error) ? `${own.error} (${failure})` : failure,
      position: { step, vertexName: own?.name, target: spec.target },
    };
  }

  private async isCurrent(tag: string, contextHash: string): Promise<boolean> {
    try {
      const info = await this.docker.getImage(tag).inspect();
      return info.Config?.Labels?.[LOCAL_IMAGE_LABEL] === contextHash;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  }
}
