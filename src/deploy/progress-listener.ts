/**
 * What a deployment or deletion reports while it runs. The progress view implements it
 * (`progress/`); tests record it.
 */

import type { StackEvent } from '@aws-sdk/client-cloudformation';
import type { ImageProgress, ServiceRollout } from './progress/types.js';

/** Receives the course of a deployment or a deletion. */
export interface ProgressListener {
  /** The toolkit started watching a stack. */
  stackStarted(info: {
    stackName: string;
    isUpdate: boolean;
    resourcesTotal?: number;
    operation: 'deploy' | 'destroy';
  }): void;
  /** One CloudFormation event of the stack or a nested stack, old to new. */
  stackEvent(event: StackEvent): void;
  /**
   * A container image asset's new stage, URI, or latest line of Docker output (deploys of apps
   * with image assets only; before any stack starts).
   */
  image?(image: ImageProgress): void;
  /** A snapshot of an ECS service's rollout. */
  rollout(rollout: ServiceRollout): void;
  /** The operation ended for a stack. */
  finished(info: { stackName: string; ok: boolean; message?: string }): void;
}
