/**
 * The progress as JSON lines (`wharf deploy --json`): one object per input the model accepted
 * (a container image's new stage, a stack start, a stack event, a rollout snapshot, a finish),
 * each on its own line. Field names are stable; fields without a value are `null`, never
 * missing. Duplicate stack events (same `EventId`) and Docker's output lines are not repeated.
 *
 * @module
 */

import { statusSeverity } from './format.js';
import type { DeployProgressModel } from './model.js';
import type { ImageStage, ProgressOperation, ProgressOutput, ProgressUpdate, Severity } from './types.js';

/** `{"type":"stack-started", …}`: a deploy or destroy of a root stack begins. */
export interface JsonStackStarted {
  readonly type: 'stack-started';
  /** ISO 8601 time on the model's clock when the input arrived. */
  readonly time: string;
  readonly stackName: string;
  readonly operation: ProgressOperation;
  /** True for an update of an existing stack. */
  readonly isUpdate: boolean;
  /** Resources expected to reach a final status, if known. */
  readonly resourcesTotal: number | null;
}

/** `{"type":"event", …}`: one CloudFormation stack event. */
export interface JsonStackEvent {
  readonly type: 'event';
  /** ISO 8601 time on the model's clock when the event was received. */
  readonly time: string;
  /** CloudFormation's `EventId`. */
  readonly eventId: string | null;
  /** ISO 8601 `Timestamp` of the event, as CloudFormation recorded it. */
  readonly timestamp: string | null;
  /** The stack the event belongs to: its name and ARN. */
  readonly stackName: string | null;
  readonly stackId: string | null;
  /** Root stack name and nested-stack logical ids joined by `/`, e.g. `MyApp/ServiceStack`. */
  readonly stackPath: string | null;
  /** The resource's logical id; equals `stackName` for the stack's own status. */
  readonly logicalId: string | null;
  readonly physicalId: string | null;
  /** Full resource type, e.g. `AWS::ECS::Service`. */
  readonly resourceType: string | null;
  /** `ResourceStatus`, e.g. `CREATE_FAILED`. */
  readonly status: string | null;
  /** `ResourceStatusReason`. */
  readonly reason: string | null;
  /** How the status reads: see {@link Severity}. */
  readonly severity: Severity;
  /** Milliseconds since the resource's (or stack's) first in-progress event. */
  readonly elapsedMs: number | null;
}

/** `{"type":"rollout", …}`: a snapshot of an ECS service's rollout. */
export interface JsonRollout {
  readonly type: 'rollout';
  readonly time: string;
  /** ARN of the stack holding the service, and that stack's path. */
  readonly stackId: string;
  readonly stackPath: string | null;
  readonly logicalId: string;
  readonly serviceName: string;
  readonly running: number;
  readonly desired: number;
  readonly pending: number;
  /** `IN_PROGRESS`, `COMPLETED` or `FAILED`. */
  readonly rolloutState: string | null;
  readonly rolloutStateReason: string | null;
  readonly circuitBreaker: {
    readonly enabled: boolean;
    readonly rollback: boolean;
    readonly failedTasks: number;
    readonly threshold: number;
  } | null;
  /** Newest first. */
  readonly stoppedTasks: readonly {
    readonly taskId: string;
    readonly stoppedReason: string;
    /** ISO 8601. */
    readonly stoppedAt: string | null;
    readonly containers: readonly {
      readonly name: string;
      readonly exitCode: number | null;
      readonly reason: string | null;
    }[];
    /** Last log lines, oldest first. */
    readonly logLines: readonly string[];
  }[];
}

/** `{"type":"image", …}`: a container image asset moved to another stage. */
export interface JsonImage {
  readonly type: 'image';
  readonly time: string;
  /** The asset's id (the hash of its source). */
  readonly assetId: string;
  /** What the app calls the image, e.g. `Orders/Image`. */
  readonly name: string;
  /** `waiting`, `building`, `built`, `pushing`, `pushed`, `unchanged`, `failed` or `cancelled`. */
  readonly stage: ImageStage;
  /** The repository URI and tag, once known. */
  readonly imageUri: string | null;
  /** Why it failed (Docker's or the registry's message). */
  readonly detail: string | null;
  /** Milliseconds since it started building or pushing. */
  readonly elapsedMs: number | null;
}

/** `{"type":"finished", …}`: the deploy or destroy of a root stack ended. */
export interface JsonFinished {
  readonly type: 'finished';
  readonly time: string;
  readonly stackName: string;
  readonly ok: boolean;
  readonly message: string | null;
  /** Milliseconds from the start to the finish. */
  readonly elapsedMs: number;
  /** Every resource failure so far (cancellations left out), oldest first. */
  readonly failures: readonly {
    readonly stackPath: string;
    readonly logicalId: string;
    /** Full resource type. */
    readonly type: string;
    readonly status: string;
    readonly reason: string;
    /** ISO 8601 timestamp of the failure event. */
    readonly at: string | null;
  }[];
}

