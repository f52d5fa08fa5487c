/**
 * `wharf init`'s choices, settled before anything is written: the pattern, the service name (given
 * with `--name`, checked like the constructs' `serviceName`; or made from the folder's name) and
 * the CDK stack id. Pure: no file system.
 */

import {
  SERVICE_NAME_MAX_LENGTH,
  SERVICE_NAME_PATTERN,
  SERVICE_NAME_RULE,
} from '../constructs/service-name.js';
import { UsageError } from '../errors.js';

/** The ingress patterns `wharf init` scaffolds. */
export const INIT_PATTERNS = ['api-gateway', 'alb'] as const;

/**
 * `api-gateway`: API Gateway HTTP API → VPC link → Cloud Map → Fargate (`ApiGatewayFargateService`);
 * `alb`: a public Application Load Balancer → Fargate in private subnets (`LoadBalancedFargateService`).
 */
export type InitPattern = (typeof INIT_PATTERNS)[number];

/** The service name when neither `--name` nor the folder's name gives one. */
export const DEFAULT_SERVICE_NAME = 'web';

/** What the project files are made from. */
export interface ProjectSpec {
  readonly pattern: InitPattern;
  /** The ECS service name (also the container's and the npm package's, lower-cased). */
  readonly serviceName: string;
  /** Where the name came from, for the summary. */
  readonly nameSource: 'flag' | 'folder' | 'default';
  /** The CDK stack id (and CloudFormation stack name): the name in PascalCase. */
  readonly stackId: string;
  /** The Wharf checkout the project links to (`file:`), absolute. */
  readonly wharfDir: string;
  /** Versions of `aws-cdk-lib`, `constructs` and `tsx` (npm ranges). */
  readonly versions: Readonly<Record<'aws-cdk-lib' | 'constructs' | 'tsx', string>>;
}

/**
 * Checks a `--pattern` value.
 * @example parseInitPattern(undefined) // 'api-gateway'
 */
export function parseInitPattern(value: string | undefined): InitPattern {
  if (value === undefined) return 'api-gateway';
  if ((INIT_PATTERNS as readonly string[]).includes(value)) return value as InitPattern;
  throw new UsageError(
    `wharf init: --pattern '${value}' is not allowed; allowed: ${INIT_PATTERNS.join(', ')}.`,
  );
}

/**
 * Checks a `--name` value with the constructs' `serviceName` rule; a bad one is a usage error
 * naming the flag and the rule.
 * @example checkServiceName('orders-api') // 'orders-api'
 */
export function checkServiceName(value: string): string {
  if (value.length > SERVICE_NAME_MAX_LENGTH) {
    throw new UsageError(
      `wharf init: --name has ${value.length} characters; allowed: ${SERVICE_NAME_RULE}.`,
      { code: 'WHARF_INIT_BAD_NAME' },
    );
  }
  if (!SERVICE_NAME_PATTERN.test(value)) {
    throw new UsageError(
      `wharf init: --name ${JSON.stringify(value)} is not allowed; allowed: ${SERVICE_NAME_RULE}.`,
      { code: 'WHARF_INIT_BAD_NAME' },
    );
  }
  return value;
}

/**
 * A service name made from a folder's name: lower case, every run of other characters a hyphen,
 * trimmed to the rule; `undefined` when nothing is left (then {@link DEFAULT_SERVICE_NAME}).
 * @example serviceNameFromFolder('My Orders API') // 'my-orders-api'
 * @example serviceNameFromFolder('___') // undefined
 */
export function serviceNameFromFolder(folderName: string): string | undefined {
  const name = folderName
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .slice(0, SERVICE_NAME_MAX_LENGTH)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name && SERVICE_NAME_PATTERN.test(name) ? name : undefined;
}

/**
 * The CDK stack id for a service: its words in PascalCase, prefixed with `Service` when it would
 * start with a digit (a CloudFormation stack name starts with a letter).
 * @example stackIdOf('orders-api') // 'OrdersApi'
 * @example stackIdOf('2fa') // 'Service2fa'
 */
export function stackIdOf(serviceName: string): string {
  const id = serviceName
    .split(/[-_]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');
  return /^[A-Za-z]/.test(id) ? id : `Service${id}`;
}

/**
 * Settles the service name: `--name` when given (checked), else one made from the folder's name,
 * else {@link DEFAULT_SERVICE_NAME}.
 */
export function settleServiceName(
  flag: string | undefined,
  folderName: string,
): Pick<ProjectSpec, 'serviceName' | 'nameSource'> {
  if (flag !== undefined) return { serviceName: checkServiceName(flag), nameSource: 'flag' };
  const fromFolder = serviceNameFromFolder(folderName);
  return fromFolder
    ? { serviceName: fromFolder, nameSource: 'folder' }
    : { serviceName: DEFAULT_SERVICE_NAME, nameSource: 'default' };
}
