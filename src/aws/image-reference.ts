/**
 * Container image references as Docker and ECS read them: `[registry[:port]/]repository[:tag][@digest]`.
 *
 * - A reference without a tag or a digest means the tag `latest`: "If no tag is provided, Docker
 *   Engine uses the `:latest` tag as a default" (https://docs.docker.com/reference/cli/docker/image/pull/).
 * - A tag is a name a registry can point at another image at any time; ECR repositories allow it
 *   unless tag immutability is turned on
 *   (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html). A digest
 *   (`@sha256:…`) names one image for good; when both are given, the digest decides.
 * - Tag grammar (distribution spec): `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`
 *   (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests).
 */

/** The parts of an image reference. */
export interface ImageReference {
  /** Registry and repository, e.g. `public.ecr.aws/docker/library/nginx`, `localhost:5000/app`. */
  readonly repository: string;
  /** The tag, when one is written, e.g. `1.27.5`. */
  readonly tag?: string;
  /** The digest, when one is written, e.g. `sha256:0f3a…`. */
  readonly digest?: string;
}

/**
 * How a reference pins its image:
 * - `digest`: `@sha256:…`, one image for good;
 * - `latest`: the tag `latest`, which publishers move to every new release;
 * - `untagged`: no tag and no digest, which means `latest`;
 * - `tagged`: any other tag (a version such as `1.4.2`, or a series such as `20-alpine`).
 */
export type ImagePinning = 'digest' | 'latest' | 'untagged' | 'tagged';

// Registry host (with port) and path components: letters, digits, '.', '_', '-', '/', ':'.
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+$/;

/**
 * Splits a reference into repository, tag and digest; `undefined` when it is not a reference
 * (empty, spaces or other characters a reference cannot hold, a malformed tag or digest).
 *
 * @example parseImageReference('localhost:5000/shop/app:1.2') // { repository: 'localhost:5000/shop/app', tag: '1.2' }
 * @example parseImageReference('nginx@sha256:0f3a') // { repository: 'nginx', digest: 'sha256:0f3a' }
 */
export function parseImageReference(reference: string): ImageReference | undefined {
  if (reference === '' || /\s/.test(reference)) return undefined;
  const at = reference.indexOf('@');
  const name = at >= 0 ? reference.slice(0, at) : reference;
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  if (digest !== undefined && !DIGEST.test(digest)) return undefined;
  // A ':' after the last '/' starts the tag; one before it belongs to a registry's port.
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  const repository = hasTag ? name.slice(0, colon) : name;
  const tag = hasTag ? name.slice(colon + 1) : undefined;
  if (!REPOSITORY.test(repository) || (tag !== undefined && !TAG.test(tag))) return undefined;
  return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * How `reference` pins its image (see {@link ImagePinning}).
 *
 * @example imagePinning('public.ecr.aws/docker/library/nginx') // 'untagged'
 * @example imagePinning('nginx:latest@sha256:0f3a') // 'digest'
 */
export function imagePinning(reference: ImageReference): ImagePinning {
  if (reference.digest !== undefined) return 'digest';
  if (reference.tag === undefined) return 'untagged';
  return reference.tag === 'latest' ? 'latest' : 'tagged';
}
