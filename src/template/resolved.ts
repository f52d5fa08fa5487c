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
   * What `Fn::GetAtt` returns, for every attribute Wharf models for this type (e.g. `Arn`,
   * `Id`, `ApiEndpoint`, `DNSName`, `GroupId`). Nested stacks: `Outputs.<Name>`. Other attributes
   * the resource schemas list are answered only where a template reads them (see
   * {@link ResolvedApp.inventedAttributes}).
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

/**
 * One `Fn::GetAtt` of an attribute Wharf does not model, answered with an invented value shaped
 * like AWS's (see `schema-attributes.ts`): where it is written and what it read.
 */
export interface InventedAttribute {
  /** The template file the `Fn::GetAtt` is written in. */
  readonly file: string;
  /** The resource, output or condition it is written in. */
  readonly readerId?: string;
  /** Where in that entry, e.g. `Properties.ContainerDefinitions.0.Environment.1.Value`. */
  readonly propertyPath: string;
  /** The resource whose attribute is read. */
  readonly logicalId: string;
  readonly type: string;
  readonly attribute: string;
  readonly value: PlainValue;
  /**
   * False when no resource schema could confirm the attribute exists (a type the schemas do not
   * list, such as a SAM type, or schemas that could not be read); `reason` says which.
   */
  readonly checked: boolean;
  readonly reason?: string;
}

/** A whole application after evaluation. */
export interface ResolvedApp {
  readonly loaded: LoadedApp;
  readonly environment: LocalEnvironment;
  /**
   * Root first, then depth-first in template order (the order of `LoadedApp.stacks`); with several
   * root templates, each one's stacks in turn, exporters first.
   */
  readonly stacks: readonly ResolvedStack[];
  readonly root: ResolvedStack;
  /**
   * The root stack of each root template, exporters first (one for an app of one root template;
   * `root` is the first).
   */
  readonly roots: readonly ResolvedStack[];
  /**
   * Every `Fn::GetAtt` answered with an invented value (attributes Wharf does not model), in the
   * order they were evaluated. `[]` when there are none.
   */
  readonly inventedAttributes: readonly InventedAttribute[];
}
