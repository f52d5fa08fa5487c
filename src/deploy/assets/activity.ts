/**
 * What one CDK toolkit message says about asset publishing: pure decoding, no state.
 *
 * The toolkit (`@aws-cdk/toolkit-lib` 1.40) builds and publishes assets through cdk-assets and
 * reports it with these codes (https://docs.aws.amazon.com/cdk/api/toolkit-lib/message-registry/):
 * - `CDK_TOOLKIT_I5210` / `I5211`: a span around building one asset (start carries the asset,
 *   end shares the start's span id);
 * - `CDK_TOOLKIT_I5220` / `I5221`: the same around publishing one asset;
 * - `CDK_ASSETS_I5270` (start), `I5275` (success), `E5279` (failure) and `I5271` (detail:
 *   `check`, `found`, `cached`, `build`, `upload`, `debug`) from cdk-assets. Their payload names
 *   no asset, so an image is recognised by its URI's tag or its local tag `cdkasset-<id>`.
 *
 * Before building anything the toolkit asks whether each asset is already published
 * (`check: Check <uri>`, then `found: Found <uri>` when ECR has the tag) and drops those that
 * are: an unchanged image is neither built nor pushed again.
 *
 * @module
 */

import { stripAnsi } from '../toolkit.js';

/** The parts of a toolkit message this module reads (a `@aws-cdk/toolkit-lib` `IoMessage`). */
export interface ToolkitAssetMessage {
  readonly code?: string;
  readonly message: string;
  readonly span?: string;
  readonly data?: unknown;
}

/** What a message says about assets. */
export type AssetSignal =
  /** A build (`I5210`) or publish (`I5220`) span began for an asset. */
  | {
      readonly kind: 'build-started' | 'publish-started';
      readonly span?: string;
      readonly assetId: string;
      /** `docker-image` or `file`. */
      readonly assetType: string;
      /** The destination tag of an image. */
      readonly imageTag?: string;
    }
  /** A build (`I5211`) or publish (`I5221`) span ended: the step succeeded. */
  | { readonly kind: 'build-ended' | 'publish-ended'; readonly span?: string }
  /** cdk-assets named an image URI while checking, finding or pushing it. */
  | { readonly kind: 'checking' | 'found' | 'pushing'; readonly imageUri: string }
  /** The image was already built locally under `cdkasset-<asset id>`. */
  | { readonly kind: 'cached'; readonly localTag: string }
  /** cdk-assets failed an asset (`E5279`); the message is its error's. */
  | { readonly kind: 'failed'; readonly message: string };

/**
 * Decodes one toolkit message; `undefined` for messages that are not about assets.
 *
 * @example
 * decodeAssetMessage({ code: 'CDK_ASSETS_I5271', message: 'App: found: Found 1.dkr.ecr.us-east-1.amazonaws.com/r:ab12',
 *   data: { type: 'found', message: 'App: found: Found 1.dkr.ecr.us-east-1.amazonaws.com/r:ab12' } })
 * // { kind: 'found', imageUri: '1.dkr.ecr.us-east-1.amazonaws.com/r:ab12' }
 */
export function decodeAssetMessage(message: ToolkitAssetMessage): AssetSignal | undefined {
  const data = (message.data ?? {}) as Record<string, unknown>;
  switch (message.code) {
    case 'CDK_TOOLKIT_I5210':
    case 'CDK_TOOLKIT_I5220': {
      const asset = data.asset as
        | { id?: { assetId?: string }; type?: string; destination?: { imageTag?: string } }
        | undefined;
      const assetId = asset?.id?.assetId;
      if (!assetId) return undefined;
      return {
        kind: message.code === 'CDK_TOOLKIT_I5210' ? 'build-started' : 'publish-started',
        ...(message.span ? { span: message.span } : {}),
        assetId,
        assetType: asset.type ?? 'unknown',
        ...(asset.destination?.imageTag ? { imageTag: asset.destination.imageTag } : {}),
      };
    }
    case 'CDK_TOOLKIT_I5211':
    case 'CDK_TOOLKIT_I5221':
      return {
        kind: message.code === 'CDK_TOOLKIT_I5211' ? 'build-ended' : 'publish-ended',
        ...(message.span ? { span: message.span } : {}),
      };
    case 'CDK_ASSETS_I5271': {
      const type = String(data.type ?? '');
      const text = eventText(String(data.message ?? message.message), type);
      if (text === undefined) return undefined;
      const uri = (verb: string) => {
        const match = new RegExp(`^${verb} (\\S+)$`).exec(text);
        return match?.[1] && isImageUri(match[1]) ? match[1] : undefined;
      };
      if (type === 'check') {
        const imageUri = uri('Check');
        return imageUri ? { kind: 'checking', imageUri } : undefined;
      }
      if (type === 'found') {
        const imageUri = uri('Found');
        return imageUri ? { kind: 'found', imageUri } : undefined;
      }
      if (type === 'upload') {
        const imageUri = uri('Push');
        return imageUri ? { kind: 'pushing', imageUri } : undefined;
      }
      if (type === 'cached') {
        const localTag = /^Cached (cdkasset-\S+)$/.exec(text)?.[1];
        return localTag ? { kind: 'cached', localTag } : undefined;
      }
      return undefined;
    }
    case 'CDK_ASSETS_E5279': {
      const text = eventText(String(data.message ?? message.message), 'fail');
      return { kind: 'failed', message: text ?? stripAnsi(message.message).trim() };
    }
    default:
      return undefined;
  }
}

/** The tag of an image URI (`repo:tag`), or `undefined` when it has none. */
export function imageTagOf(imageUri: string): string | undefined {
  const slash = imageUri.lastIndexOf('/');
  const colon = imageUri.lastIndexOf(':');
  return colon > slash ? imageUri.slice(colon + 1) : undefined;
}

/**
 * The text after `<type>: ` in a cdk-assets message (`<stack>: <type>: <text>` from a deploy,
 * `[50%] <type>: <text>` from a publish), without colour codes.
 */
function eventText(message: string, type: string): string | undefined {
  const plain = stripAnsi(message);
  const marker = `${type}: `;
  const index = plain.indexOf(marker);
  return index < 0 ? undefined : plain.slice(index + marker.length).trim();
}

/** An image reference (`host/repo:tag`), as opposed to an `s3://` file destination. */
function isImageUri(text: string): boolean {
  return !/^[a-z0-9]+:\/\//i.test(text) && imageTagOf(text) !== undefined;
}
