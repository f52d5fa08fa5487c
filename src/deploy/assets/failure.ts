/**
 * What went wrong when an image could not be built or published, and what to do about it: pure
 * functions over the message cdk-assets reported (its error's message, which for a failed
 * `docker` command is the command line, its exit code and Docker's own stderr).
 *
 * @module
 */

import { ImageAssetError } from '../errors.js';
import type { ImageAsset } from './manifest.js';

/**
 * The step that failed:
 * - `docker`: no docker CLI, or no daemon answering it;
 * - `build`: `docker build` (the Dockerfile or the build context);
 * - `login`: `docker login` to the registry ECR's `GetAuthorizationToken` named;
 * - `push`: `docker push` (the registry refused or could not be reached);
 * - `repository`: the bootstrap stack's ECR repository does not exist;
 * - `publish`: anything else (an ECR API call, a role that could not be assumed).
 */
export type ImageFailureStage = 'docker' | 'build' | 'login' | 'push' | 'repository' | 'publish';

/**
 * The step a cdk-assets failure message is about.
 *
 * @example
 * classifyImageFailure('docker push 127.0.0.1:5000/r:ab12 exited with error code 1: …') // 'push'
 * classifyImageFailure("No ECR repository named 'cdk-x' in account 1. Is this account bootstrapped?") // 'repository'
 */
export function classifyImageFailure(message: string): ImageFailureStage {
  if (/^Failed to find and execute '/.test(message)) return 'docker';
  if (/Cannot connect to the Docker daemon|error during connect/i.test(message)) return 'docker';
  const command = /^(\S*docker\S*|finch|podman)(?: --config \S+)? (login|push|build|tag)\b/.exec(
    message,
  )?.[2];
  if (command === 'login') return 'login';
  if (command === 'push') return 'push';
  if (command === 'build' || command === 'tag') return 'build';
  if (/^No ECR repository named /.test(message)) return 'repository';
  return 'publish';
}

/** An image (or, when it cannot be told which, an asset) that failed. */
export interface ImageFailure {
  /** The image, when the failure could be attributed to one. */
  readonly asset?: ImageAsset;
  /** The image URI it was being pushed to, when known. */
  readonly imageUri?: string;
  readonly stage: ImageFailureStage;
  /** cdk-assets' message: for a `docker` command, the command, its exit code and Docker's stderr. */
  readonly message: string;
}

/** What {@link imageFailureNextSteps} needs to know. */
export interface ImageFailureContext {
  /** The image's name in the app, e.g. `Orders/Image`. */
  readonly name: string;
  /** Where it was pushed, when known. */
  readonly imageUri?: string;
  /** @default '<account>' */
  readonly account?: string;
  /** @default '<region>' */
  readonly region?: string;
}

/**
 * The next steps for a failed image, one command or sentence each.
 *
 * @example
 * imageFailureNextSteps('push', { name: 'Image', imageUri: '1.dkr.ecr.eu-west-1.amazonaws.com/r:ab', account: '1', region: 'eu-west-1' })
 * // ['docker push 1.dkr.ecr.eu-west-1.amazonaws.com/r:ab   (the image is built and tagged locally: …)', …]
 */
export function imageFailureNextSteps(stage: ImageFailureStage, context: ImageFailureContext): string[] {
  const account = context.account ?? '<account>';
  const region = context.region ?? '<region>';
  const host = context.imageUri?.split('/')[0] ?? `${account}.dkr.ecr.${region}.amazonaws.com`;
  const again = 'then run wharf deploy again';
  switch (stage) {
    case 'docker':
      return [
        'start Docker (the daemon must answer `docker version`), or install it: the docker CLI and a daemon',
        `${again} (CDK_DOCKER=<cli> uses another Docker-compatible client, e.g. finch or podman)`,
      ];
    case 'build':
      return [
        `fix the Dockerfile or the build context of image ${context.name} (Docker's message above names the step)`,
        `${again}; \`docker build <your image folder>\` shows the same error without deploying`,
      ];
    case 'login':
      return [
        `aws ecr get-login-password --region ${region} | docker login --username AWS --password-stdin ${host}   (shows the registry's answer; the Docker daemon needs network access to it)`,
        again,
      ];
    case 'push':
      return [
        `docker push ${context.imageUri ?? '<image URI>'}   (the image is built and tagged locally: this repeats the push and shows the registry's answer)`,
        `${again} (the build is cached: only the push runs again)`,
      ];
    case 'repository':
      return [
        `wharf bootstrap aws://${account}/${region}   (the bootstrap stack creates the ECR repository images are pushed to)`,
      ];
    case 'publish':
      return [
        'check that your credentials may assume the bootstrap image-publishing role (cdk-<qualifier>-image-publishing-role-…) and use ECR',
        again,
      ];
  }
}

const STAGE_WORDS: Record<ImageFailureStage, string> = {
  docker: 'running Docker for',
  build: 'building',
  login: 'logging in to the registry for',
  push: 'pushing',
  repository: 'finding the repository for',
  publish: 'publishing',
};

/**
 * The deploy's error for the first failure: which image, which step, the message Docker or the
 * registry gave (kept whole: it names the Dockerfile step or the registry's answer), and the
 * next steps.
 *
 * @example
 * imageAssetError({ stage: 'push', message: 'docker push … exited with error code 1: denied', … }, { account: '1', region: 'us-east-1' }).message
 * // "pushing image 'Image' to …:ab12 failed; the stacks that use it were not deployed:\n  docker push … exited with error code 1: denied\nNext: …"
 */
export function imageAssetError(
  failure: ImageFailure,
  context: { readonly account?: string; readonly region?: string },
  cause?: unknown,
): ImageAssetError {
  const name = failure.asset?.name;
  const what = name ? `image '${name}'` : 'an asset';
  const where = failure.imageUri && failure.stage !== 'build' ? ` to ${failure.imageUri}` : '';
  const detail = failure.message
    .trim()
    .split('\n')
    .map((line) => `  ${line.trimEnd()}`)
    .join('\n');
  return new ImageAssetError(
    failure.stage,
    `${STAGE_WORDS[failure.stage]} ${what}${where} failed; the stacks that use it were not deployed:\n${detail}`,
    imageFailureNextSteps(failure.stage, {
      name: name ?? 'the image',
      ...(failure.imageUri ? { imageUri: failure.imageUri } : {}),
      ...context,
    }),
    cause,
  );
}
