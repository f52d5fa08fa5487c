/**
 * `wharf bootstrap`: creates the CDK bootstrap stack (`CDKToolkit`: the asset bucket and the
 * deployment roles) in an account and region, through the CDK toolkit.
 * https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
 */

import { BootstrapEnvironments, BootstrapStackParameters } from '@aws-cdk/toolkit-lib';
import { UsageError, WharfError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import { validateQualifier } from './assembly/index.js';
import { openAwsSession } from './aws.js';
import { AwsError, describeCause, isCredentialsError, NoCredentialsError } from './errors.js';
import type { ProgressListener } from './progress-listener.js';
import { type AwsTarget, createToolkit } from './toolkit.js';

/** Options of {@link bootstrap}. */
export interface BootstrapOptions extends AwsTarget {
  /** `aws://<account>/<region>`. @default - the current credentials' account and region */
  readonly environment?: string;
  /**
   * The bootstrap qualifier (a CDK app's `@aws-cdk/core:bootstrapQualifier`), 1–10 letters,
   * digits, `_` or `-`. @default 'hnb659fds'
   */
  readonly qualifier?: string;
  readonly io: IoHost;
  readonly progress?: ProgressListener;
}

const ENVIRONMENT = /^aws:\/\/(\d{12})\/([a-z]{2}(-[a-z]+)+-\d)$/;

/** Bootstraps one environment; resolves to `created/updated` or `already bootstrapped`. */
export async function bootstrap(
  options: BootstrapOptions,
): Promise<{ environment: string; status: 'success' | 'no-op' }> {
  if (options.environment !== undefined && !ENVIRONMENT.test(options.environment)) {
    throw new UsageError(
      `wharf bootstrap: '${options.environment}' is not an environment; expected aws://<12-digit account>/<region>, e.g. aws://123456789012/us-east-1.`,
    );
  }
  if (options.qualifier !== undefined) validateQualifier(options.qualifier);
  const session = await openAwsSession(
    { ...options, ...(options.environment ? { region: ENVIRONMENT.exec(options.environment)?.[2] } : {}) },
    options.io,
  );
  session.destroy();
  const environment = options.environment ?? `aws://${session.account}/${session.region}`;
  const toolkit = createToolkit({
    io: options.io,
    profile: options.profile,
    region: session.region,
    activity: {
      stackStarted: (info) => options.progress?.stackStarted({ ...info, operation: 'deploy' }),
      stackEvent: (event) => options.progress?.stackEvent(event),
    },
  });
  try {
    const result = await toolkit.bootstrap(
      BootstrapEnvironments.fromList([environment]),
      options.qualifier
        ? { parameters: BootstrapStackParameters.withExisting({ qualifier: options.qualifier }) }
        : {},
    );
    const status = result.environments[0]?.status ?? 'success';
    options.progress?.finished({ stackName: 'CDKToolkit', ok: true });
    return { environment, status };
  } catch (error) {
    options.progress?.finished({ stackName: 'CDKToolkit', ok: false, message: describeCause(error) });
    if (error instanceof WharfError) throw error;
    if (isCredentialsError(error)) throw new NoCredentialsError(options, error);
    throw new AwsError(
      'WHARF_AWS_BOOTSTRAP_FAILED',
      `bootstrapping ${environment} failed: ${describeCause(error)}`,
      [],
      error,
    );
  }
}
