/**
 * Renders ANSI-coloured terminal output as an SVG "screenshot" of a terminal window (dark
 * background, monospace text, a title bar), for the README.
 *
 * ```sh
 * npx tsx scripts/terminal-svg.ts in.ansi out.svg [--title T] [--columns N]
 * ```
 *
 * `in.ansi` may be `-` for stdin. The input is played on a small screen model, so a capture of a
 * live view that redraws itself (cursor up, clear line, clear below) renders as its last frame.
 * Understood: SGR 0 (reset), 1 (bold), 2 (dim), 3 (italic), 4 (underline), 22-24, 30-37, 39,
 * 90-97; cursor up/down/forward/back/column (`A` `B` `C` `D` `G`), erase in line (`K`) and in
 * display (`J`); `\r`, `\n`, `\b`, tabs. Other escape sequences are ignored.
 *
 * @module
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** How one character cell looks. */
export interface CellStyle {
  /** SGR foreground code (30-37, 90-97), or undefined for the default colour. */
  readonly fg?: number;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly italic?: boolean;
  readonly underline?: boolean;
}

/** One character cell of the screen. */
export interface Cell {
  readonly ch: string;
  readonly style: CellStyle;
}

/** Options of {@link ansiToSvg}. */
export interface AnsiToSvgOptions {
  /** Text in the window's title bar; none by default. */
  readonly title?: string;
  /** Terminal width in characters: longer lines wrap. Default: the longest line (at least 40). */
  readonly columns?: number;
  /** Font size in px; default 14. */
  readonly fontSize?: number;
}

/** Colours of the window and of the 16 ANSI foreground colours. */
const THEME = {
  background: '#161821',
  border: '#2f3342',
  titleBar: '#232633',
  titleText: '#8b90a0',
  foreground: '#d5d8df',
  buttons: ['#ff5f57', '#febc2e', '#28c840'],
  ansi: {
    30: '#3b3f4c',
    31: '#f07178',
    32: '#a5d46e',
    33: '#f2c86d',
    34: '#6cb6ff',
    35: '#d49bf5',
    36: '#6fd3d8',
    37: '#d5d8df',
    90: '#6b7280',
    91: '#ff8b92',
    92: '#c0ec8b',
    93: '#ffe08a',
    94: '#96cbff',
    95: '#e5b8ff',
    96: '#95e6ea',
    97: '#f5f7fa',
  } as Record<number, string>,
};

const FONT_FAMILY =
  "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

/**
 * Plays terminal output on a screen and returns its rows of cells (trailing blank rows removed).
 * With `columns`, writing past the last column wraps to the next row.
 */
export function ansiToScreen(text: string, columns?: number): Cell[][] {
  const rows: Cell[][] = [[]];
  let row = 0;
  let col = 0;
  let style: CellStyle = {};
  const line = (r: number): Cell[] => {
    while (rows.length <= r) rows.push([]);
    return rows[r] as Cell[];
  };
  const put = (ch: string) => {
    if (columns !== undefined && col >= columns) {
      row++;
      col = 0;
    }
    const cells = line(row);
    while (cells.length < col) cells.push({ ch: ' ', style: {} });
    cells[col] = { ch, style };
    col++;
  };
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '\u001b') {
      const next = chars[i + 1];
      if (next === '[') {
        let j = i + 2;
        let params = '';
        while (j < chars.length && /[0-?]/.test(chars[j] as string)) params += chars[j++];
        while (j < chars.length && /[ -/]/.test(chars[j] as string)) j++;
        const final = chars[j] ?? '';
        i = j;
        const numbers = params.split(';').map((p) => (p === '' ? Number.NaN : Number(p)));
        const n = Number.isNaN(numbers[0] as number) ? 1 : Math.max(1, numbers[0] as number);
        switch (final) {
          case 'm':
            style = applySgr(style, numbers);
            break;
          case 'A':
            row = Math.max(0, row - n);
            break;
          case 'B':
            row += n;
            break;
          case 'C':
            col += n;
            break;
          case 'D':
            col = Math.max(0, col - n);
            break;
          case 'G':
            col = n - 1;
            break;
          case 'K': {
            const mode = Number.isNaN(numbers[0] as number) ? 0 : (numbers[0] as number);
            const cells = line(row);
            if (mode === 0) cells.length = Math.min(cells.length, col);
            else if (mode === 1)
              for (let k = 0; k <= col && k < cells.length; k++) cells[k] = { ch: ' ', style: {} };
            else cells.length = 0;
            break;
          }
          case 'J': {
            const mode = Number.isNaN(numbers[0] as number) ? 0 : (numbers[0] as number);
            if (mode === 0) {
              const cells = line(row);
              cells.length = Math.min(cells.length, col);
              rows.length = row + 1;
            } else if (mode === 2 || mode === 3) {
              for (const cells of rows) cells.length = 0;
            }
            break;
          }
        }
      } else if (next === ']') {
        // Operating system command (window title, hyperlink): skip to BEL or ST.
        let j = i + 2;
        while (j < chars.length && chars[j] !== '\u0007' && !(chars[j] === '\u001b' && chars[j + 1] === '\\'))
          j++;
        i = chars[j] === '\u0007' ? j : j + 1;
      } else {
        i++;
      }
      continue;
    }
    if (ch === '\n') {
      row++;
      col = 0;
      line(row);
    } else if (ch === '\r') {
      col = 0;
    } else if (ch === '\t') {
      col = (Math.floor(col / 8) + 1) * 8;
    } else if (ch === '\b') {
      col = Math.max(0, col - 1);
    } else if (ch >= ' ' && ch !== '\u007f' && !(ch >= '\u0080' && ch <= '\u009f')) {
      put(ch);
    }
  }
  while (rows.length > 0 && (rows[rows.length - 1] as Cell[]).every((c) => c.ch === ' ')) rows.pop();
  return rows;
}

