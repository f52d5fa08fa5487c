/**
 * Mocked STS (query protocol): `GetCallerIdentity` and `AssumeRole`. The CDK bootstrap roles
 * (`cdk-hnb659fds-*-role-<account>-<region>`) exist only when the environment is bootstrapped;
 * assuming a missing one fails with `AccessDenied`, as on AWS.
 */

import { randomBytes } from 'node:crypto';
import { type Action, AwsError, validationError } from './protocol.js';
import { type MockWorld, QUALIFIER } from './world.js';

/** The query-protocol namespace of STS. */
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

const BOOTSTRAP_ROLE = new RegExp(`^cdk-${QUALIFIER}-[a-z-]+-role-`);

/** The STS actions. */
export function stsActions(world: MockWorld): Record<string, Action> {
  return {
    GetCallerIdentity(_input, request) {
      const identity =
        world.identities.get(request.accessKeyId ?? '') ?? world.identities.get(world.baseAccessKeyId);
      return { Arn: identity?.arn, UserId: identity?.userId, Account: world.account };
    },
    AssumeRole(input, request) {
      const roleArn = String(input.RoleArn ?? '');
      const session = String(input.RoleSessionName ?? 'session');
      const match = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
      if (!match) throw validationError(`${roleArn} is invalid`);
      const [, account, roleName] = match;
      const caller =
        world.identities.get(request.accessKeyId ?? '') ?? world.identities.get(world.baseAccessKeyId);
      const missing =
        account !== world.account || (BOOTSTRAP_ROLE.test(roleName) && world.bootstrapVersion === undefined);
      if (missing) {
        throw new AwsError(
          403,
          'AccessDenied',
          `User: ${caller?.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        );
      }
      const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
      const roleId = `AROA${randomBytes(8).toString('hex').toUpperCase()}`;
      const arn = `arn:${world.partition}:sts::${account}:assumed-role/${roleName}/${session}`;
      world.identities.set(accessKeyId, { arn, userId: `${roleId}:${session}` });
      return {
        Credentials: {
          AccessKeyId: accessKeyId,
          SecretAccessKey: randomBytes(20).toString('base64'),
          SessionToken: randomBytes(32).toString('base64'),
          Expiration: new Date(Date.now() + 3600_000),
        },
        AssumedRoleUser: { AssumedRoleId: `${roleId}:${session}`, Arn: arn },
        PackedPolicySize: 0,
      };
    },
  };
}
