/**
 * The inputs and the view of the deploy/destroy progress display.
 *
 * Nothing here talks to AWS: the deploy code feeds CloudFormation stack events (as returned by
 * `DescribeStackEvents`) and ECS rollout snapshots into a {@link DeployProgressModel}, and the
 * renderers turn the model's view into terminal frames, log lines or JSON lines.
 *
 * @module
 */

import type { StackEvent } from '@aws-sdk/client-cloudformation';

/** What the CLI is doing to a stack. */
export type ProgressOperation = 'deploy' | 'destroy';

/** A deploy or destroy of one (root) stack begins. */
export interface StackStart {
  /** The root stack's name, e.g. `MyApp`. Events whose `StackName` is this belong to it. */
  readonly stackName: string;
  /** True when the stack already exists (an update); false for a create. Ignored for destroys. */
  readonly isUpdate: boolean;
  /**
   * How many resources of the root stack are expected to reach a final status: the template's
   * resource count for a create or destroy, the change set's size for an update. When omitted the
   * view counts the resources it has seen events for.
   */
  readonly resourcesTotal?: number;
  readonly operation: ProgressOperation;
}

/** The deploy or destroy of a root stack has ended. */
export interface StackFinish {
  readonly stackName: string;
  /** Whether the operation succeeded. */
  readonly ok: boolean;
  /** Why it failed or was stopped (e.g. "the circuit breaker tripped"); shown in the summary. */
  readonly message?: string;
}

/** One stopped ECS task, as described by `DescribeTasks` plus its last log lines. */
export interface StoppedTask {
  /** The task id (the last part of the task ARN). */
  readonly taskId: string;
  /** ECS's `stoppedReason`, e.g. `Essential container in task exited`. */
  readonly stoppedReason: string;
  readonly stoppedAt?: Date;
  /** The task's containers with their exit codes and reasons, where ECS reports them. */
  readonly containers: readonly {
    readonly name: string;
    readonly exitCode?: number;
    readonly reason?: string;
  }[];
  /** The last lines the task's containers logged, oldest first. */
  readonly logLines: readonly string[];
}

/** A snapshot of an ECS service's rollout while CloudFormation creates or updates it. */
export interface ServiceRollout {
  /** ARN of the (root or nested) stack that holds the `AWS::ECS::Service` resource. */
  readonly stackId: string;
  /** The service's logical id in that stack. */
  readonly logicalId: string;
  readonly serviceName: string;
  readonly running: number;
  readonly desired: number;
  readonly pending: number;
  /**
   * This rollout's state: FAILED when a deployment started during the rollout failed, even once
   * ECS runs a rollback; an older FAILED primary deployment is not reported.
   */
  readonly rolloutState?: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  readonly rolloutStateReason?: string;
  /** The deployment circuit breaker, when the service has one. */
  readonly circuitBreaker?: {
    readonly enabled: boolean;
    readonly rollback: boolean;
    readonly failedTasks: number;
    readonly threshold: number;
  };
  /** Recently stopped tasks, newest first. */
  readonly stoppedTasks: readonly StoppedTask[];
}

/**
 * Where a container image asset is on its way to the registry:
 * - `waiting`: not started (builds run one at a time, before any stack is deployed);
 * - `building`: `docker build` runs (or the image is found cached locally);
 * - `built`: built and tagged, not pushed yet;
 * - `pushing`: logging in to the registry and `docker push`;
 * - `pushed`: the registry has it;
 * - `unchanged`: the registry already had this tag, so it was neither built nor pushed;
 * - `failed`: the build, the login or the push failed ({@link ImageProgress.detail} says why);
 * - `cancelled`: the deploy stopped before this image's turn.
 */
export type ImageStage =
  | 'waiting'
  | 'building'
  | 'built'
  | 'pushing'
  | 'pushed'
  | 'unchanged'
  | 'failed'
  | 'cancelled';