function applySgr(style: CellStyle, codes: readonly number[]): CellStyle {
  let next: CellStyle = { ...style };
  for (const raw of codes.length === 0 ? [0] : codes) {
    const code = Number.isNaN(raw) ? 0 : raw;
    if (code === 0) next = {};
    else if (code === 1) next = { ...next, bold: true };
    else if (code === 2) next = { ...next, dim: true };
    else if (code === 3) next = { ...next, italic: true };
    else if (code === 4) next = { ...next, underline: true };
    else if (code === 22) next = { ...next, bold: false, dim: false };
    else if (code === 23) next = { ...next, italic: false };
    else if (code === 24) next = { ...next, underline: false };
    else if (code === 39) next = { ...next, fg: undefined };
    else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) next = { ...next, fg: code };
  }
  return next;
}

/** Escapes text for SVG element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function classesOf(style: CellStyle): string {
  const classes: string[] = [];
  if (style.fg !== undefined) classes.push(`c${style.fg}`);
  if (style.bold) classes.push('b');
  if (style.dim) classes.push('d');
  if (style.italic) classes.push('i');
  if (style.underline) classes.push('u');
  return classes.join(' ');
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Renders ANSI terminal text as an SVG image of a terminal window; see the module documentation. */
export function ansiToSvg(text: string, options: AnsiToSvgOptions = {}): string {
  const screen = ansiToScreen(text, options.columns);
  const fontSize = options.fontSize ?? 14;
  const charWidth = round(fontSize * 0.6);
  const lineHeight = round(fontSize * 1.45);
  const padding = 18;
  const titleHeight = 34;
  const columns = options.columns ?? Math.max(40, ...screen.map((cells) => cells.length));
  const width = Math.ceil(padding * 2 + columns * charWidth);
  const height = Math.ceil(titleHeight + padding * 2 + Math.max(1, screen.length) * lineHeight);

  const styleSheet = [
    `text{font-family:${FONT_FAMILY};font-size:${fontSize}px;fill:${THEME.foreground};white-space:pre}`,
    ...Object.entries(THEME.ansi).map(([code, color]) => `.c${code}{fill:${color}}`),
    '.b{font-weight:bold}',
    '.d{fill-opacity:0.6}',
    '.i{font-style:italic}',
    '.u{text-decoration:underline}',
    `.t{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:13px;fill:${THEME.titleText}}`,
  ].join('');

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img"${
      options.title ? ` aria-label="${escapeXml(options.title)}"` : ''
    }>`,
    `<style>${styleSheet}</style>`,
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="9" fill="${THEME.background}" stroke="${THEME.border}"/>`,
    `<path d="M0.5 ${titleHeight}V9.5a9 9 0 0 1 9-9h${width - 19}a9 9 0 0 1 9 9V${titleHeight}Z" fill="${THEME.titleBar}"/>`,
    `<line x1="0.5" y1="${titleHeight}" x2="${width - 0.5}" y2="${titleHeight}" stroke="${THEME.border}"/>`,
    ...THEME.buttons.map(
      (color, i) => `<circle cx="${20 + i * 20}" cy="${titleHeight / 2}" r="6" fill="${color}"/>`,
    ),
  );
  if (options.title) {
    out.push(
      `<text class="t" x="${width / 2}" y="${titleHeight / 2 + 4.5}" text-anchor="middle">${escapeXml(options.title)}</text>`,
    );
  }
  screen.forEach((cells, rowIndex) => {
    const y = round(titleHeight + padding + rowIndex * lineHeight + fontSize);
    const runs: string[] = [];
    let start = 0;
    while (start < cells.length) {
      const first = cells[start] as Cell;
      const key = classesOf(first.style);
      let end = start + 1;
      while (end < cells.length && classesOf((cells[end] as Cell).style) === key) end++;
      const textRun = cells
        .slice(start, end)
        .map((c) => c.ch)
        .join('');
      if (textRun.trim() !== '' || first.style.underline) {
        const x = round(padding + start * charWidth);
        // Pin each run's width to the grid so a fallback font cannot push columns out of line.
        const length = end - start > 1 ? ` textLength="${round((end - start) * charWidth)}"` : '';
        runs.push(`<tspan x="${x}"${length}${key ? ` class="${key}"` : ''}>${escapeXml(textRun)}</tspan>`);
      }
      start = end;
    }
    if (runs.length > 0) out.push(`<text y="${y}" xml:space="preserve">${runs.join('')}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      title: { type: 'string' },
      columns: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 2) {
    const usage = 'usage: npx tsx scripts/terminal-svg.ts <in.ansi|-> <out.svg> [--title T] [--columns N]\n';
    (values.help ? process.stdout : process.stderr).write(usage);
    return values.help ? 0 : 2;
  }
  const [input, output] = positionals as [string, string];
  let columns: number | undefined;
  if (values.columns !== undefined) {
    columns = Number(values.columns);
    if (!Number.isInteger(columns) || columns < 1) {
      process.stderr.write(`--columns must be a positive integer, got '${values.columns}'\n`);
      return 2;
    }
  }
  const text = input === '-' ? readFileSync(0, 'utf8') : readFileSync(input, 'utf8');
  writeFileSync(output, ansiToSvg(text, { title: values.title, columns }));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
