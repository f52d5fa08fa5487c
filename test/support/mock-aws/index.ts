/**
 * Mocked AWS: one HTTP endpoint on 127.0.0.1 that plays CloudFormation, STS, S3, SSM, ECS, ECR,
 * CloudWatch Logs and CloudTrail well enough for the real CDK toolkit library and the real AWS SDK
 * v3 clients to deploy, diff, describe and destroy stacks against it. Point the SDK at it with
 * {@link MockAws.useEnv} (every SDK client honours `AWS_ENDPOINT_URL`).
 *
 * Implemented actions (anything else answers HTTP 400 naming the action, and is listed in
 * {@link MockAws.unknownActions}):
 * - CloudFormation: DescribeStacks, ListStacks, DescribeStackEvents, DescribeStackResources,
 *   DescribeStackResource, ListStackResources, GetTemplate, GetTemplateSummary, CreateChangeSet,
 *   DescribeChangeSet, ListChangeSets, ExecuteChangeSet, DeleteChangeSet, CreateStack, UpdateStack,
 *   DeleteStack, CancelUpdateStack, ContinueUpdateRollback, RollbackStack,
 *   UpdateTerminationProtection, ListExports, ListImports, ValidateTemplate.
 * - STS: GetCallerIdentity, AssumeRole. SSM: GetParameter.
 * - S3 (path-style): ListBuckets, CreateBucket, HeadBucket, GetBucketLocation, GetBucketEncryption,
 *   ListObjects(V2), PutObject (also `aws-chunked` bodies), GetObject, HeadObject, DeleteObject(s).
 * - ECS: DescribeServices, ListServices, ListTasks, DescribeTasks, DescribeTaskDefinition.
 * - ECR: DescribeRepositories, GetAuthorizationToken, DescribeImages, backed by a real OCI
 *   registry when `options.registry` names one (see `ecr.ts`).
 * - CloudWatch Logs: GetLogEvents, FilterLogEvents, DescribeLogStreams. CloudTrail: LookupEvents (empty).
 *
 * Not modelled: resource replacement (every Modify is `Replacement: False`), stack policies,
 * drift, imports, hooks, multipart uploads, request signatures (never checked), nested stacks of
 * seeded stacks (`options.stacks` creates their resources only).
 *
 * @example
 * const mock = await startMockAws({ failures: [{ logicalId: 'Service', stack: 'ServiceStack', reason: 'boom' }] });
 * const restore = mock.useEnv();
 * try { await toolkit.deploy(cx); } finally { restore(); await mock.close(); }
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationEngine } from './cloudformation.js';
import { CLOUDFORMATION_NAMESPACE, cloudFormationActions } from './cloudformation-api.js';
import { cloudTrailActions } from './cloudtrail.js';
import { ec2Service } from './ec2.js';
import { ecrActions } from './ecr.js';
import { ecsActions } from './ecs.js';
import { logsActions } from './logs.js';
import { jsonService, queryService } from './protocol.js';
import { s3Service } from './s3.js';
import { listen } from './server.js';
import { ssmActions } from './ssm.js';
import { STS_NAMESPACE, stsActions } from './sts.js';
import type { MockAwsOptions, MockCall, MockStack, ResourceFailure } from './types.js';
import { MockWorld } from './world.js';

export type * from './types.js';

/** A running mocked AWS endpoint. */
export interface MockAws {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly account: string;
  readonly region: string;
  /**
   * Environment that points the AWS SDK (and the CDK toolkit) here and away from `~/.aws` and
   * `~/.cdk`: `AWS_ENDPOINT_URL` (and `AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION`, so the CDK toolkit
   * names templates by their S3 URL as it does against AWS), fake credentials, region, `AWS_EC2_METADATA_DISABLED`, empty
   * `AWS_CONFIG_FILE`/`AWS_SHARED_CREDENTIALS_FILE`, a temporary `CDK_HOME`.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Every request, in order. */
  readonly calls: readonly MockCall[];
  /** `service:action` of every request no mocked service implements (answered with a 400). */
  readonly unknownActions: readonly string[];
  /** S3 objects, `bucket/key` → body. */
  readonly objects: Map<string, Buffer>;
  /** The failures in effect (the array passed in `options.failures`, or a new one): push or splice. */
  readonly failures: ResourceFailure[];
  /** A stack by name (live stacks) or ARN (deleted ones too). */
  stack(nameOrId: string): MockStack | undefined;
  /** Every stack, deleted ones included, in creation order. */
  stacks(): MockStack[];
  /** The actions called on `service` (e.g. `cloudformation`), in order. */
  actions(service?: string): string[];
  /** Keeps a resource in progress from now on (like `options.holds`) until {@link release}. */
  hold(logicalId: string, stack?: string): void;
  /** Lets a held resource finish (for good: later operations on it are not held). */
  release(logicalId: string): void;
  /** Resolves when no stack operation is running. */
  settled(): Promise<void>;
  /**
   * Sets {@link env} in `process.env` (and removes variables that would take precedence, such as
   * `AWS_PROFILE` or `AWS_ENDPOINT_URL_S3`); returns a function that restores the previous values.
   */
  useEnv(): () => void;
  /** Stops the server and every running operation, and removes the temporary files. */
  close(): Promise<void>;
}