/** News about one container image asset, as the deploy feeds it. */
export interface ImageProgress {
  /** The asset's id (the hash of its source), e.g. `53feef40…`. */
  readonly assetId: string;
  /** What the app calls the image (its asset's display name), e.g. `Orders/Image`. */
  readonly name: string;
  readonly stage: ImageStage;
  /** The repository URI and tag the image is pushed to, once known. */
  readonly imageUri?: string;
  /** The latest line of Docker's output while it builds or pushes; why, when it failed. */
  readonly detail?: string;
}

/** Any input the model accepts, tagged; what listeners and the JSON renderer receive. */
export type ProgressInput =
  | { readonly kind: 'stack-started'; readonly start: StackStart }
  | { readonly kind: 'event'; readonly event: StackEvent }
  | { readonly kind: 'rollout'; readonly rollout: ServiceRollout }
  | { readonly kind: 'image'; readonly image: ImageProgress }
  | { readonly kind: 'finished'; readonly finish: StackFinish };

/**
 * How a status is shown.
 * - `pending`: no status yet;
 * - `progress`: `*_IN_PROGRESS` outside a rollback;
 * - `complete`: `*_COMPLETE`;
 * - `skipped`: `DELETE_SKIPPED` (kept by a retain policy);
 * - `failed`: `*_FAILED`;
 * - `rollback`: any `*ROLLBACK*` status that is not `*_FAILED` (a warning: something failed);
 * - `cancelled`: a `*_FAILED` status CloudFormation gave only because another resource failed
 *   ("Resource creation cancelled").
 */
export type Severity = 'pending' | 'progress' | 'complete' | 'skipped' | 'failed' | 'rollback' | 'cancelled';

/** A failed status a resource went through, kept after later statuses (e.g. a rollback's delete). */
export interface ResourceFailure {
  readonly status: string;
  readonly reason: string;
  readonly at?: Date;
  /** True for "Resource creation cancelled" and the like: a consequence, not a cause. */
  readonly cancelled: boolean;
}

/** One resource row of the view. */
export interface ResourceRow {
  readonly logicalId: string;
  /** The full type, e.g. `AWS::ECS::Service`. */
  readonly type: string;
  /** The type without the `AWS::` prefix, e.g. `ECS::Service`. */
  readonly shortType: string;
  readonly physicalId?: string;
  /** The latest status, e.g. `CREATE_IN_PROGRESS`. */
  readonly status: string;
  /** The latest status's reason, as CloudFormation gave it. */
  readonly reason?: string;
  /**
   * How to show the row: the latest status's severity, except that a row that failed (not merely
   * cancelled) stays `failed` through the rollback that follows.
   */
  readonly severity: Severity;
  /** The first real failure of this resource, else its first cancellation. */
  readonly failure?: ResourceFailure;
  /** Milliseconds since the first `*_IN_PROGRESS`; frozen at the latest final status. */
  readonly elapsedMs?: number;
  /** The nested stack, for `AWS::CloudFormation::Stack` rows whose stack has sent events. */
  readonly nested?: StackNode;
  /** The latest rollout snapshot, for `AWS::ECS::Service` rows. */
  readonly rollout?: ServiceRollout;
}

/** A stack (root or nested) in the view. */
export interface StackNode {
  readonly stackName: string;
  /** The stack ARN, once an event has told it. */
  readonly stackId?: string;
  /**
   * Where the stack sits: the root stack's name followed by the logical ids of the nested-stack
   * resources leading to it, e.g. `['MyApp', 'ServiceStack']`.
   */
  readonly path: readonly string[];
  /** The stack's own latest status. */
  readonly status?: string;
  readonly reason?: string;
  readonly severity: Severity;
  /** Milliseconds since the operation began (root) or the stack's first event (nested). */
  readonly elapsedMs: number;
  /** Resources with a final status. */
  readonly done: number;
  /** Resources expected: {@link StackStart.resourcesTotal} for a root stack, else resources seen. */
  readonly total: number;
  readonly resources: readonly ResourceRow[];
}

/** A root stack with what the CLI told the model about the operation. */
export interface RootStackNode extends StackNode {
  readonly operation: ProgressOperation;
  readonly isUpdate: boolean;
  /** Set once {@link StackFinish} arrived. */
  readonly finished?: { readonly ok: boolean; readonly message?: string };
}

