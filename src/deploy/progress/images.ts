/**
 * The container-image part of the progress model: one row per image asset, from `waiting`
 * through `building` and `pushing` to `pushed` (or `unchanged`, `failed`, `cancelled`), with the
 * time it took and Docker's latest output line.
 *
 * @module
 */

import type { ImageProgress, ImageRow, ImageStage, ProgressChange, Severity } from './types.js';

/** How an image stage reads. */
export function imageSeverity(stage: ImageStage): Severity {
  switch (stage) {
    case 'waiting':
      return 'pending';
    case 'building':
    case 'built':
    case 'pushing':
      return 'progress';
    case 'pushed':
    case 'unchanged':
      return 'complete';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
  }
}

/** True while Docker works on the image (the spinner turns). */
export function isImageMoving(stage: ImageStage): boolean {
  return imageSeverity(stage) === 'progress';
}

/** The words a stage is shown with, e.g. `push failed`. */
export function imageStageText(stage: ImageStage): string {
  return stage === 'unchanged' ? 'unchanged (already pushed)' : stage;
}

interface ImageState {
  progress: ImageProgress;
  startedAt?: number;
  endedAt?: number;
}

/** Image rows by asset id, in the order they were first announced. */
export class ImageProgressState {
  private readonly images = new Map<string, ImageState>();

  /**
   * Applies one update; returns the change when the stage moved. A URI or detail given once is
   * kept until replaced; a new stage drops the previous stage's detail.
   */
  apply(update: ImageProgress, now: number): ProgressChange | undefined {
    const state = this.images.get(update.assetId);
    const previous = state?.progress;
    const stageChanged = previous?.stage !== update.stage;
    const imageUri = update.imageUri ?? previous?.imageUri;
    const detail = update.detail ?? (stageChanged ? undefined : previous?.detail);
    const progress: ImageProgress = {
      assetId: update.assetId,
      name: update.name || previous?.name || update.assetId,
      stage: update.stage,
      ...(imageUri ? { imageUri } : {}),
      ...(detail ? { detail } : {}),
    };
    const next: ImageState = state ?? { progress };
    next.progress = progress;
    if (isImageMoving(update.stage)) {
      next.startedAt ??= now;
      next.endedAt = undefined;
    } else if (next.startedAt !== undefined && update.stage !== 'waiting') {
      next.endedAt ??= now;
    }
    this.images.set(update.assetId, next);
    if (!stageChanged) return undefined;
    return {
      kind: 'image',
      assetId: progress.assetId,
      name: progress.name,
      stage: progress.stage,
      ...(previous ? { previousStage: previous.stage } : {}),
      ...(progress.imageUri ? { imageUri: progress.imageUri } : {}),
      ...(progress.detail ? { detail: progress.detail } : {}),
      severity: imageSeverity(progress.stage),
      ...(elapsed(next, now) !== undefined ? { elapsedMs: elapsed(next, now) } : {}),
    };
  }

  /** The rows as of `now`. */
  rows(now: number): ImageRow[] {
    return [...this.images.values()].map((state) => {
      const elapsedMs = elapsed(state, now);
      return {
        ...state.progress,
        severity: imageSeverity(state.progress.stage),
        ...(elapsedMs !== undefined ? { elapsedMs } : {}),
      };
    });
  }
}

function elapsed(state: ImageState, now: number): number | undefined {
  if (state.startedAt === undefined) return undefined;
  return Math.max(0, (state.endedAt ?? now) - state.startedAt);
}