/** Variables that would override {@link MockAws.env} when left set. */
const CONFLICTING_ENV = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CA_BUNDLE',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
];

/** Starts a mocked AWS endpoint on a free port of 127.0.0.1. */
export async function startMockAws(options: MockAwsOptions = {}): Promise<MockAws> {
  const world = new MockWorld(options);
  const engine = new CloudFormationEngine(world);
  if (world.bootstrapVersion !== undefined) engine.seedBootstrap(world.bootstrapVersion);
  for (const seed of options.stacks ?? []) engine.seed(seed);

  const onUnknown = world.reportUnknown.bind(world);
  const { server, endpoint } = await listen(world, {
    cloudformation: queryService(
      'cloudformation',
      CLOUDFORMATION_NAMESPACE,
      cloudFormationActions(engine),
      onUnknown,
    ),
    sts: queryService('sts', STS_NAMESPACE, stsActions(world), onUnknown),
    s3: s3Service(world, onUnknown),
    ssm: jsonService('ssm', ssmActions(world, engine), onUnknown),
    ecs: jsonService('ecs', ecsActions(world, engine), onUnknown),
    ecr: jsonService('ecr', ecrActions(world, engine), onUnknown),
    logs: jsonService('logs', logsActions(world, engine), onUnknown),
    cloudtrail: jsonService('cloudtrail', cloudTrailActions(), onUnknown),
    ec2: ec2Service(world, onUnknown),
  });

  const home = mkdtempSync(join(tmpdir(), 'wharf-mock-aws-'));
  const configFile = join(home, 'aws-config');
  const credentialsFile = join(home, 'aws-credentials');
  writeFileSync(configFile, '');
  writeFileSync(credentialsFile, '');
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: endpoint,
    // The CDK toolkit names the root template's S3 URL from this variable when it is set (else from
    // the S3 endpoint, here 127.0.0.1): CloudFormation accepts S3 URLs only, so the toolkit must
    // send the URL it would send to AWS. The mock serves that URL from its own S3.
    AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION: `https://s3.${world.region}.amazonaws.com`,
    AWS_ACCESS_KEY_ID: world.baseAccessKeyId,
    AWS_SECRET_ACCESS_KEY: 'mock-secret-access-key',
    AWS_REGION: world.region,
    AWS_DEFAULT_REGION: world.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    CDK_HOME: join(home, 'cdk-home'),
  };

  return {
    endpoint,
    account: world.account,
    region: world.region,
    env,
    calls: world.calls,
    unknownActions: world.unknownActions,
    objects: world.objects,
    failures: world.failures,
    stack: (nameOrId) => engine.find(nameOrId),
    stacks: () => engine.allStacks(),
    actions: (service) => world.calls.filter((c) => !service || c.service === service).map((c) => c.action),
    hold: (logicalId, stack) => {
      world.released.delete(logicalId);
      world.holds.push({ logicalId, stack });
    },
    release: (logicalId) => {
      world.released.add(logicalId);
    },
    settled: () => engine.settled(),
    useEnv() {
      const saved = new Map<string, string | undefined>();
      const keys = [
        ...CONFLICTING_ENV,
        ...Object.keys(process.env).filter((k) => k.startsWith('AWS_ENDPOINT_URL_')),
      ];
      for (const key of keys) {
        saved.set(key, process.env[key]);
        delete process.env[key];
      }
      for (const [key, value] of Object.entries(env)) {
        if (!saved.has(key)) saved.set(key, process.env[key]);
        process.env[key] = value;
      }
      return () => {
        for (const [key, value] of saved) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      };
    },
    async close() {
      world.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(home, { recursive: true, force: true });
    },
  };
}
