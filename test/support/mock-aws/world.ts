/**
 * The state every mocked service shares: account and region, the S3 objects and buckets, the
 * identities behind access keys, a clock whose timestamps never repeat, and the call log.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import type { UnknownActionError } from './protocol.js';
import type { MockAwsOptions, MockCall, MockEcsService, ResourceFailure, ResourceHold } from './types.js';

/** The CDK bootstrap qualifier the toolkit uses by default. */
export const QUALIFIER = 'hnb659fds';

/** Who signed a request. */
export interface Identity {
  readonly arn: string;
  readonly userId: string;
}

/** Shared state of one mocked AWS endpoint. */
export class MockWorld {
  readonly account: string;
  readonly region: string;
  readonly partition = 'aws';
  readonly urlSuffix = 'amazonaws.com';
  readonly stepMs: number;
  readonly bootstrapVersion: number | undefined;
  readonly failures: ResourceFailure[];
  readonly holds: ResourceHold[];
  readonly released = new Set<string>();
  readonly outputs: Record<string, string> | undefined;
  readonly ecs: Record<string, MockEcsService>;
  readonly zones: { zoneName: string; zoneId: string }[];
  /** `127.0.0.1:<port>` of the OCI registry standing in for ECR, if any. */
  readonly registry: string | undefined;
  /** What ECS reports for services the test gave no record for, by service ARN. */
  readonly defaultEcs = new Map<string, MockEcsService>();
  readonly calls: MockCall[] = [];
  readonly unknownActions: string[] = [];
  /** S3 objects, `bucket/key` → body. */
  readonly objects = new Map<string, Buffer>();
  readonly buckets = new Set<string>();
  /** Access key id → identity (the base user, or a role assumed through STS). */
  readonly identities = new Map<string, Identity>();
  /** The base credentials handed to tests. */
  readonly baseAccessKeyId: string;
  closed = false;
  private lastTime = 0;
  private readonly timers = new Map<NodeJS.Timeout, () => void>();

  constructor(options: MockAwsOptions) {
    this.account = options.account ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
    this.stepMs = options.stepMs ?? 5;
    this.bootstrapVersion = options.bootstrap === false ? undefined : (options.bootstrap?.version ?? 30);
    this.failures = options.failures ?? [];
    this.holds = options.holds ?? [];
    this.outputs = options.outputs;
    this.ecs = options.ecs ?? {};
    this.zones = options.zones ?? defaultZones(this.region);
    this.registry = options.registry;
    this.baseAccessKeyId = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
    this.identities.set(this.baseAccessKeyId, {
      arn: `arn:${this.partition}:iam::${this.account}:user/mock-user`,
      userId: `AIDA${randomBytes(8).toString('hex').toUpperCase()}`,
    });
    if (this.bootstrapVersion !== undefined) this.buckets.add(this.assetsBucket);
  }

  /** `cdk-hnb659fds-assets-<account>-<region>`. */
  get assetsBucket(): string {
    return `cdk-${QUALIFIER}-assets-${this.account}-${this.region}`;
  }

  /** A timestamp later than every one handed out before (events must sort strictly). */
  now(): Date {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return new Date(this.lastTime);
  }

  /** `arn:aws:<service>:<region>:<account>:<resource>`. */
  arn(service: string, resource: string, regional = true): string {
    return `arn:${this.partition}:${service}:${regional ? this.region : ''}:${this.account}:${resource}`;
  }

  /** Waits `ms` (one step by default); resolves at once after {@link close}. */
  sleep(ms = this.stepMs): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  /** Records an action no mocked service implements. */
  reportUnknown(error: UnknownActionError): void {
    this.unknownActions.push(`${error.service}:${error.action}`);
    process.stderr.write(`[mocked AWS] ${error.message}\n`);
  }

  /** A fresh request id. */
  requestId(): string {
    return randomUUID();
  }

  /** Stops every pending timer (their sleeps resolve at once). */
  close(): void {
    this.closed = true;
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
  }
}

/** `us-east-1a…c` → `use1-az1…3`: the shape of AWS's names and zone IDs, not any account's real mapping. */
function defaultZones(region: string): { zoneName: string; zoneId: string }[] {
  const [area = '', direction = '', number = ''] = region.split('-');
  const prefix = `${area}${direction.replace(/(north|south)?(east|west|central)?/, (_m, ns = '', ew = '') => `${ns.charAt(0)}${ew.charAt(0)}`)}${number}`;
  return ['a', 'b', 'c'].map((letter, i) => ({
    zoneName: `${region}${letter}`,
    zoneId: `${prefix}-az${i + 1}`,
  }));
}
