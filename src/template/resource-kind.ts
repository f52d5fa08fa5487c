/**
 * The shape of the physical-id table (`physical-ids.ts`): what it knows about one resource
 * ({@link ResourceContext}), how a type answers `Ref` and `Fn::GetAtt` ({@link ResourceKind}), and
 * small helpers shared by the per-service tables (ARNs, name properties with generated fallbacks).
 */

import { generatedName, type IdSource } from './generated-ids.js';
import type { LocalEnvironment, PlainValue } from './resolved.js';

/** What the table needs to know about one resource. */
export interface ResourceContext {
  readonly logicalId: string;
  readonly type: string;
  readonly stackName: string;
  readonly environment: LocalEnvironment;
  /** Id characters seeded by this resource's stack path and logical id. */
  readonly ids: IdSource;
  /** A top-level property, evaluated; `undefined` when absent. */
  property(name: string): PlainValue | undefined;
  /** This resource's `Ref` value. */
  ref(): string;
  /** Resources of `type` in the same stack (whose conditions hold). */
  siblings(type: string): readonly ResourceContext[];
  /**
   * Resources of `type` in every created stack of the app (conditions hold), the stacks in load
   * order (root, then nested stacks depth first) and each stack's resources in declaration order.
   * @default when absent, {@link ResourceContext.siblings} (a single stack)
   */
  appResources?(type: string): readonly ResourceContext[];
  /** Nested stacks: the child's `AWS::StackId`. */
  nestedStackId?(): string;
}

/** One attribute's value for a resource. */
export type Attribute = (ctx: ResourceContext) => PlainValue;

/** How one resource type answers `Ref` and `Fn::GetAtt`. */
export interface ResourceKind {
  readonly ref: (ctx: ResourceContext) => string;
  readonly attributes: Readonly<Record<string, Attribute>>;
}

/** A top-level property as a string, if it is a string or number. */
export function text(ctx: ResourceContext, name: string): string | undefined {
  const value = ctx.property(name);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` (no region for global services). */
export function arn(ctx: ResourceContext, service: string, resource: string, regional = true): string {
  const { partition, region, accountId } = ctx.environment;
  return `arn:${partition}:${service}:${regional ? region : ''}:${accountId}:${resource}`;
}

/** The name property when set, else a CloudFormation-style generated name. */
export function nameOf(ctx: ResourceContext, property: string, maxLength = 255): string {
  return text(ctx, property) ?? generatedName(ctx.stackName, ctx.logicalId, ctx.ids, maxLength);
}

/** The attribute that returns the `Ref` value itself (e.g. `VpcId`). */
export const own: Attribute = (ctx) => ctx.ref();
/** The attribute that returns a property as written (e.g. `CidrBlock`). */
export const prop =
  (name: string, fallback: PlainValue = ''): Attribute =>
  (ctx) =>
    ctx.property(name) ?? fallback;
