/**
 * Which container images are Docker image assets of the CDK app: a task definition's evaluated
 * `Image` (`<account>.dkr.ecr.<region>.<suffix>/<repository>:<tag>`) is matched against the asset
 * manifest's destinations (`repositoryName` with `${AWS::AccountId}`-style placeholders, `imageTag`),
 * with the same local account, region, partition and URL suffix the evaluator used. Pure.
 */

import type { DockerImageAssetSource } from '../../template/assets.js';
import type { LocalEnvironment } from '../../template/resolved.js';
import type { ContainerBuildSpec } from './types.js';

/** `${AWS::AccountId}`-style placeholders replaced with the local environment's values. */
export function substitutePseudoParameters(text: string, environment: LocalEnvironment): string {
  const values: Record<string, string> = {
    'AWS::AccountId': environment.accountId,
    'AWS::Region': environment.region,
    'AWS::Partition': environment.partition,
    'AWS::URLSuffix': environment.urlSuffix,
  };
  return text.replace(/\$\{(AWS::[A-Za-z]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** `registry/path:tag` → `{ repository: 'path', tag }`; `undefined` without a registry host or tag. */
function splitImage(image: string): { repository: string; tag: string } | undefined {
  const slash = image.indexOf('/');
  const colon = image.lastIndexOf(':');
  if (slash < 0 || colon < slash) return undefined;
  return { repository: image.slice(slash + 1, colon), tag: image.slice(colon + 1) };
}

/**
 * The build spec of `image` when it is one of `assets`, else `undefined`.
 * @example
 * assetBuildFor('123456789012.dkr.ecr.us-east-1.amazonaws.com/cdk-hnb659fds-container-assets-123456789012-us-east-1:80b9…', assets, env)
 * // → { directory: '/home/me/app/service', assetHash: '80b9…', buildArgs: {} }
 */
export function assetBuildFor(
  image: string,
  assets: readonly DockerImageAssetSource[] | undefined,
  environment: LocalEnvironment,
): ContainerBuildSpec | undefined {
  const parts = splitImage(image);
  if (!parts || !assets) return undefined;
  const asset = assets.find(
    (candidate) =>
      candidate.directory !== '' &&
      candidate.destinations.some(
        (d) =>
          d.imageTag === parts.tag &&
          substitutePseudoParameters(d.repositoryName, environment) === parts.repository,
      ),
  );
  if (!asset) return undefined;
  return {
    directory: asset.directory,
    ...(asset.file === undefined ? {} : { file: asset.file }),
    ...(Object.keys(asset.buildArgs).length === 0 ? {} : { buildArgs: asset.buildArgs }),
    ...(asset.target === undefined ? {} : { target: asset.target }),
    ...(asset.platform === undefined ? {} : { platform: asset.platform }),
    assetHash: asset.hash,
  };
}
