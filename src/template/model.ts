/**
 * The shape of a loaded CloudFormation application: one root template plus its nested stacks.
 * Every consumer (check, cost, local run) reads templates through this model, never through
 * constructs, so that hand-written YAML and synthesized CDK output are treated the same.
 */

import type { DockerImageAssetSource } from './assets.js';
import type { ContainmentRoots } from './containment.js';

/** A CloudFormation value before resolution: literal, list, map or intrinsic function object. */
export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };

/** One entry of a template's `Resources` section. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, CfnValue>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly Metadata?: Record<string, CfnValue>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** One entry of a template's `Parameters` section. */
export interface CfnParameter {
  readonly Type: string;
  readonly Default?: CfnValue;
  readonly Description?: string;
  readonly AllowedValues?: CfnValue[];
  readonly [key: string]: CfnValue | undefined;
}

/** One entry of a template's `Outputs` section. */
export interface CfnOutput {
  readonly Value: CfnValue;
  readonly Description?: string;
  readonly Export?: { readonly Name: CfnValue };
  readonly Condition?: string;
}

/** A parsed CloudFormation template (intrinsics kept in their long JSON form, e.g. `{ Ref: X }`). */
export interface CfnTemplate {
  readonly AWSTemplateFormatVersion?: string;
  readonly Description?: string;
  readonly Transform?: string | string[];
  readonly Metadata?: Record<string, CfnValue>;
  readonly Parameters?: Record<string, CfnParameter>;
  readonly Mappings?: Record<string, Record<string, Record<string, CfnValue>>>;
  readonly Conditions?: Record<string, CfnValue>;
  readonly Rules?: Record<string, CfnValue>;
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, CfnOutput>;
}

/** A template in the application tree, with its place in that tree. */
export interface LoadedStack {
  /**
   * Display name: the root's file name (or CDK stack name), or for a nested stack the logical ids
   * from the root down to it joined with `/` (just its logical id when it sits under the root).
   */
  readonly name: string;
  /** Logical ids from the root down to this stack; `[]` for the root. */
  readonly path: readonly string[];
  /** Absolute path of the file this template was read from. */
  readonly file: string;
  readonly template: CfnTemplate;
  /** The stack that holds this one as a nested stack, and the logical id of that resource. */
  readonly parent?: { readonly stack: LoadedStack; readonly logicalId: string };
  /** Nested stacks keyed by the logical id of their `AWS::CloudFormation::Stack` (or SAM app) resource. */
  readonly children: ReadonlyMap<string, LoadedStack>;
}

/** A root template and every nested stack under it. */
export interface LoadedApp {
  /** Where the templates came from. */
  readonly source: 'template-file' | 'cloud-assembly';
  /** The root stack's name (CDK stack name, or the root file's base name). */
  readonly name: string;
  readonly root: LoadedStack;
  /** Every stack, root first, then depth-first in template order. */
  readonly stacks: readonly LoadedStack[];
  /** Nested stacks the loader did not read (remote or computed locations), so callers can report them. */
  readonly unloaded?: readonly UnloadedNestedStack[];
  /** Docker image assets of a cloud assembly's stack (folders with a Dockerfile); none for a template file. */
  readonly dockerImageAssets?: readonly DockerImageAssetSource[];
  /**
   * The folders files named by these templates may come from (the root template's folder or the
   * cloud assembly, plus `--allow-path`): pass them to `resolveContainedPath` to open anything
   * else the templates name (a Docker build folder, an env file) under the same rule.
   */
  readonly roots?: ContainmentRoots;
  /**
   * An app given as several root templates (`--template cluster.yml --template service.yml`,
   * linked by `Export`/`Fn::ImportValue`): each root template as a one-root app of its own, in the
   * order given. `root` is then the first one's root and `stacks` spans them all; the evaluator
   * names each root stack after its own member and orders them exporters first.
   * @default - one root template
   */
  readonly members?: readonly LoadedApp[];
}

/** A nested-stack resource whose template was not loaded, and why. */
export interface UnloadedNestedStack {
  /** The stack holding the nested-stack resource. */
  readonly stack: LoadedStack;
  readonly logicalId: string;
  /** `Properties.TemplateURL` or `Properties.Location`. */
  readonly propertyPath: string;
  /** The location as written (a URL, or the JSON of a non-literal value). */
  readonly location: string;
  /** `remote`: an http(s)/s3 URL; `computed`: not a literal string; `serverless-repo`: a SAM application id. */
  readonly reason: 'remote' | 'computed' | 'serverless-repo';
}
