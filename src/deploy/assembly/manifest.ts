/**
 * The CDK bootstrap conventions and cloud-assembly files for a hand-written template, as the CDK
 * toolkit expects them from a stack synthesized with the default stack synthesizer: file assets
 * in the bootstrap bucket, published with the file-publishing role, deployed with the deploy role.
 * See https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html for the bootstrap resources.
 */

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ArtifactManifest,
  ArtifactType,
  type AssemblyManifest,
  type AssetManifest,
  type FileAsset,
  FileAssetPackaging,
  type FileDestination,
  Manifest,
} from 'aws-cdk-lib/cloud-assembly-schema';
import { UsageError } from '../../errors.js';
import type { CfnValue } from '../../template/model.js';

/** The qualifier `cdk bootstrap` uses unless told otherwise. */
export const DEFAULT_QUALIFIER = 'hnb659fds';

/** The bootstrap stack version that introduced the roles and SSM parameter used here. */
export const REQUIRED_BOOTSTRAP_VERSION = 6;

/** The bootstrap stack version whose lookup role may read stacks (as CDK declares it). */
export const LOOKUP_ROLE_BOOTSTRAP_VERSION = 8;

/** Environment of a stack that deploys to whatever account and region the credentials resolve to. */
export const UNKNOWN_ENVIRONMENT = 'aws://unknown-account/unknown-region';

const QUALIFIER = /^[A-Za-z0-9_-]{1,10}$/;

/**
 * Names of the bootstrap resources for one qualifier. Account, region and partition stay
 * `${AWS::…}` placeholders: the toolkit fills them in for the target environment.
 */
export interface BootstrapNames {
  readonly qualifier: string;
  /** `cdk-<qualifier>-assets-${AWS::AccountId}-${AWS::Region}`. */
  readonly bucketName: string;
  readonly fileAssetPublishingRoleArn: string;
  readonly deployRoleArn: string;
  readonly cloudFormationExecutionRoleArn: string;
  readonly lookupRoleArn: string;
  /** `/cdk-bootstrap/<qualifier>/version`. */
  readonly versionParameter: string;
}

/**
 * Checks a bootstrap qualifier: the rule `cdk bootstrap --qualifier` applies.
 * @throws {@link UsageError} `WHARF_QUALIFIER_INVALID` naming what is allowed.
 */
export function validateQualifier(qualifier: string): void {
  if (!QUALIFIER.test(qualifier)) {
    throw new UsageError(
      `invalid bootstrap qualifier '${qualifier}': use 1 to 10 letters, digits, '-' or '_', the qualifier given to 'cdk bootstrap --qualifier' (default ${DEFAULT_QUALIFIER}).`,
      { code: 'WHARF_QUALIFIER_INVALID' },
    );
  }
}

/** The bootstrap resource names for `qualifier`. @throws {@link UsageError} for a bad qualifier. */
export function bootstrapNames(qualifier: string = DEFAULT_QUALIFIER): BootstrapNames {
  validateQualifier(qualifier);
  const suffix = `\${AWS::AccountId}-\${AWS::Region}`;
  const role = (name: string) =>
    `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-${qualifier}-${name}-${suffix}`;
  return {
    qualifier,
    bucketName: `cdk-${qualifier}-assets-${suffix}`,
    fileAssetPublishingRoleArn: role('file-publishing-role'),
    deployRoleArn: role('deploy-role'),
    cloudFormationExecutionRoleArn: role('cfn-exec-role'),
    lookupRoleArn: role('lookup-role'),
    versionParameter: `/cdk-bootstrap/${qualifier}/version`,
  };
}

/** Hex SHA-256 of a text. */
export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * The `TemplateURL` of a nested stack whose template is the object `objectKey` of the bootstrap
 * bucket: `https://s3.<region>.<url suffix>/<bucket>/<key>`, built from pseudo parameters so the
 * same template deploys in any account, region and partition.
 */
export function nestedTemplateUrl(names: BootstrapNames, objectKey: string): CfnValue {
  return {
    'Fn::Join': [
      '',
      [
        'https://s3.',
        { Ref: 'AWS::Region' },
        '.',
        { Ref: 'AWS::URLSuffix' },
        '/',
        { 'Fn::Sub': names.bucketName },
        `/${objectKey}`,
      ],
    ],
  };
}