/** One line of `--json` progress output. */
export type JsonProgressRecord = JsonStackStarted | JsonStackEvent | JsonRollout | JsonImage | JsonFinished;

/** Writes one JSON line per model input; see the module documentation. */
export class JsonRenderer {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly model: DeployProgressModel,
    private readonly out: ProgressOutput,
  ) {
    this.unsubscribe = model.subscribe((update) => {
      // Docker's output lines update an image row without changing its stage: no record.
      if (update.input.kind === 'image' && update.changes.length === 0) return;
      this.out.write(`${JSON.stringify(toJsonRecord(update, this.model))}\n`);
    });
  }

  /** Detaches from the model. */
  stop(): void {
    this.unsubscribe();
  }
}

/** The JSON record of one model update. */
export function toJsonRecord(update: ProgressUpdate, model: DeployProgressModel): JsonProgressRecord {
  const time = new Date(update.now).toISOString();
  const input = update.input;
  const stackPath = update.stackPath ? update.stackPath.join('/') : null;
  switch (input.kind) {
    case 'stack-started':
      return {
        type: 'stack-started',
        time,
        stackName: input.start.stackName,
        operation: input.start.operation,
        isUpdate: input.start.isUpdate,
        resourcesTotal: input.start.resourcesTotal ?? null,
      };
    case 'event': {
      const e = input.event;
      return {
        type: 'event',
        time,
        eventId: e.EventId ?? null,
        timestamp: e.Timestamp ? e.Timestamp.toISOString() : null,
        stackName: e.StackName ?? null,
        stackId: e.StackId ?? null,
        stackPath,
        logicalId: e.LogicalResourceId ?? null,
        physicalId: e.PhysicalResourceId || null,
        resourceType: e.ResourceType ?? null,
        status: e.ResourceStatus ?? null,
        reason: e.ResourceStatusReason ?? null,
        severity: statusSeverity(e.ResourceStatus, e.ResourceStatusReason),
        elapsedMs: update.elapsedMs ?? null,
      };
    }
    case 'rollout': {
      const r = input.rollout;
      return {
        type: 'rollout',
        time,
        stackId: r.stackId,
        stackPath,
        logicalId: r.logicalId,
        serviceName: r.serviceName,
        running: r.running,
        desired: r.desired,
        pending: r.pending,
        rolloutState: r.rolloutState ?? null,
        rolloutStateReason: r.rolloutStateReason ?? null,
        circuitBreaker: r.circuitBreaker
          ? {
              enabled: r.circuitBreaker.enabled,
              rollback: r.circuitBreaker.rollback,
              failedTasks: r.circuitBreaker.failedTasks,
              threshold: r.circuitBreaker.threshold,
            }
          : null,
        stoppedTasks: r.stoppedTasks.map((task) => ({
          taskId: task.taskId,
          stoppedReason: task.stoppedReason,
          stoppedAt: task.stoppedAt ? task.stoppedAt.toISOString() : null,
          containers: task.containers.map((c) => ({
            name: c.name,
            exitCode: c.exitCode ?? null,
            reason: c.reason ?? null,
          })),
          logLines: [...task.logLines],
        })),
      };
    }
    case 'image': {
      const change = update.changes.find((c) => c.kind === 'image');
      const image = change?.kind === 'image' ? change : undefined;
      return {
        type: 'image',
        time,
        assetId: input.image.assetId,
        name: image?.name ?? input.image.name,
        stage: input.image.stage,
        imageUri: image?.imageUri ?? input.image.imageUri ?? null,
        detail: image?.detail ?? input.image.detail ?? null,
        elapsedMs: image?.elapsedMs ?? null,
      };
    }
    case 'finished': {
      const change = update.changes.find((c) => c.kind === 'finished');
      return {
        type: 'finished',
        time,
        stackName: input.finish.stackName,
        ok: input.finish.ok,
        message: input.finish.message ?? null,
        elapsedMs: change?.kind === 'finished' ? change.elapsedMs : 0,
        failures: model
          .failures()
          .filter(
            (f) =>
              f.stackPath === input.finish.stackName || f.stackPath.startsWith(`${input.finish.stackName}/`),
          )
          .map((f) => ({
            stackPath: f.stackPath,
            logicalId: f.logicalId,
            type: f.type,
            status: f.status,
            reason: f.reason,
            at: f.at ? f.at.toISOString() : null,
          })),
      };
    }
  }
}
