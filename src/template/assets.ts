/**
 * Docker image assets of a CDK cloud assembly: the folders with a Dockerfile that a stack's images
 * are built from (`DockerImageAsset`, `ContainerImage.fromAsset`). Read from the stack's asset
 * manifest (`<stack>.assets.json`, section `dockerImages`), which the CDK toolchain builds and
 * publishes from; each entry says where the image is pushed (`repositoryName`, `imageTag`), which is
 * how a task definition's `Image` names it.
 *
 * Synthesized with the context `aws:cdk:disable-asset-staging` (as `wharf dev` does, like SAM CLI
 * for local runs), `directory` is the user's own source folder; otherwise it is the staged copy in
 * the assembly.
 */

import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { TemplateError } from '../errors.js';

/** Where the CDK toolchain pushes an image asset. `${AWS::AccountId}`-style placeholders are kept. */
export interface DockerImageDestination {
  readonly repositoryName: string;
  readonly imageTag: string;
}

/** One Docker image asset of a stack. */
export interface DockerImageAssetSource {
  /** The asset hash: the key in the manifest, and the image tag CDK pushes. */
  readonly hash: string;
  /** The asset manifest the entry comes from. */
  readonly manifestFile: string;
  /** The build context folder, absolute. */
  readonly directory: string;
  /** The Dockerfile, relative to `directory`. @default 'Dockerfile' */
  readonly file?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** `--target` stage. */
  readonly target?: string;
  /** `--platform`, e.g. `linux/arm64`. */
  readonly platform?: string;
  readonly destinations: readonly DockerImageDestination[];
  /**
   * Source fields a local build does not apply (`executable`, `dockerBuildSecrets`, …), so the
   * caller can say so.
   */
  readonly unsupported: readonly string[];
}

/** Source fields of a Docker image asset that a local build honours. */
const SUPPORTED = new Set(['directory', 'dockerFile', 'dockerBuildArgs', 'dockerBuildTarget', 'platform']);

interface RawManifest {
  readonly artifacts?: Record<
    string,
    { readonly type?: string; readonly dependencies?: string[]; readonly properties?: { file?: string } }
  >;
}

interface RawImageAsset {
  readonly source?: Record<string, unknown>;
  readonly destinations?: Record<string, { repositoryName?: unknown; imageTag?: unknown }>;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TemplateError({ file }, `asset manifest cannot be read: ${(error as Error).message}.`, {
      code: 'WHARF_TEMPLATE_INVALID',
      cause: error,
    });
  }
}

/** The asset manifest files a stack artifact depends on (`cdk:asset-manifest` artifacts). */
function assetManifestsOf(assemblyDir: string, stackArtifactId: string): string[] {
  const manifestFile = join(assemblyDir, 'manifest.json');
  if (!existsSync(manifestFile)) return [];
  const manifest = readJson(manifestFile) as RawManifest;
  const artifacts = manifest.artifacts ?? {};
  return (artifacts[stackArtifactId]?.dependencies ?? [])
    .map((id) => artifacts[id])
    .filter((artifact) => artifact?.type === 'cdk:asset-manifest' && artifact.properties?.file)
    .map((artifact) => join(assemblyDir, artifact?.properties?.file as string));
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The Docker image assets of one stack of a cloud assembly (`[]` when it has none).
 *
 * @param assemblyDir - the folder holding `manifest.json`.
 * @param stackArtifactId - the stack's artifact id in `manifest.json`.
 * @throws {@link TemplateError} when an asset manifest is not valid JSON.
 * @example
 * readDockerImageAssets('cdk.out', 'AssetService')[0]?.directory; // '/home/me/app/service'
 */
export function readDockerImageAssets(
  assemblyDir: string,
  stackArtifactId: string,
): DockerImageAssetSource[] {
  const assets: DockerImageAssetSource[] = [];
  for (const manifestFile of assetManifestsOf(assemblyDir, stackArtifactId)) {
    const manifest = readJson(manifestFile) as { dockerImages?: Record<string, RawImageAsset> };
    for (const [hash, asset] of Object.entries(manifest.dockerImages ?? {})) {
      const source = asset.source ?? {};
      const directory = optionalString(source.directory);
      const destinations = Object.values(asset.destinations ?? {}).flatMap((d) =>
        typeof d.repositoryName === 'string' && typeof d.imageTag === 'string'
          ? [{ repositoryName: d.repositoryName, imageTag: d.imageTag }]
          : [],
      );
      assets.push({
        hash,
        manifestFile,
        directory:
          directory === undefined ? '' : isAbsolute(directory) ? directory : resolve(assemblyDir, directory),
        file: optionalString(source.dockerFile),
        buildArgs: stringRecord(source.dockerBuildArgs),
        target: optionalString(source.dockerBuildTarget),
        platform: optionalString(source.platform),
        destinations,
        unsupported: Object.keys(source).filter((key) => !SUPPORTED.has(key)),
      });
    }
  }
  return assets;
}
