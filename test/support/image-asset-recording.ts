/**
 * The CDK toolkit's asset messages recorded from real deploys of test/fixtures/apps/image-asset
 * (test/fixtures/deploy/image-asset-messages.json), and a replay through Wharf's image tracker:
 * what the tracking, progress-model and renderer tests are fed.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ImageAsset,
  ImageAssetTracker,
  type ToolkitAssetMessage,
} from '../../src/deploy/assets/index.js';
import type { ImageProgress } from '../../src/deploy/progress/types.js';
import { ROOT } from './cli.js';

/** A recorded toolkit message, or a line Docker printed at that point. */
export type RecordedEntry = ToolkitAssetMessage | { readonly output: string };

/** The recorded runs: a first deploy, an unchanged second one, and a refused push. */
export const RECORDED = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/deploy/image-asset-messages.json'), 'utf8'),
) as Record<'success' | 'unchanged' | 'failure', RecordedEntry[]>;

/** The recorded runs' image, as `readImageAssets` reads it from their assembly. */
export const RECORDED_IMAGE: ImageAsset = {
  assetId: '77ee9a7991386b503e2d56e3a294594afba8cf3ae4a9f2bc4af523106484fe05',
  name: 'Image',
  stackName: 'ImageAsset',
  directory: '/tmp/assembly/asset.77ee9a7991386b503e2d56e3a294594afba8cf3ae4a9f2bc4af523106484fe05',
  destinations: [
    {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CDK placeholder, not a JS template.
      repositoryName: 'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}',
      imageTag: '77ee9a7991386b503e2d56e3a294594afba8cf3ae4a9f2bc4af523106484fe05',
    },
  ],
};

/**
 * Replays a recorded run through a tracker (a new one for {@link RECORDED_IMAGE} unless given);
 * `onEntry` runs after each entry (a test can advance its clock there).
 */
export function replayImageRun(
  entries: readonly RecordedEntry[],
  options: {
    tracker?: ImageAssetTracker;
    onUpdate?: (update: ImageProgress) => void;
    onEntry?: () => void;
  } = {},
): { tracker: ImageAssetTracker; updates: ImageProgress[] } {
  const updates: ImageProgress[] = [];
  const tracker =
    options.tracker ??
    new ImageAssetTracker([RECORDED_IMAGE], (update) => {
      updates.push(update);
      options.onUpdate?.(update);
    });
  tracker.start();
  for (const entry of entries) {
    if ('output' in entry) tracker.output(entry.output);
    else tracker.observe(entry);
    options.onEntry?.();
  }
  return { tracker, updates };
}

/** The stages of a list of updates in order, without repeats. */
export function stagesOf(updates: readonly ImageProgress[]): string[] {
  return updates.map((u) => u.stage).filter((stage, i, all) => i === 0 || all[i - 1] !== stage);
}
