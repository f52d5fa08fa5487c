/**
 * The rule for an ECS service name in Wharf: it also names the task-definition family, the
 * container and (API Gateway pattern) the Cloud Map service, so it must be a DNS label too. The
 * constructs check `serviceName` with it, and `wharf init` its `--name`.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html (serviceName:
 * up to 255 letters, numbers, underscores and hyphens)
 * @see https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateService.html (a DNS label: at most 63)
 */

/** Longest service name: a DNS label. */
export const SERVICE_NAME_MAX_LENGTH = 63;

/** Letters, digits, hyphens and underscores, starting and ending with a letter or digit. */
export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$/;

/** {@link SERVICE_NAME_PATTERN} and {@link SERVICE_NAME_MAX_LENGTH} in words, for error messages. */
export const SERVICE_NAME_RULE =
  '1-63 letters, digits, hyphens and underscores, starting and ending with a letter or digit';
