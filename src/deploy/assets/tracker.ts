/**
 * Follows the container images of one deploy through the toolkit's messages (decoded by
 * `activity.ts`) and Docker's output, and reports each image's stage to the progress view:
 * `waiting` → `building` → `built` → `pushing` → `pushed`, or `unchanged` when the registry
 * already has the tag, or `failed` with the reason. Keeps the failures for the deploy's error.
 *
 * @module
 */

import type { ImageProgress, ImageStage } from '../progress/types.js';
import { type AssetSignal, decodeAssetMessage, imageTagOf, type ToolkitAssetMessage } from './activity.js';
import { classifyImageFailure, type ImageFailure } from './failure.js';
import type { ImageAsset } from './manifest.js';

interface ImageState {
  readonly asset: ImageAsset;
  stage: ImageStage;
  imageUri?: string;
}

/** See the module documentation. */
export class ImageAssetTracker {
  private readonly images = new Map<string, ImageState>();
  /** Open build/publish spans of images: span id → asset id. */
  private readonly spans = new Map<string, string>();
  private readonly failed: ImageFailure[] = [];

  constructor(
    assets: readonly ImageAsset[],
    private readonly onUpdate: (image: ImageProgress) => void = () => {},
  ) {
    for (const asset of assets) this.images.set(asset.assetId, { asset, stage: 'waiting' });
  }

  /** Announces every image as `waiting`. */
  start(): void {
    for (const state of this.images.values()) this.report(state);
  }

  /** Reads one toolkit message (any code; those not about assets are ignored). */
  observe(message: ToolkitAssetMessage): void {
    const signal = decodeAssetMessage(message);
    if (signal) this.apply(signal);
  }

  /**
   * One line of Docker's output (from `docker build` or `docker push`): shown under the image
   * Docker works on, when only one image is being built or pushed.
   */
  output(line: string): void {
    const text = line.trim();
    if (text === '') return;
    const active = [...this.images.values()].filter((s) => s.stage === 'building' || s.stage === 'pushing');
    if (active.length === 1 && active[0]) this.report(active[0], text);
  }

  /** The failures seen so far, in order. */
  failures(): readonly ImageFailure[] {
    return this.failed;
  }

  /**
   * The deploy ended with an error: images still building or pushing failed with it, those not
   * reached are `cancelled`.
   */
  stopped(reason: string): void {
    for (const state of this.images.values()) {
      if (state.stage === 'building' || state.stage === 'pushing') this.move(state, 'failed', reason);
      else if (state.stage === 'waiting' || state.stage === 'built') this.move(state, 'cancelled');
    }
  }

  private apply(signal: AssetSignal): void {
    switch (signal.kind) {
      case 'build-started':
      case 'publish-started': {
        const state = this.images.get(signal.assetId);
        if (!state) return;
        if (signal.span) this.spans.set(signal.span, signal.assetId);
        if (signal.kind === 'publish-started' && state.stage === 'unchanged') return;
        this.move(state, signal.kind === 'build-started' ? 'building' : 'pushing');
        return;
      }
      case 'build-ended':
      case 'publish-ended': {
        const assetId = signal.span ? this.spans.get(signal.span) : undefined;
        const state = assetId ? this.images.get(assetId) : undefined;
        if (signal.span) this.spans.delete(signal.span);
        if (!state || state.stage === 'failed' || state.stage === 'unchanged') return;
        this.move(state, signal.kind === 'build-ended' ? 'built' : 'pushed');
        return;
      }
      case 'checking':
      case 'pushing': {
        const state = this.byUri(signal.imageUri);
        if (!state) return;
        state.imageUri = signal.imageUri;
        this.report(state);
        return;
      }
      case 'found': {
        const state = this.byUri(signal.imageUri);
        if (!state) return;
        state.imageUri = signal.imageUri;
        this.move(state, 'unchanged');
        return;
      }
      case 'cached': {
        const id = signal.localTag.replace(/^cdkasset-/, '');
        const state = [...this.images.values()].find((s) => s.asset.assetId.toLowerCase() === id);
        if (state) this.report(state, `built before: reusing the local image ${signal.localTag}`);
        return;
      }
      case 'failed': {
        const state = this.culprit(signal.message);
        const stage = classifyImageFailure(signal.message);
        this.failed.push({
          ...(state ? { asset: state.asset } : {}),
          ...(state?.imageUri ? { imageUri: state.imageUri } : {}),
          stage,
          message: signal.message,
        });
        if (state) this.move(state, 'failed', signal.message);
        return;
      }
    }
  }

  /** The image a failure message is about: named by URI, tag or id, else the only one at work. */
  private culprit(message: string): ImageState | undefined {
    const states = [...this.images.values()];
    const named = states.find(
      (s) =>
        (s.imageUri !== undefined && message.includes(s.imageUri)) ||
        message.includes(s.asset.assetId) ||
        message.includes(`cdkasset-${s.asset.assetId.toLowerCase()}`),
    );
    if (named) return named;
    const active = states.filter((s) => s.stage === 'building' || s.stage === 'pushing');
    return active.length === 1 ? active[0] : undefined;
  }

  private byUri(imageUri: string): ImageState | undefined {
    const tag = imageTagOf(imageUri);
    const repository = imageUri.slice(imageUri.indexOf('/') + 1, imageUri.lastIndexOf(':'));
    return [...this.images.values()].find((s) =>
      s.asset.destinations.some(
        (d) => d.imageTag === tag && (d.repositoryName.includes('${') || d.repositoryName === repository),
      ),
    );
  }

  private move(state: ImageState, stage: ImageStage, detail?: string): void {
    if (state.stage === stage && detail === undefined) return;
    state.stage = stage;
    this.report(state, detail);
  }

  private report(state: ImageState, detail?: string): void {
    this.onUpdate({
      assetId: state.asset.assetId,
      name: state.asset.name,
      stage: state.stage,
      ...(state.imageUri ? { imageUri: state.imageUri } : {}),
      ...(detail ? { detail } : {}),
    });
  }
}
