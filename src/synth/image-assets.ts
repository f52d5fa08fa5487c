/**
 * Docker image assets of a synthesized CDK app, read from its asset manifests
 * (`<Stack>.assets.json`, section `dockerImages`): what to build (folder, Dockerfile, build
 * arguments, target, platform) and the tag the templates reference.
 *
 * Schema: https://github.com/aws/aws-cdk-cli/blob/main/packages/%40aws-cdk/cloud-assembly-schema/lib/assets/docker-image-asset.ts
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TemplateError } from '../errors.js';

/** One Docker image asset: how to build it, and the tags its destinations give it. */
export interface DockerImageAssetSource {
  /** The asset id (the hash of its source and build options). */
  readonly id: string;
  /** The CDK's name for it, e.g. `web image`. */
  readonly displayName?: string;
  /**
   * Absolute path of the build context: the app's own folder when the app was synthesized with
   * `aws:cdk:disable-asset-staging`, else the staged copy inside the cloud assembly.
   */
  readonly directory?: string;
  /** The Dockerfile, relative to `directory`. @default 'Dockerfile' */
  readonly dockerFile?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly target?: string;
  /** e.g. `linux/arm64`. */
  readonly platform?: string;
  /** `docker build --network`, e.g. `host`. */
  readonly networkMode?: string;
  /** Source options Wharf does not render as `docker build` flags (secrets, SSH, cache, an executable, …). */
  readonly unsupported: readonly string[];
  /** The `imageTag` of each destination (the templates reference `<repository>:<tag>`). */
  readonly imageTags: readonly string[];
  /** The asset manifest it was read from. */
  readonly manifest: string;
}

const RENDERED = new Set([
  'directory',
  'dockerFile',
  'dockerBuildArgs',
  'dockerBuildTarget',
  'platform',
  'networkMode',
]);

interface ManifestImage {
  displayName?: string;
  source?: Record<string, unknown>;
  destinations?: Record<string, { imageTag?: unknown }>;
}

/**
 * The Docker image assets of every asset manifest in `dir` (the folder of a stack's template in
 * the cloud assembly). `[]` when there are none.
 *
 * @throws {@link TemplateError} when an asset manifest is not valid JSON.
 */
export function readDockerImageAssets(dir: string): DockerImageAssetSource[] {
  if (!existsSync(dir)) return [];
  const assets: DockerImageAssetSource[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.assets.json'))
    .sort()) {
    const manifest = join(dir, name);
    let parsed: { dockerImages?: Record<string, ManifestImage> };
    try {
      parsed = JSON.parse(readFileSync(manifest, 'utf8'));
    } catch (error) {
      throw new TemplateError(
        { file: manifest },
        `asset manifest is not valid JSON (${(error as Error).message}).`,
        {
          cause: error,
        },
      );
    }
    for (const [id, image] of Object.entries(parsed.dockerImages ?? {})) {
      const source = image.source ?? {};
      const text = (key: string) => (typeof source[key] === 'string' ? (source[key] as string) : undefined);
      const args = source.dockerBuildArgs;
      const directory = text('directory');
      assets.push({
        id,
        displayName: image.displayName,
        directory: directory === undefined ? undefined : resolve(dir, directory),
        dockerFile: text('dockerFile'),
        buildArgs:
          typeof args === 'object' && args !== null && !Array.isArray(args)
            ? Object.fromEntries(Object.entries(args).map(([k, v]) => [k, String(v)]))
            : {},
        target: text('dockerBuildTarget'),
        platform: text('platform'),
        networkMode: text('networkMode'),
        unsupported: Object.keys(source).filter((key) => !RENDERED.has(key)),
        imageTags: Object.values(image.destinations ?? {})
          .map((d) => d.imageTag)
          .filter((tag): tag is string => typeof tag === 'string'),
        manifest,
      });
    }
  }
  return assets;
}
