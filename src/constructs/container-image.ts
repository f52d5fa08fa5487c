/**
 * What a container runs: an image from a registry, or one built from a folder with a Dockerfile.
 *
 * A folder becomes a CDK Docker image asset (`aws-cdk-lib/aws-ecr-assets`), so the cloud
 * assembly's asset manifest (`<Stack>.assets.json`, `dockerImages`) carries the build (folder,
 * Dockerfile, build arguments, target, platform) and the CDK toolchain builds and publishes it to
 * the bootstrap stack's ECR repository, tagged with the asset's content hash. The task definition
 * references that tag. Peers: CDK `ecs.ContainerImage.fromAsset`, SST `image.context`, Copilot
 * `image.build`.
 */

import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Token } from 'aws-cdk-lib';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import type { Construct } from 'constructs';
import { PropsValidationError } from '../errors.js';
import type { PropsOwner } from './validate.js';

/** A Linux platform Fargate runs: `linux/amd64` (X86_64) or `linux/arm64` (ARM64, Graviton). */
export type ImagePlatform = 'linux/amd64' | 'linux/arm64';

/** The image platform of each Fargate CPU architecture. */
export const PLATFORM_OF_ARCHITECTURE: Readonly<Record<'X86_64' | 'ARM64', ImagePlatform>> = {
  X86_64: 'linux/amd64',
  ARM64: 'linux/arm64',
};

/**
 * An image built from a folder with a Dockerfile: a CDK Docker image asset, built and pushed to
 * the CDK bootstrap stack's ECR repository by `wharf deploy` (or `cdk deploy`), tagged with the
 * hash of the folder's content and of these options.
 *
 * @example { directory: 'app' }
 * @example { directory: 'services/orders', file: 'docker/Dockerfile.prod', target: 'runtime', buildArgs: { NODE_VERSION: '20' } }
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ecr_assets.DockerImageAsset.html
 */
export interface ImageFromDirectory {
  /**
   * The build context: a folder with a Dockerfile. A relative path is resolved from the CDK app's
   * folder: the nearest folder holding `cdk.json` at or above the folder the app runs in (the CDK
   * CLI and Wharf run the app in the folder of its `cdk.json`), else the folder the app runs in.
   * Absolute paths are used as they are. Its `.dockerignore` applies: ignored files are neither
   * hashed nor sent to Docker.
   * @example 'app'
   */
  readonly directory: string;
  /**
   * The Dockerfile, relative to `directory` and inside it (the CDK toolchain copies only
   * `directory` into the cloud assembly).
   * @default 'Dockerfile'
   * @example 'docker/Dockerfile.prod'
   */
  readonly file?: string;
  /**
   * Build arguments (`docker build --build-arg NAME=value`), for the Dockerfile's `ARG`s. Names
   * are letters, digits and underscores, not starting with a digit. They are part of the image
   * tag's hash, so changing one rebuilds. Not for secrets: they stay in the image's history.
   * @default - none
   * @example { NODE_VERSION: '20' }
   */
  readonly buildArgs?: Record<string, string>;
  /**
   * The build stage to stop at (`docker build --target`), for multi-stage Dockerfiles.
   * @default - the last stage
   * @example 'runtime'
   */
  readonly target?: string;
  /**
   * The platform to build for. Must match the service's `cpuArchitecture`: Fargate cannot run an
   * arm64 image on X86_64 (or the reverse), and the task stops with `exec format error`.
   * @default - the platform of `cpuArchitecture`: `linux/amd64` for X86_64, `linux/arm64` for ARM64
   * @example 'linux/arm64'
   */
  readonly platform?: ImagePlatform;
}

/** A registry reference (`repository[:tag][@digest]`) or a folder to build. */
export type ContainerImageSource = string | ImageFromDirectory;

/** A container image after defaults and checks. */
export type NormalizedImage =
  | {
      readonly kind: 'registry';
      /** The reference as given, e.g. `public.ecr.aws/docker/library/nginx:1.28.0`. */
      readonly reference: string;
    }
  | {
      readonly kind: 'directory';
      /** Absolute path of the build context. */
      readonly directory: string;
      /** The Dockerfile, relative to `directory`. */
      readonly file: string;
      readonly buildArgs: Readonly<Record<string, string>>;
      readonly target?: string;
      readonly platform: ImagePlatform;
    };

