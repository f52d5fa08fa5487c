/**
 * A small SVG line chart: a few series over a logarithmic x axis, with labelled ticks, a legend and
 * marked points (e.g. the traffic where two ingress patterns cost the same). No dependencies; the
 * output is plain SVG 1.1 that browsers, GitHub and `rsvg-convert` render alike.
 */

import { UsageError } from '../errors.js';

/** One line of the chart. */
export interface ChartSeries {
  /** Legend text, e.g. `API Gateway pattern`. */
  readonly label: string;
  /** CSS colour, e.g. `#2563eb`. */
  readonly color: string;
  /** Points with x > 0 (the x axis is logarithmic), in any order. */
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** A point to call out, e.g. the crossover. */
export interface ChartMarker {
  readonly x: number;
  readonly y: number;
  /** Text next to the point, e.g. `crossover: 15.6M requests/month, $61/month`. */
  readonly label: string;
}

/** What {@link renderLineChart} draws. */
export interface LineChartOptions {
  readonly title: string;
  /** e.g. `requests per month`. */
  readonly xLabel: string;
  /** e.g. `USD per month`. */
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly markers?: readonly ChartMarker[];
  /** Formats x tick labels. @default compact numbers (`10k`, `1M`, `1B`) */
  readonly formatX?: (x: number) => string;
  /** Formats y tick labels. @default `$1,234` */
  readonly formatY?: (y: number) => string;
  /**
   * `log` draws the y axis in decades (for costs spanning orders of magnitude; y must be > 0).
   * @default 'linear'
   */
  readonly yScale?: 'linear' | 'log';
  /** @default 880 */
  readonly width?: number;
  /** @default 480 */
  readonly height?: number;
}

const MARGIN = { top: 56, right: 28, bottom: 64, left: 84 };

/**
 * Renders the chart as an SVG document.
 * @throws {@link UsageError} when there is no point to draw or an x value is not positive.
 */
export function renderLineChart(options: LineChartOptions): string {
  const width = options.width ?? 880;
  const height = options.height ?? 480;
  const points = options.series.flatMap((s) => s.points);
  if (points.length === 0) throw new UsageError('the chart has no points to draw.');
  if (points.some((p) => !(p.x > 0) || !Number.isFinite(p.y))) {
    throw new UsageError('the chart needs x > 0 (logarithmic axis) and finite y values.');
  }
  const logY = options.yScale === 'log';
  if (logY && points.some((p) => !(p.y > 0))) throw new UsageError('a logarithmic y axis needs y > 0.');
  const formatX = options.formatX ?? compactNumber;
  const formatY = options.formatY ?? dollars;
  const xMin = Math.min(...points.map((p) => p.x));
  const xMax = Math.max(...points.map((p) => p.x));
  const yHigh = Math.max(...points.map((p) => p.y), ...(options.markers ?? []).map((m) => m.y), 1);
  const yMax = logY ? 10 ** Math.ceil(Math.log10(yHigh)) : niceCeiling(yHigh);
  const yMin = logY ? 10 ** Math.floor(Math.log10(Math.min(...points.map((p) => p.y)))) : 0;
  const plot = {
    x: MARGIN.left,
    y: MARGIN.top,
    w: width - MARGIN.left - MARGIN.right,
    h: height - MARGIN.top - MARGIN.bottom,
  };
  const lx = (x: number) =>
    xMax === xMin ? 0.5 : (Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin));
  const sx = (x: number) => plot.x + lx(x) * plot.w;
  const fractionY = (y: number) =>
    logY
      ? (Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin) || 1)
      : Math.max(0, y) / yMax;
  const sy = (y: number) => plot.y + plot.h - fractionY(y) * plot.h;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeText(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="17" font-weight="bold" fill="#111827">${escapeText(options.title)}</text>`,
  );
  // Grid and y ticks.
  const yTicks = logY
    ? Array.from({ length: Math.round(Math.log10(yMax / yMin)) + 1 }, (_, i) => yMin * 10 ** i)
    : Array.from({ length: 6 }, (_, i) => (yMax / 5) * i);
  for (const y of yTicks) {
    out.push(
      `<line x1="${plot.x}" y1="${r(sy(y))}" x2="${plot.x + plot.w}" y2="${r(sy(y))}" stroke="#e5e7eb"/>`,
      `<text x="${plot.x - 8}" y="${r(sy(y) + 4)}" text-anchor="end" font-size="12" fill="#374151">${escapeText(formatY(y))}</text>`,
    );
  }
  // Decade ticks on x.
  for (let e = Math.ceil(Math.log10(xMin) - 1e-9); e <= Math.floor(Math.log10(xMax) + 1e-9); e++) {
    const x = 10 ** e;
    out.push(
      `<line x1="${r(sx(x))}" y1="${plot.y}" x2="${r(sx(x))}" y2="${plot.y + plot.h}" stroke="#f3f4f6"/>`,
      `<text x="${r(sx(x))}" y="${plot.y + plot.h + 18}" text-anchor="middle" font-size="12" fill="#374151">${escapeText(formatX(x))}</text>`,
    );
  }
  out.push(
    `<rect x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}" fill="none" stroke="#9ca3af"/>`,
    `<text x="${plot.x + plot.w / 2}" y="${height - 18}" text-anchor="middle" font-size="13" fill="#111827">${escapeText(options.xLabel)}</text>`,
    `<text x="20" y="${plot.y + plot.h / 2}" text-anchor="middle" font-size="13" fill="#111827" transform="rotate(-90 20 ${plot.y + plot.h / 2})">${escapeText(options.yLabel)}</text>`,
  );
  // Series.
  options.series.forEach((series, index) => {
    const sorted = [...series.points].sort((a, b) => a.x - b.x);
    const path = sorted.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(sx(p.x))},${r(sy(p.y))}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${escapeText(series.color)}" stroke-width="2.5"/>`);
    const ly = plot.y + 16 + index * 20;
    out.push(
      `<line x1="${plot.x + 14}" y1="${ly}" x2="${plot.x + 38}" y2="${ly}" stroke="${escapeText(series.color)}" stroke-width="3"/>`,
      `<text x="${plot.x + 44}" y="${ly + 4}" font-size="13" fill="#111827">${escapeText(series.label)}</text>`,
    );
  });
  // Markers.
  for (const marker of options.markers ?? []) {
    const x = r(sx(marker.x));
    const y = r(sy(marker.y));
    const anchor = lx(marker.x) > 0.6 ? 'end' : 'start';
    const dx = anchor === 'end' ? -10 : 10;
    out.push(
      `<line x1="${x}" y1="${plot.y}" x2="${x}" y2="${plot.y + plot.h}" stroke="#6b7280" stroke-dasharray="4 4"/>`,
      `<circle cx="${x}" cy="${y}" r="5" fill="#111827"/>`,
      `<text x="${x + dx}" y="${y - 10}" text-anchor="${anchor}" font-size="13" font-weight="bold" fill="#111827">${escapeText(marker.label)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** `1.5k`, `10M`, `1B`. */
export function compactNumber(value: number): string {
  const units: [number, string][] = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) return `${trim(value / size)}${suffix}`;
  }
  return trim(value);
}

/** `$1,234` (cents below $10). */
export function dollars(value: number): string {
  return value < 10 && value !== 0 ? `$${value.toFixed(2)}` : `$${Math.round(value).toLocaleString('en-US')}`;
}

function trim(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
}

/** The next "nice" number ≥ value: 1, 2, 2.5 or 5 times a power of ten. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function r(value: number): number {
  return Math.round(value * 10) / 10;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
