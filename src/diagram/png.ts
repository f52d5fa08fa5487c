/**
 * SVG to PNG through `rsvg-convert` (librsvg), when it is on PATH; SVG and Mermaid output need
 * nothing but Node.
 */

import { spawnSync } from 'node:child_process';
import { WharfError } from '../errors.js';

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /**
   * Scale factor (1 = one PNG pixel per SVG unit).
   * @default 1.5
   */
  readonly zoom?: number;
  /**
   * The converter to run.
   * @default 'rsvg-convert'
   */
  readonly command?: string;
  /**
   * What the caller offers instead when the converter is missing, appended to the error, e.g.
   * `--format svg works without it.`
   * @default - nothing appended
   */
  readonly instead?: string;
}

/** The packages that provide `rsvg-convert`, by platform (for messages). */
export const RSVG_INSTALL_HINT = 'Debian/Ubuntu: apt-get install librsvg2-bin; macOS: brew install librsvg';

/** Converts an SVG document to PNG bytes; throws `WHARF_DIAGRAM_PNG` when no converter is found. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const command = options.command ?? 'rsvg-convert';
  const result = spawnSync(command, ['--format', 'png', '--zoom', String(options.zoom ?? 1.5)], {
    input: svg,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new WharfError(
      'WHARF_DIAGRAM_PNG',
      missing
        ? `PNG output needs '${command}' on PATH (${RSVG_INSTALL_HINT}).${options.instead ? ` ${options.instead}` : ''}`
        : `'${command}' could not run: ${result.error.message}`,
      { cause: result.error },
    );
  }
  if (result.status !== 0) {
    throw new WharfError(
      'WHARF_DIAGRAM_PNG',
      `'${command}' failed (exit ${result.status}): ${result.stderr.toString().trim()}`,
      { source: 'internal' },
    );
  }
  return result.stdout;
}
