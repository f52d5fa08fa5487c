/**
 * The container images a cloud assembly asks to build and publish: the `dockerImages` of its
 * asset manifests (`<Stack>.assets.json`), which CDK's `DockerImageAsset` (and so
 * `ecs.ContainerImage.fromAsset` and Wharf's `image: { directory }`) writes at synthesis, with the
 * build context staged into the assembly as `asset.<hash>/`. Read before the deploy so the
 * progress view can list every image at once, and so the deploy can check for Docker first.
 * (Assets: https://docs.aws.amazon.com/cdk/v2/guide/assets.html)
 *
 * @module
 */

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where an image goes: an ECR repository and tag, with CDK placeholders left in. */
export interface ImageDestination {
  /** e.g. `cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}`. */
  readonly repositoryName: string;
  /** The tag: the asset's hash unless the app chose one. */
  readonly imageTag: string;
}

/** One container image asset of the assembly. */
export interface ImageAsset {
  /** The asset's id in the manifest: the hash of its source and build options. */
  readonly assetId: string;
  /** What the app calls it (the asset's display name, usually its construct path), else the id. */
  readonly name: string;
  /** The CloudFormation stack whose asset manifest lists it. */
  readonly stackName: string;
  /** The build context inside the assembly (absolute); absent for an `executable` image. */
  readonly directory?: string;
  /** The Dockerfile, relative to {@link directory}. @default 'Dockerfile' */
  readonly dockerfile?: string;
  /** Where it is published (one entry per account/region). */
  readonly destinations: readonly ImageDestination[];
}

interface ManifestArtifact {
  readonly type?: string;
  readonly dependencies?: readonly string[];
  readonly properties?: {
    readonly file?: string;
    readonly stackName?: string;
    readonly directoryName?: string;
  };
}

interface AssetManifestFile {
  readonly dockerImages?: Record<
    string,
    {
      readonly displayName?: string;
      readonly source?: { readonly directory?: string; readonly dockerFile?: string };
      readonly destinations?: Record<
        string,
        { readonly repositoryName?: string; readonly imageTag?: string }
      >;
    }
  >;
}

/**
 * The image assets of the given stacks (every stack when `stackNames` is omitted), nested
 * assemblies of CDK stages included, each once even when several stacks list it.
 *
 * @example
 * readImageAssets('/tmp/wharf-assembly-x', ['Orders'])
 * // [{ assetId: '53fe…', name: 'Orders/Image', stackName: 'Orders',
 * //    directory: '/tmp/wharf-assembly-x/asset.53fe…',
 * //    destinations: [{ repositoryName: 'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}', imageTag: '53fe…' }] }]
 */
export function readImageAssets(assemblyDir: string, stackNames?: readonly string[]): ImageAsset[] {
  const wanted = stackNames ? new Set(stackNames) : undefined;
  const found = new Map<string, ImageAsset>();
  const visit = (dir: string, depth: number) => {
    const manifestFile = join(dir, 'manifest.json');
    if (depth > 8 || !existsSync(manifestFile)) return;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
      artifacts?: Record<string, ManifestArtifact>;
    };
    const artifacts = Object.entries(manifest.artifacts ?? {});
    // An asset manifest belongs to the stack that depends on it.
    const stackOf = new Map<string, string>();
    for (const [id, artifact] of artifacts) {
      if (artifact.type !== 'aws:cloudformation:stack') continue;
      for (const dependency of artifact.dependencies ?? []) {
        stackOf.set(dependency, artifact.properties?.stackName ?? id);
      }
    }
    for (const [id, artifact] of artifacts) {
      if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
        visit(join(dir, artifact.properties.directoryName), depth + 1);
        continue;
      }
      if (artifact.type !== 'cdk:asset-manifest' || !artifact.properties?.file) continue;
      const stackName = stackOf.get(id) ?? id.replace(/\.assets$/, '');
      if (wanted && !wanted.has(stackName)) continue;
      const file = JSON.parse(readFileSync(join(dir, artifact.properties.file), 'utf8')) as AssetManifestFile;
      for (const [assetId, image] of Object.entries(file.dockerImages ?? {})) {
        if (found.has(assetId)) continue;
        const destinations = Object.values(image.destinations ?? {}).map((d) => ({
          repositoryName: d.repositoryName ?? '',
          imageTag: d.imageTag ?? assetId,
        }));
        found.set(assetId, {
          assetId,
          name: image.displayName ?? assetId,
          stackName,
          ...(image.source?.directory ? { directory: resolve(dir, image.source.directory) } : {}),
          ...(image.source?.dockerFile ? { dockerfile: image.source.dockerFile } : {}),
          destinations,
        });
      }
    }
  };
  visit(assemblyDir, 0);
  return [...found.values()];
}
