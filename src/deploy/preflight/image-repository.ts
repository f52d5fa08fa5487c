/**
 * Before a deploy with container images: the ECR repository the app pushes to must be the one the
 * bootstrap stack made. The CDK's default synthesizer writes the repository name into the asset
 * manifest (`cdk-<qualifier>-container-assets-<account>-<region>`); the bootstrap stack reports
 * its own as the `ImageRepositoryName` output. They differ when the environment was bootstrapped
 * with another repository name (`ContainerAssetsRepositoryName`), and the push would then fail
 * after the build with "No ECR repository named …". Container images need bootstrap version 1 or
 * later, which the bootstrap check's minimum (6) already covers.
 * (https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html)
 *
 * @module
 */

import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { IoHost } from '../../io/io-host.js';
import type { ImageAsset } from '../assets/manifest.js';
import { describeCause, ImageAssetError } from '../errors.js';
import { describeStack } from './preflight.js';

/** The bootstrap stack's default name (`cdk bootstrap --toolkit-stack-name`). */
export const TOOLKIT_STACK_NAME = 'CDKToolkit';

/** An image pushed to another repository than the bootstrap stack's. */
export interface RepositoryMismatch {
  readonly image: ImageAsset;
  /** The repository the app pushes to, placeholders resolved. */
  readonly repository: string;
}

/**
 * The images whose destination repository is not `bootstrapRepository`, with the CDK
 * placeholders of the asset manifest resolved for the account and region.
 *
 * @example
 * imageRepositoryMismatches([image], { account: '1', region: 'eu-west-1' }, 'cdk-hnb659fds-container-assets-1-eu-west-1') // []
 */
export function imageRepositoryMismatches(
  images: readonly ImageAsset[],
  environment: { readonly account: string; readonly region: string; readonly partition?: string },
  bootstrapRepository: string,
): RepositoryMismatch[] {
  const mismatches: RepositoryMismatch[] = [];
  for (const image of images) {
    for (const destination of image.destinations) {
      const values: Record<string, string> = {
        AccountId: environment.account,
        Region: environment.region,
        Partition: environment.partition ?? 'aws',
      };
      // The asset manifest's placeholders: `${AWS::AccountId}`, `${AWS::Region}`, `${AWS::Partition}`.
      const repository = destination.repositoryName.replace(
        /\$\{AWS::(AccountId|Region|Partition)\}/g,
        (_, name: string) => values[name] ?? '',
      );
      if (repository !== bootstrapRepository) mismatches.push({ image, repository });
    }
  }
  return mismatches;
}

/**
 * Compares the images' repository with the bootstrap stack's `ImageRepositoryName` output. A
 * bootstrap stack that cannot be read (another name, no permission) is passed over: the push
 * itself reports a missing repository.
 * @throws {@link ImageAssetError} (stage `repository`) naming both repositories and the fixes.
 */
export async function checkImageRepository(
  cloudFormation: CloudFormationClient,
  images: readonly ImageAsset[],
  environment: { readonly account: string; readonly region: string },
  io: IoHost,
): Promise<void> {
  if (images.length === 0) return;
  let bootstrapRepository: string | undefined;
  try {
    const stack = await describeStack(cloudFormation, TOOLKIT_STACK_NAME);
    bootstrapRepository = stack?.Outputs?.find((o) => o.OutputKey === 'ImageRepositoryName')?.OutputValue;
  } catch (error) {
    io.notify({
      level: 'debug',
      code: 'WHARF_PREFLIGHT_IMAGE_REPOSITORY',
      message: `could not read the bootstrap stack ${TOOLKIT_STACK_NAME}: ${describeCause(error)}`,
    });
    return;
  }
  if (!bootstrapRepository) return;
  const [first, ...others] = imageRepositoryMismatches(images, environment, bootstrapRepository);
  if (!first) return;
  const more = others.length > 0 ? ` (and ${others.length} more)` : '';
  throw new ImageAssetError(
    'repository',
    `image '${first.image.name}'${more} would be pushed to the ECR repository '${first.repository}', but the bootstrap stack ${TOOLKIT_STACK_NAME} in ${environment.account}/${environment.region} has '${bootstrapRepository}' (its ImageRepositoryName output). Nothing was built or deployed.`,
    [
      `point the app at it: new DefaultStackSynthesizer({ imageAssetsRepositoryName: '${bootstrapRepository}' }) on the stack`,
      `or bootstrap the environment with the default repository name: wharf bootstrap aws://${environment.account}/${environment.region}`,
    ],
  );
}