/** One container image row of the view. */
export interface ImageRow extends ImageProgress {
  /** How to show it: `progress` while building or pushing, `complete` once in the registry. */
  readonly severity: Severity;
  /** Milliseconds since it started building (or pushing); frozen when it ends. */
  readonly elapsedMs?: number;
}

/** Everything a renderer draws, computed at one instant. */
export interface ProgressView {
  /** Container images the deploy builds and pushes, in the order the deploy announced them. */
  readonly images: readonly ImageRow[];
  /** Root stacks in the order they started. */
  readonly stacks: readonly RootStackNode[];
  /**
   * Stacks that sent events but are not (yet) known to be nested under a root stack: their
   * parent's event with the nested stack ARN has not arrived.
   */
  readonly unattached: readonly StackNode[];
}

/** A failed resource, for the final summary. */
export interface ProgressFailure {
  /** The stack path joined by `/`, e.g. `MyApp/ServiceStack`. */
  readonly stackPath: string;
  readonly stackName: string;
  readonly logicalId: string;
  /** The full resource type, e.g. `AWS::ECS::Service`. */
  readonly type: string;
  /** The failed status, e.g. `CREATE_FAILED`. */
  readonly status: string;
  /** CloudFormation's `ResourceStatusReason`. */
  readonly reason: string;
  readonly at?: Date;
  /** The ECS rollout of the resource, when it is a service the deploy watched. */
  readonly rollout?: ServiceRollout;
}

/** What changed in the model because of one input. */
export type ProgressChange =
  | {
      readonly kind: 'stack-started';
      readonly stackName: string;
    }
  | {
      /** A resource row got a new status. */
      readonly kind: 'resource-status';
      readonly stackPath: readonly string[];
      readonly logicalId: string;
      readonly type: string;
      readonly status: string;
      readonly previousStatus?: string;
      readonly reason?: string;
      readonly severity: Severity;
      readonly elapsedMs?: number;
      readonly at?: Date;
    }
  | {
      /** A stack's own status changed. */
      readonly kind: 'stack-status';
      readonly stackPath: readonly string[];
      readonly stackName: string;
      readonly status: string;
      readonly previousStatus?: string;
      readonly reason?: string;
      readonly severity: Severity;
      /** The status of the parent's row for this (nested) stack; absent for root stacks. */
      readonly parentRowStatus?: string;
      readonly at?: Date;
    }
  | {
      readonly kind: 'rollout';
      readonly stackPath: readonly string[];
      readonly logicalId: string;
      readonly rollout: ServiceRollout;
      readonly previous?: ServiceRollout;
      /** The resource row's status and elapsed time, when the row exists. */
      readonly status?: string;
      readonly elapsedMs?: number;
    }
  | {
      /** A container image moved to another stage. */
      readonly kind: 'image';
      readonly assetId: string;
      readonly name: string;
      readonly stage: ImageStage;
      readonly previousStage?: ImageStage;
      readonly imageUri?: string;
      readonly detail?: string;
      readonly severity: Severity;
      readonly elapsedMs?: number;
    }
  | {
      readonly kind: 'finished';
      readonly stackName: string;
      readonly ok: boolean;
      readonly message?: string;
      readonly elapsedMs: number;
    };

/** What a model listener receives after each accepted input. */
export interface ProgressUpdate {
  readonly input: ProgressInput;
  /** The model's clock when the input was applied. */
  readonly now: number;
  readonly changes: readonly ProgressChange[];
  /**
   * For `event` and `rollout` inputs: the path of the stack the input belongs to (see
   * {@link StackNode.path}), when the model could place it.
   */
  readonly stackPath?: readonly string[];
  /** For `event` inputs: the resource's (or the stack's own) elapsed time after the event. */
  readonly elapsedMs?: number;
}

/** Where renderers write: `process.stdout`, `process.stderr` or a test buffer. */
export interface ProgressOutput {
  write(s: string): void;
  /** Terminal width; lines are truncated to it. */
  readonly columns?: number;
  /** Terminal height; the live view collapses completed rows to fit. */
  readonly rows?: number;
  readonly isTTY?: boolean;
}
