/**
 * Wharf's own read-only AWS calls around a deployment (who am I, is the account bootstrapped,
 * what state is the stack in, what are its outputs, how is the ECS rollout going). The
 * deployment itself goes through the CDK toolkit; these clients resolve credentials and region
 * exactly as the toolkit does (`BaseCredentials.awsCliCompatible`), so both talk to the same
 * account and region.
 */

import { BaseCredentials } from '@aws-cdk/toolkit-lib';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { IoHost } from '../io/io-host.js';
import { AwsError, describeCause, isNetworkError, NoCredentialsError } from './errors.js';
import type { AwsTarget } from './toolkit.js';

/** The clients Wharf reads AWS with, all for one account and region. */
export interface AwsClients {
  readonly cloudFormation: CloudFormationClient;
  readonly ecs: ECSClient;
  readonly logs: CloudWatchLogsClient;
  readonly ec2: EC2Client;
  readonly ssm: SSMClient;
}

/** An authenticated session: the caller's account, the region, and clients for both. */
export interface AwsSession {
  readonly account: string;
  readonly region: string;
  /** The caller's ARN, e.g. `arn:aws:iam::123456789012:user/alice`. */
  readonly callerArn: string;
  readonly clients: AwsClients;
  /** Closes the clients' sockets. */
  destroy(): void;
}

/**
 * Resolves credentials and region like the AWS CLI (and the CDK toolkit), and proves they work
 * with STS `GetCallerIdentity`.
 *
 * @throws {@link NoCredentialsError} when no credentials are found or AWS rejects them, with the
 *   commands that fix it.
 */
export async function openAwsSession(target: AwsTarget, io: IoHost): Promise<AwsSession> {
  const base = await BaseCredentials.awsCliCompatible({
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.region ? { defaultRegion: target.region } : {}),
  }).sdkBaseConfig(
    {
      async notify(msg) {
        if (msg.level === 'debug' || msg.level === 'trace') return;
        io.notify({ level: 'debug', code: msg.code ?? 'CDK_SDK', message: msg.message });
      },
      async requestResponse(msg) {
        return msg.defaultResponse;
      },
    },
    {},
  );
  const region = base.defaultRegion ?? 'us-east-1';
  const credentials = base.credentialProvider as AwsCredentialIdentityProvider;
  const config = { region, credentials, maxAttempts: 3 };
  const sts = new STSClient(config);
  let account: string;
  let callerArn: string;
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    account = identity.Account ?? '';
    callerArn = identity.Arn ?? '';
  } catch (error) {
    if (isNetworkError(error)) {
      throw new AwsError(
        'WHARF_AWS_UNREACHABLE',
        `could not reach AWS STS in region ${region}: ${describeCause(error)}.`,
        ['check the region (--region, AWS_REGION) and your network or proxy (HTTPS_PROXY)'],
        error,
      );
    }
    throw new NoCredentialsError(target, error);
  } finally {
    sts.destroy();
  }
  const clients: AwsClients = {
    cloudFormation: new CloudFormationClient(config),
    ecs: new ECSClient(config),
    logs: new CloudWatchLogsClient(config),
    ec2: new EC2Client(config),
    ssm: new SSMClient(config),
  };
  io.notify({
    level: 'info',
    code: 'WHARF_AWS_SESSION',
    message: `AWS account ${account}, region ${region} (${callerArn})`,
    data: { account, region, callerArn },
  });
  return {
    account,
    region,
    callerArn,
    clients,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
