/**
 * The container images section of the live view, drawn above the stacks because images are
 * built and pushed before CloudFormation starts:
 *
 * ```text
 * Container images  1/2 in the registry
 *   ✔ Orders/Image   pushed    4.1s  127.0.0.1:5000/cdk-hnb659fds-container-assets-…:53feef40bf1b…
 *   ⠋ Billing/Image  building  2.0s
 *       │ Step 2/3 : COPY index.html /www/index.html
 * ```
 *
 * @module
 */

import { displayReason, formatDuration, sanitizeLine } from './format.js';
import { imageStageText, isImageMoving } from './images.js';
import type { Span, StyledLine } from './render-text.js';
import { severityStyle } from './severity-style.js';
import type { ImageRow } from './types.js';

/** Longest image name column before names are shortened. */
const MAX_NAME_WIDTH = 40;
/** Tags longer than this are cut in the view (the full URI is in the log and JSON output). */
const TAG_CHARS = 12;

/** Options of {@link renderImageLines}. */
export interface ImageLineOptions {
  /** The spinner frame of images Docker is working on. */
  readonly spinner: string;
  /** Terminal width, for wrapping a failure reason. */
  readonly columns?: number;
}

/** The section's lines; none when the deploy has no images. */
export function renderImageLines(images: readonly ImageRow[], options: ImageLineOptions): StyledLine[] {
  if (images.length === 0) return [];
  const done = images.filter((image) => image.severity === 'complete').length;
  const lines: StyledLine[] = [
    [
      { text: 'Container images', style: ['bold'] },
      { text: `  ${done}/${images.length} in the registry`, style: ['dim'] },
    ],
  ];
  const nameWidth = Math.min(MAX_NAME_WIDTH, Math.max(...images.map((image) => image.name.length)));
  const stageWidth = Math.max(...images.map((image) => imageStageText(image.stage).length));
  const elapsedWidth = Math.max(...images.map((image) => elapsedText(image).length));
  for (const image of images) {
    const name =
      image.name.length > nameWidth ? `${image.name.slice(0, Math.max(0, nameWidth - 1))}…` : image.name;
    const spans: Span[] = [
      { text: '  ' },
      imageMarker(image, options.spinner),
      { text: ` ${name.padEnd(nameWidth)}  ` },
      { text: imageStageText(image.stage).padEnd(stageWidth), style: severityStyle(image.severity) },
    ];
    if (elapsedWidth > 0) {
      spans.push({ text: '  ' }, { text: elapsedText(image).padStart(elapsedWidth), style: ['dim'] });
    }
    if (image.imageUri) spans.push({ text: '  ' }, { text: shortImageUri(image.imageUri), style: ['dim'] });
    lines.push(spans);
    if (image.detail && image.stage === 'failed') {
      lines.push(...failureLines(image.detail, options.columns));
    } else if (image.detail && isImageMoving(image.stage)) {
      lines.push([{ text: '      ' }, { text: '│ ', style: ['dim'] }, { text: sanitizeLine(image.detail) }]);
    }
  }
  return lines;
}

/**
 * An image URI with a long tag cut to its first {@link TAG_CHARS} characters, e.g.
 * `…/cdk-hnb659fds-container-assets-1-us-east-1:53feef40bf1b…`.
 */
export function shortImageUri(imageUri: string): string {
  const slash = imageUri.lastIndexOf('/');
  const colon = imageUri.lastIndexOf(':');
  if (colon <= slash || imageUri.length - colon - 1 <= TAG_CHARS) return imageUri;
  return `${imageUri.slice(0, colon + 1 + TAG_CHARS)}…`;
}

function elapsedText(image: ImageRow): string {
  return image.elapsedMs === undefined ? '' : formatDuration(image.elapsedMs);
}

function imageMarker(image: ImageRow, spinner: string): Span {
  switch (image.severity) {
    case 'complete':
      return { text: '✔', style: ['green'] };
    case 'progress':
      return { text: spinner, style: ['yellow'] };
    case 'failed':
      return { text: '✗', style: ['red'] };
    case 'cancelled':
      return { text: '✗', style: ['dim'] };
    default:
      return { text: '·', style: ['dim'] };
  }
}

/** `↳ reason` under a failed image, wrapped to the terminal on at most three lines. */
function failureLines(detail: string, columns?: number): StyledLine[] {
  const text = displayReason(detail);
  const prefix = '      ↳ ';
  const room = columns !== undefined && columns - prefix.length >= 20 ? columns - prefix.length : undefined;
  const chunks: string[] = [];
  if (room === undefined) chunks.push(text);
  else for (let i = 0; i < text.length && chunks.length < 3; i += room) chunks.push(text.slice(i, i + room));
  return chunks.map((chunk, i) => [
    { text: i === 0 ? prefix : ' '.repeat(prefix.length) },
    { text: chunk, style: ['red'] },
  ]);
}
