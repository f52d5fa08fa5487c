/**
 * The shape of an application after intrinsic evaluation with local values: every parameter,
 * condition, resource property and output is a plain JSON value (no `Ref`, no `Fn::*` left).
 *
 * Produced by `resolveApp` (`evaluate.ts`); consumed by the local cloud (`src/local`), and later
 * by `cost` and `check`. Physical ids and ARNs are generated to look like AWS's (same prefixes,
 * same ARN layout), deterministically from the stack path and logical id, so two runs of the same
 * template produce the same ids.
 */

import type { CfnResource, LoadedApp, LoadedStack } from './model.js';

/** A fully evaluated value: JSON only. */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/** The account, region and AZs the local values pretend to live in. */
export interface LocalEnvironment {
  /**
   * @default '123456789012'
   */
  readonly accountId: string;
  /**
   * @default 'us-east-1'
   */
  readonly region: string;
  /**
   * `Fn::GetAZs` answer.
   * @default - `${region}a`, `${region}b`, `${region}c`
   */
  readonly availabilityZones: readonly string[];
  /**
   * `AWS::Partition`.
   * @default 'aws'
   */
  readonly partition: string;
  /**
   * `AWS::URLSuffix`.
   * @default 'amazonaws.com'
   */
  readonly urlSuffix: string;
}

/** Options of `resolveApp`. */
export interface ResolveOptions {
  /**
   * Values for the root stack's parameters, as `--parameter Key=Value` gives them (strings; list
   * parameters comma-separated). A key the root template does not declare is an error.
   * @default - every parameter takes its `Default`
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /** @default - see {@link LocalEnvironment} */
  readonly environment?: Partial<LocalEnvironment>;
}

/** One resource after evaluation. */
export interface ResolvedResource {
  readonly logicalId: string;
  readonly type: string;
  /** The stack it is declared in. */
  readonly stack: ResolvedStack;
  /** The resource as written (for error locations and metadata). */
  readonly declared: CfnResource;
  /** `Properties` with every intrinsic evaluated; `{}` when the template has none. */
  readonly properties: { readonly [key: string]: PlainValue };
  /** What `Ref` returns: the physical id, name or ARN, depending on the type (as AWS documents it). */
  readonly ref: string;
  /**
   * What `Fn::GetAtt` returns, for every attribute Wharf generates for this type (e.g. `Arn`,
   * `Id`, `ApiEndpoint`, `DNSName`, `GroupId`). Nested stacks: `Outputs.<Name>`.
   */
  readonly attributes: Readonly<Record<string, PlainValue>>;
}

/** One stack after evaluation. */
export interface ResolvedStack {
  readonly loaded: LoadedStack;
  /** Parameter values as the stack received them (lists as string arrays). */
  readonly parameters: Readonly<Record<string, PlainValue>>;
  /** Each condition's value. */
  readonly conditions: Readonly<Record<string, boolean>>;
  /** Resources whose `Condition` holds (or that have none), in template order. */
  readonly resources: ReadonlyMap<string, ResolvedResource>;
  /** Logical ids of resources left out because their `Condition` is false. */
  readonly skipped: readonly string[];
  /** Outputs whose `Condition` holds, evaluated. */
  readonly outputs: Readonly<Record<string, PlainValue>>;
  /** `AWS::StackName` / `AWS::StackId` of this stack. */
  readonly stackName: string;
  readonly stackId: string;
}

/** A whole application after evaluation. */
export interface ResolvedApp {
  readonly loaded: LoadedApp;
  readonly environment: LocalEnvironment;
  /** Root first, then depth-first in template order (the order of `LoadedApp.stacks`). */
  readonly stacks: readonly ResolvedStack[];
  readonly root: ResolvedStack;
}