const DIRECTORY_KEYS = ['directory', 'file', 'buildArgs', 'target', 'platform'] as const;
const PLATFORMS: readonly ImagePlatform[] = ['linux/amd64', 'linux/arm64'];
// A Dockerfile ARG is referenced as ${NAME}; other characters would not substitute.
const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Docker's rule for a stage name (`FROM … AS name`), matched case-insensitively by Docker.
const STAGE_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/**
 * The CDK app's folder: the nearest folder at or above `start` that holds `cdk.json`, else
 * `start` itself. Relative `image.directory` paths are resolved from it.
 *
 * @example findCdkAppDirectory('/home/me/orders/infra/lib') // '/home/me/orders/infra' when infra/cdk.json exists
 */
export function findCdkAppDirectory(start: string = process.cwd()): string {
  const from = resolve(start);
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'cdk.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/**
 * Checks a container image prop and applies defaults. A registry reference must be non-empty and
 * without spaces. A folder must exist and hold the Dockerfile (`file`, inside the folder); build
 * argument names and the target must be valid, and the platform must match `cpuArchitecture`
 * (it follows it when not given). Reads the file system (existence only) and changes nothing.
 *
 * @param appDirectory - where relative folders are resolved from. @default - {@link findCdkAppDirectory}
 * @throws {@link PropsValidationError} naming `image…`, the value and the path looked at.
 * @example
 * normalizeContainerImage('Orders/Api/Service', { directory: 'app' }, 'ARM64', '/home/me/orders')
 * // → { kind: 'directory', directory: '/home/me/orders/app', file: 'Dockerfile', buildArgs: {}, platform: 'linux/arm64' }
 */
export function normalizeContainerImage(
  owner: PropsOwner,
  image: ContainerImageSource,
  cpuArchitecture: 'X86_64' | 'ARM64',
  appDirectory?: string,
): NormalizedImage {
  const fail = (prop: string, message: string): never => {
    throw new PropsValidationError(pathOf(owner), prop, message);
  };
  if (typeof image === 'string') {
    if (!Token.isUnresolved(image) && (image.trim() === '' || /\s/.test(image))) {
      fail(
        'image',
        `got ${JSON.stringify(image)}; allowed: an image reference without spaces, e.g. 'public.ecr.aws/docker/library/nginx:1.28.0', or a folder to build: { directory: 'app' }.`,
      );
    }
    return { kind: 'registry', reference: image };
  }
  if (typeof image !== 'object' || image === null || Array.isArray(image)) {
    return fail(
      'image',
      `got ${describe(image)}; allowed: an image reference such as 'public.ecr.aws/docker/library/nginx:1.28.0', or a folder to build: { directory: 'app' }.`,
    );
  }
  const unknown = Object.keys(image).filter((key) => !(DIRECTORY_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    fail(
      'image',
      `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; allowed keys: ${DIRECTORY_KEYS.join(', ')} (the build context is 'directory').`,
    );
  }

  const directory = requireText(fail, 'image.directory', image.directory, "a folder path, e.g. 'app'");
  const base = isAbsolute(directory) ? undefined : (appDirectory ?? findCdkAppDirectory());
  const absolute = base === undefined ? directory : resolve(base, directory);
  const whereFrom =
    base === undefined
      ? ''
      : ` (relative paths are resolved from the CDK app's folder ${base}, the nearest folder with cdk.json at or above the one the app runs in)`;
  if (!existsSync(absolute)) fail('image.directory', `no such folder: ${absolute}${whereFrom}.`);
  if (!statSync(absolute).isDirectory()) fail('image.directory', `${absolute} is not a folder${whereFrom}.`);

  const file = requireText(
    fail,
    'image.file',
    image.file ?? 'Dockerfile',
    "a path inside image.directory, e.g. 'Dockerfile'",
  );
  const dockerfile = resolve(absolute, file);
  if (isAbsolute(file) || !isInside(absolute, dockerfile)) {
    fail(
      'image.file',
      `got '${file}', which is not inside image.directory (${absolute}); allowed: a path relative to it, such as 'Dockerfile' or 'docker/Dockerfile.prod' (the CDK toolchain copies only that folder into the cloud assembly).`,
    );
  }
  if (!existsSync(dockerfile) || !statSync(dockerfile).isFile()) {
    fail('image.file', `no Dockerfile at ${dockerfile}; add one, or name yours with image.file.`);
  }
  if (!isInside(realpathSync(absolute), realpathSync(dockerfile))) {
    fail('image.file', `${dockerfile} is a link to a file outside image.directory (${absolute}).`);
  }

  const buildArgs: Record<string, string> = {};
  const givenArgs: unknown = image.buildArgs ?? {};
  if (typeof givenArgs !== 'object' || givenArgs === null || Array.isArray(givenArgs)) {
    fail(
      'image.buildArgs',
      `got ${describe(givenArgs)}; allowed: an object of names to string values, e.g. { NODE_VERSION: '20' }.`,
    );
  }
  for (const [name, value] of Object.entries(givenArgs as Record<string, unknown>)) {
    if (!BUILD_ARG_NAME.test(name)) {
      fail(
        'image.buildArgs',
        `build argument name ${JSON.stringify(name)} is not allowed; allowed: letters, digits and underscores, not starting with a digit (a Dockerfile ARG name).`,
      );
    }
    if (typeof value !== 'string' || Token.isUnresolved(value)) {
      fail(
        `image.buildArgs.${name}`,
        `got ${describe(value)}; allowed: a string known when the app is synthesized (the image is built before deployment).`,
      );
    }
    buildArgs[name] = value as string;
  }

  let target: string | undefined;
  if (image.target !== undefined) {
    target = requireText(fail, 'image.target', image.target, "a build stage name, e.g. 'runtime'");
    if (!STAGE_NAME.test(target)) {
      fail(
        'image.target',
        `got ${JSON.stringify(target)}; allowed: a Dockerfile stage name (a letter, then letters, digits, '_', '.', '-').`,
      );
    }
  }

  const expected = PLATFORM_OF_ARCHITECTURE[cpuArchitecture];
  if (expected === undefined) {
    fail(
      'image.platform',
      `cannot follow cpuArchitecture ${describe(cpuArchitecture)}; set cpuArchitecture to 'X86_64' or 'ARM64'.`,
    );
  }
  const platform = image.platform ?? expected;
  if (!PLATFORMS.includes(platform)) {
    fail(
      'image.platform',
      `got ${describe(platform)}; allowed: ${PLATFORMS.map((p) => `'${p}'`).join(', ')}.`,
    );
  }
  if (platform !== expected) {
    fail(
      'image.platform',
      `got '${platform}' with cpuArchitecture '${cpuArchitecture}'; allowed: '${expected}' (Fargate runs ${cpuArchitecture} tasks on ${expected} images only), or leave platform out: it follows cpuArchitecture.`,
    );
  }
  return { kind: 'directory', directory: absolute, file, buildArgs, target, platform };
}

/**
 * The value of the container definition's `Image`: the registry reference, or, for a folder, a
 * new Docker image asset `Image` under `scope` whose URI (the bootstrap ECR repository, tagged
 * with the asset hash) the task definition references.
 *
 * @returns the image URI and, for a folder, the asset.
 */
export function createContainerImage(
  scope: Construct,
  image: NormalizedImage,
  serviceName: string,
): { readonly imageUri: string; readonly asset?: DockerImageAsset } {
  if (image.kind === 'registry') return { imageUri: image.reference };
  const asset = new DockerImageAsset(scope, 'Image', {
    directory: image.directory,
    file: image.file,
    buildArgs: Object.keys(image.buildArgs).length > 0 ? { ...image.buildArgs } : undefined,
    target: image.target,
    platform: image.platform === 'linux/arm64' ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
    displayName: `${serviceName} image`,
  });
  return { imageUri: asset.imageUri, asset };
}

function requireText(
  fail: (prop: string, message: string) => never,
  prop: string,
  value: unknown,
  allowed: string,
): string {
  if (typeof value === 'string' && Token.isUnresolved(value)) {
    return fail(
      prop,
      `got a token; allowed: ${allowed}, known when the app is synthesized (the image is built before deployment).`,
    );
  }
  if (typeof value !== 'string' || value.trim() === '' || value.includes('\0')) {
    return fail(prop, `got ${describe(value)}; allowed: ${allowed}.`);
  }
  return value;
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel.split(sep)[0] !== '..' && !isAbsolute(rel);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function pathOf(owner: PropsOwner): string {
  return typeof owner === 'string' ? owner : owner.node.path;
}
