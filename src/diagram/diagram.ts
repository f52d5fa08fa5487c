/**
 * `wharf diagram` as a library call: load the templates, build the graph, render it.
 */

import { UsageError } from '../errors.js';
import { renderMermaid } from './mermaid.js';
import { type DiagramModel, type LoadDiagramOptions, loadDiagramModel } from './model.js';
import { svgToPng } from './png.js';
import { renderSvg } from './svg.js';

/** Output formats of `wharf diagram`. */
export const DIAGRAM_FORMATS = ['svg', 'png', 'mermaid'] as const;
/** One of {@link DIAGRAM_FORMATS}. */
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

/** Options of {@link diagram}. */
export interface DiagramOptions extends LoadDiagramOptions {
  /** @default 'svg' */
  readonly format?: string;
}

/** What {@link diagram} produced. */
export interface DiagramResult {
  readonly model: DiagramModel;
  readonly format: DiagramFormat;
  /** SVG or Mermaid text, or PNG bytes. */
  readonly output: string | Buffer;
}

/** Checks a format name; a {@link UsageError} names the allowed values otherwise. */
export function parseDiagramFormat(format: string): DiagramFormat {
  if ((DIAGRAM_FORMATS as readonly string[]).includes(format)) return format as DiagramFormat;
  throw new UsageError(
    `diagram format '${format}' is not supported; allowed: ${DIAGRAM_FORMATS.join(', ')}.`,
  );
}

/** Renders a model in `format`. */
export function renderDiagram(model: DiagramModel, format: DiagramFormat): string | Buffer {
  if (format === 'mermaid') return renderMermaid(model);
  const svg = renderSvg(model);
  return format === 'png'
    ? svgToPng(svg, { instead: '--format svg and --format mermaid work without it.' })
    : svg;
}

/** Loads a CDK app or template file and draws its architecture. */
export async function diagram(options: DiagramOptions): Promise<DiagramResult> {
  const format = parseDiagramFormat(options.format ?? 'svg');
  const model = await loadDiagramModel(options);
  return { model, format, output: renderDiagram(model, format) };
}