/** Collects template files as file assets bound for the bootstrap bucket. */
export class FileAssetCollector {
  private readonly files: Record<string, FileAsset> = {};

  constructor(private readonly names: BootstrapNames) {}

  /**
   * Registers the file `path` (relative to the assembly folder) whose content hashes to `hash`.
   * @returns the object key in the bootstrap bucket, `<hash>.json`.
   */
  add(hash: string, path: string, displayName: string): string {
    const objectKey = `${hash}.json`;
    const destination: FileDestination = {
      bucketName: this.names.bucketName,
      objectKey,
      assumeRoleArn: this.names.fileAssetPublishingRoleArn,
    };
    // Destination ids follow CDK's: environment placeholder plus a short hash of the destination.
    const destinationId = `current_account-current_region-${sha256(JSON.stringify(destination)).slice(0, 8)}`;
    this.files[hash] = {
      displayName,
      source: { path, packaging: FileAssetPackaging.FILE },
      destinations: { [destinationId]: destination },
    };
    return objectKey;
  }

  /** The asset manifest (`*.assets.json`) content. */
  toManifest(): AssetManifest {
    return { version: Manifest.version(), files: this.files, dockerImages: {} };
  }
}

/** What the cloud assembly's `manifest.json` describes. */
export interface StackArtifactSpec {
  readonly stackName: string;
  /** Root template file name inside the assembly folder. */
  readonly templateFile: string;
  /** Object key of the root template asset. */
  readonly templateObjectKey: string;
  /** Asset manifest file name inside the assembly folder. */
  readonly assetManifestFile: string;
  readonly names: BootstrapNames;
}

/** Artifact id of a stack's asset manifest, as CDK names it. */
export function assetArtifactId(stackName: string): string {
  return `${stackName}.assets`;
}

/** Builds the assembly manifest: one asset-manifest artifact and the stack that depends on it. */
export function assemblyManifest(spec: StackArtifactSpec): AssemblyManifest {
  const { names, stackName } = spec;
  const assetsId = assetArtifactId(stackName);
  const bootstrapCheck = {
    requiresBootstrapStackVersion: REQUIRED_BOOTSTRAP_VERSION,
    bootstrapStackVersionSsmParameter: names.versionParameter,
  };
  const assets: ArtifactManifest = {
    type: ArtifactType.ASSET_MANIFEST,
    properties: { file: spec.assetManifestFile, ...bootstrapCheck },
  };
  const stack: ArtifactManifest = {
    type: ArtifactType.AWS_CLOUDFORMATION_STACK,
    environment: UNKNOWN_ENVIRONMENT,
    properties: {
      templateFile: spec.templateFile,
      stackName,
      validateOnSynth: false,
      assumeRoleArn: names.deployRoleArn,
      cloudFormationExecutionRoleArn: names.cloudFormationExecutionRoleArn,
      stackTemplateAssetObjectUrl: `s3://${names.bucketName}/${spec.templateObjectKey}`,
      ...bootstrapCheck,
      lookupRole: {
        arn: names.lookupRoleArn,
        requiresBootstrapStackVersion: LOOKUP_ROLE_BOOTSTRAP_VERSION,
        bootstrapStackVersionSsmParameter: names.versionParameter,
      },
    },
    dependencies: [assetsId],
    displayName: stackName,
  };
  return { version: Manifest.version(), artifacts: { [assetsId]: assets, [stackName]: stack } };
}

/**
 * Writes `manifest.json`, the asset manifest and `cdk.out` into `dir` with the schema version of
 * the bundled cloud-assembly schema (the one the toolkit reads).
 * @returns the file names written.
 */
export function writeAssemblyFiles(
  dir: string,
  spec: StackArtifactSpec,
  assets: FileAssetCollector,
): string[] {
  Manifest.saveAssetManifest(assets.toManifest(), join(dir, spec.assetManifestFile));
  Manifest.saveAssemblyManifest(assemblyManifest(spec), join(dir, 'manifest.json'));
  writeFileSync(join(dir, 'cdk.out'), JSON.stringify({ version: Manifest.version() }));
  return [spec.assetManifestFile, 'manifest.json', 'cdk.out'];
}
