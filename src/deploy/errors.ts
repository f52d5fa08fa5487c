/**
 * Errors of deploying to AWS. Each says what went wrong in the user's terms and the next step
 * (the exact command), and maps to exit code 4 ({@link AWS_EXIT_CODE}) so scripts can tell "AWS
 * said no" from bad arguments (2).
 */

import { WharfError } from '../errors.js';
import type { AwsTarget } from './toolkit.js';

/** Exit code of every {@link AwsError}. */
export const AWS_EXIT_CODE = 4;

/** AWS refused, or a deployment failed in AWS. Carries the next step for the user. */
export class AwsError extends WharfError {
  /** Exit code the CLI returns. */
  readonly exitCode = AWS_EXIT_CODE;
  /** What to do next, one command or sentence per line. */
  readonly nextSteps: readonly string[];

  constructor(code: string, message: string, nextSteps: readonly string[] = [], cause?: unknown) {
    const steps = nextSteps.length > 0 ? `\nNext: ${nextSteps.join('\n      ')}` : '';
    super(code, `${message}${steps}`, { cause });
    this.nextSteps = nextSteps;
  }
}

/** No AWS credentials could be found, or AWS rejected them. */
export class NoCredentialsError extends AwsError {
  constructor(target: AwsTarget, cause: unknown) {
    const reason = describeCause(cause);
    const profile = target.profile ?? process.env.AWS_PROFILE;
    super(
      'WHARF_AWS_NO_CREDENTIALS',
      `no usable AWS credentials${profile ? ` for profile '${profile}'` : ''}: ${reason}. ` +
        'Wharf looks where the AWS CLI does: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or --profile, ~/.aws/credentials and ~/.aws/config (SSO included).',
      profile
        ? [`aws sso login --profile ${profile}   (for an SSO profile)`, `aws configure --profile ${profile}`]
        : ['aws configure   (access keys), or: aws configure sso, then pass --profile <name>'],
      cause,
    );
  }
}

/** The account/region has no CDK bootstrap stack, which holds the bucket and roles deploys use. */
export class NotBootstrappedError extends AwsError {
  constructor(account: string, region: string, detail: string, qualifier = 'hnb659fds') {
    super(
      'WHARF_AWS_NOT_BOOTSTRAPPED',
      `AWS account ${account} is not bootstrapped in ${region} (${detail}). Wharf deploys through the CDK toolkit, which needs the bootstrap stack 'CDKToolkit' (an S3 bucket for templates and IAM roles for deployment) once per account and region.`,
      [
        `wharf bootstrap aws://${account}/${region}${qualifier === 'hnb659fds' ? '' : ` --qualifier ${qualifier}`}`,
      ],
    );
  }
}

/** The stack is in a state CloudFormation cannot update from. */
export class StackStateError extends AwsError {
  readonly stackName: string;
  readonly status: string;

  constructor(stackName: string, status: string, message: string, nextSteps: readonly string[]) {
    super('WHARF_AWS_STACK_STATE', `stack '${stackName}' is ${status}: ${message}`, nextSteps);
    this.stackName = stackName;
    this.status = status;
  }
}

/** A deployment or deletion failed in CloudFormation (or was stopped early by Wharf). */
export class DeploymentFailedError extends AwsError {
  readonly stackName: string;

  constructor(stackName: string, message: string, nextSteps: readonly string[] = [], cause?: unknown) {
    super('WHARF_AWS_DEPLOY_FAILED', message, nextSteps, cause);
    this.stackName = stackName;
  }
}

/** True for errors that mean "no credentials" in the SDK's or the toolkit's words. */
export function isCredentialsError(error: unknown): boolean {
  const name = (error as { name?: string })?.name ?? '';
  const message = describeCause(error);
  return (
    name === 'CredentialsProviderError' ||
    name === 'AuthenticationError' ||
    name === 'ExpiredToken' ||
    name === 'ExpiredTokenException' ||
    name === 'InvalidClientTokenId' ||
    name === 'UnrecognizedClientException' ||
    /no credentials|could not load credentials|Need to perform AWS calls for account/i.test(message)
  );
}

/** The error's message without the SDK's decorations. */
export function describeCause(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/\s+/g, ' ').trim();
  return String(error);
}

/** True for errors of the network rather than of AWS: DNS, refused or reset connections, timeouts. */
export function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  const name = (error as { name?: string })?.name ?? '';
  return (
    ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code) ||
    name === 'TimeoutError' ||
    /getaddrinfo|ECONNREFUSED|socket hang up/.test(describeCause(error))
  );
}

/**
 * Runs Wharf's own AWS reads; an SDK or network error becomes an {@link AwsError}
 * (`WHARF_AWS_CALL_FAILED`, exit 4) that says what Wharf was doing and what to check.
 */
export async function awsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WharfError) throw error;
    const name = (error as { name?: string })?.name ?? 'Error';
    const next = isNetworkError(error)
      ? ['check the region (--region) and your network or proxy']
      : /AccessDenied|UnauthorizedOperation|not authorized/i.test(`${name} ${describeCause(error)}`)
        ? ['grant the permission named above to your credentials, or use a profile that has it (--profile)']
        : ['run again; if it persists, add --verbose and check the AWS Health Dashboard for the region'];
    throw new AwsError(
      'WHARF_AWS_CALL_FAILED',
      `${what} failed: ${name}: ${describeCause(error)}`,
      next,
      error,
    );
  }
}

/**
 * A container image of the app could not be built or published (Docker missing, `docker build`,
 * `docker login` or `docker push` failed, or the bootstrap repository is missing). The stacks
 * that use the image were not deployed.
 */
export class ImageAssetError extends AwsError {
  /** The step that failed: `docker`, `build`, `login`, `push`, `repository` or `publish`. */
  readonly stage: string;

  constructor(stage: string, message: string, nextSteps: readonly string[], cause?: unknown) {
    super('WHARF_DEPLOY_IMAGE_FAILED', message, nextSteps, cause);
    this.stage = stage;
  }
}
