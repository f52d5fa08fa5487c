/**
 * Mocked ECR (awsJson1_1, `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Action>`): the
 * actions the CDK toolkit's image publishing calls, with a real OCI registry standing in for
 * ECR's Docker endpoint.
 *
 * *Fidelity*: repositories are the `AWS::ECR::Repository` resources of the live stacks (the
 * bootstrap stack's `cdk-hnb659fds-container-assets-<account>-<region>` included), so a
 * repository exists exactly when its stack does, as on AWS. With `options.registry`
 * (`127.0.0.1:<port>`), `repositoryUri` points at that registry, `GetAuthorizationToken` hands
 * out a token for it (`proxyEndpoint` `http://127.0.0.1:<port>`; the registry accepts any login),
 * and `DescribeImages` answers from the registry's real contents (`HEAD /v2/<repo>/manifests/<tag>`),
 * so a tag that was pushed is found and not pushed again. Without a registry, URIs have ECR's
 * shape (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>`) and no image exists. Not modelled:
 * repository policies, lifecycle policies, scanning, immutable tags, image digests as `imageIds`,
 * pagination.
 */

import { randomBytes } from 'node:crypto';
import type { CloudFormationEngine } from './cloudformation.js';
import { type Action, AwsError, epochSeconds } from './protocol.js';
import type { MockWorld } from './world.js';

/** The `X-Amz-Target` prefix of ECR. */
export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921';

/** Media types a registry may hold a tag's manifest as; all are accepted when asking for one. */
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

/** How long a `DescribeImages` lookup may wait for the registry. */
const REGISTRY_TIMEOUT_MS = 5000;

/** The ECR actions. */
export function ecrActions(world: MockWorld, engine: CloudFormationEngine): Record<string, Action> {
  const registryHost = world.registry;
  const uriOf = (name: string) =>
    `${registryHost ?? `${world.account}.dkr.ecr.${world.region}.${world.urlSuffix}`}/${name}`;
  const repositories = () => {
    const found = new Map<string, { name: string; created: Date }>();
    for (const stack of engine.liveStacks()) {
      for (const resource of stack.resources.values()) {
        if (resource.type !== 'AWS::ECR::Repository' || !resource.physicalId) continue;
        if (resource.status.startsWith('DELETE') || resource.status === 'CREATE_IN_PROGRESS') continue;
        found.set(resource.physicalId, { name: resource.physicalId, created: resource.lastUpdated });
      }
    }
    return found;
  };
  const describe = (name: string, created: Date) => ({
    repositoryArn: world.arn('ecr', `repository/${name}`),
    registryId: world.account,
    repositoryName: name,
    repositoryUri: uriOf(name),
    createdAt: epochSeconds(created),
    imageTagMutability: 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' },
  });
  const notFound = (name: string) =>
    new AwsError(
      400,
      'RepositoryNotFoundException',
      `The repository with name '${name}' does not exist in the registry with id '${world.account}'`,
    );

  return {
    DescribeRepositories(input) {
      const all = repositories();
      const names = (input.repositoryNames as string[] | undefined) ?? [...all.keys()];
      const result = [];
      for (const name of names) {
        const repository = all.get(name);
        if (!repository) throw notFound(name);
        result.push(describe(repository.name, repository.created));
      }
      return { repositories: result };
    },

    GetAuthorizationToken() {
      const token = randomBytes(24).toString('base64');
      return {
        authorizationData: [
          {
            authorizationToken: Buffer.from(`AWS:${token}`).toString('base64'),
            expiresAt: epochSeconds(new Date(Date.now() + 12 * 3600_000)),
            proxyEndpoint: registryHost
              ? `http://${registryHost}`
              : `https://${world.account}.dkr.ecr.${world.region}.${world.urlSuffix}`,
          },
        ],
      };
    },

    async DescribeImages(input) {
      const name = String(input.repositoryName ?? '');
      if (!repositories().has(name)) throw notFound(name);
      const ids = (input.imageIds as { imageTag?: string; imageDigest?: string }[] | undefined) ?? [];
      const details = [];
      for (const id of ids) {
        const tag = id.imageTag ?? id.imageDigest ?? '';
        const manifest = registryHost ? await headManifest(registryHost, name, tag) : undefined;
        if (!manifest) {
          throw new AwsError(
            400,
            'ImageNotFoundException',
            `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${name}' in the registry with id '${world.account}'`,
          );
        }
        details.push({
          registryId: world.account,
          repositoryName: name,
          imageDigest: manifest.digest,
          imageTags: id.imageTag ? [id.imageTag] : [],
          imageSizeInBytes: manifest.size,
          imagePushedAt: epochSeconds(world.now()),
          imageManifestMediaType: manifest.mediaType,
        });
      }
      return { imageDetails: details };
    },
  };
}

/** The registry's manifest for `repository:reference`, or `undefined` when it has none. */
async function headManifest(
  host: string,
  repository: string,
  reference: string,
): Promise<{ digest: string; size: number; mediaType: string } | undefined> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${encodeURIComponent(reference)}`, {
    method: 'HEAD',
    headers: { accept: MANIFEST_TYPES.join(', ') },
    signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS),
  });
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw new AwsError(
      500,
      'ServerException',
      `the registry answered ${response.status} for ${repository}:${reference}`,
    );
  }
  return {
    digest: response.headers.get('docker-content-digest') ?? '',
    size: Number(response.headers.get('content-length') ?? 0),
    mediaType: response.headers.get('content-type') ?? '',
  };
}
