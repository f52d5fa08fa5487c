/**
 * Turns a {@link ProgressView} into the lines of the live terminal view: the container images
 * being built and pushed (`render-images.ts`), then a status line per root
 * stack, one aligned row per resource (nested stacks indented under their resource), failure
 * reasons under the failed rows, and for ECS services the rollout with the latest stopped tasks
 * and their last log lines. Lines are styled spans so that colour and truncation to the terminal
 * width are decided at the end.
 *
 * @module
 */

import {
  displayReason,
  formatDuration,
  isInProgress,
  lastLogLines,
  latestStoppedTasks,
  rolloutTripped,
  sameLines,
  sanitizeLine,
  shortTaskId,
  statusSeverity,
  stoppedTaskReason,
} from './format.js';
import { renderImageLines } from './render-images.js';
import { severityStyle } from './severity-style.js';
import type {
  ProgressView,
  ResourceRow,
  RootStackNode,
  ServiceRollout,
  Severity,
  StackNode,
} from './types.js';

/** A text style of the terminal view. */
export type TextStyle = 'green' | 'yellow' | 'red' | 'magenta' | 'cyan' | 'dim' | 'bold';

/** A run of text in one style. */
export interface Span {
  readonly text: string;
  readonly style?: readonly TextStyle[];
}

/** One line of the view. */
export type StyledLine = readonly Span[];

/** The braille spinner of in-progress rows; the live renderer advances it every frame. */
export const SPINNER_FRAMES: readonly string[] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

const SGR: Record<TextStyle, string> = {
  bold: '1',
  dim: '2',
  red: '31',
  green: '32',
  yellow: '33',
  magenta: '35',
  cyan: '36',
};

/** Options of {@link renderViewLines}. */
export interface ViewLineOptions {
  /** The spinner frame for in-progress rows, e.g. `SPINNER_FRAMES[n % 10]`. */
  readonly spinner?: string;
  /** Terminal width, for wrapping failure reasons; lines themselves are truncated later. */
  readonly columns?: number;
  /**
   * The most lines the view may take. When the full view is taller, completed rows are collapsed
   * into one `… N resources complete` line per stack; if it is still too tall, it is cut.
   */
  readonly maxLines?: number;
}

/** Longest logical-id column (indent included) before ids are shortened. */
const MAX_NAME_WIDTH = 44;
/** The logical-id column is never cut below this. */
const MIN_NAME_WIDTH = 16;
/** Longest type column before types are shortened. */
const MAX_TYPE_WIDTH = 32;
/** Failure reasons wrap to at most this many lines. */
const MAX_REASON_LINES = 3;

interface Block {
  readonly lines: StyledLine[];
  readonly children: Block[];
  /** A completed resource row (with everything under it complete). */
  readonly complete: boolean;
  /** Resources in the block, counting those of nested stacks. */
  readonly count: number;
  /** Indent for the collapse line that replaces completed children. */
  readonly childIndent: number;
}

interface Widths {
  name: number;
  type: number;
  status: number;
  elapsed: number;
}

/** Builds the view's lines; see {@link ViewLineOptions}. */
export function renderViewLines(view: ProgressView, options: ViewLineOptions = {}): StyledLine[] {
  const spinner = options.spinner ?? SPINNER_FRAMES[0] ?? '*';
  const widths: Widths = { name: 0, type: 0, status: 0, elapsed: 0 };
  const measure = (stack: StackNode, depth: number) => {
    for (const row of stack.resources) {
      widths.name = Math.max(
        widths.name,
        Math.min(MAX_NAME_WIDTH, indentOf(depth) + 2 + row.logicalId.length),
      );
      widths.type = Math.max(widths.type, Math.min(MAX_TYPE_WIDTH, row.shortType.length));
      widths.status = Math.max(widths.status, row.status.length);
      widths.elapsed = Math.max(widths.elapsed, elapsedText(row).length);
      if (row.nested) measure(row.nested, depth + 1);
    }
  };
  for (const stack of view.stacks) measure(stack, 0);
  for (const stack of view.unattached) measure(stack, 1);
  // On a narrow terminal the type column goes first, then long logical ids get shorter, so that
  // status and elapsed time stay visible.
  const columns = options.columns;
  if (columns !== undefined) {
    const rowWidth = () =>
      widths.name + (widths.type > 0 ? 2 + widths.type : 0) + 2 + widths.status + 2 + widths.elapsed;
    if (rowWidth() + 6 > columns) widths.type = 0;
    const excess = rowWidth() - columns;
    if (excess > 0) widths.name = Math.max(MIN_NAME_WIDTH, widths.name - excess);
  }

  const build = (taskDetail: TaskDetail) => {
    const ctx: RenderContext = { spinner, widths, columns: options.columns, taskDetail };
    const images = renderImageLines(view.images, { spinner, columns: options.columns });
    return [
      ...(images.length > 0
        ? [{ lines: images, children: [], complete: false, count: 0, childIndent: indentOf(0) }]
        : []),
      ...view.stacks.map((stack) => rootBlock(stack, ctx)),
      ...view.unattached.map((stack) => unattachedBlock(stack, ctx)),
    ];
  };
  const blocks = build('all');
  const full = blocks.flatMap(flatten);
  const maxLines = options.maxLines;
  if (maxLines === undefined || full.length <= maxLines) return full;
  // Too tall: collapse completed rows, then show fewer container log lines, then cut.
  let collapsed = blocks.flatMap(flattenCollapsed);
  for (const detail of ['latest', 'none'] as const) {
    if (collapsed.length <= maxLines) return collapsed;
    collapsed = build(detail).flatMap(flattenCollapsed);
  }
  if (collapsed.length <= maxLines) return collapsed;
  if (maxLines <= 1) return collapsed.slice(0, Math.max(0, maxLines));
  const kept = collapsed.slice(0, maxLines - 1);
  return [...kept, [{ text: `… ${collapsed.length - kept.length} more lines`, style: ['dim'] }]];
}

/** Which stopped tasks get their log lines: all shown tasks, only the newest, or none. */
type TaskDetail = 'all' | 'latest' | 'none';

/**
 * A styled line as terminal text: SGR colours when `color` is true, cut to `columns` characters
 * (the last one becoming `…`) when a width is given.
 */
export function styledLineToText(line: StyledLine, options: { color: boolean; columns?: number }): string {
  const columns = options.columns !== undefined && options.columns > 0 ? options.columns : undefined;
  let room = columns ?? Number.POSITIVE_INFINITY;
  const total = line.reduce((n, span) => n + Array.from(span.text).length, 0);
  const cut = columns !== undefined && total > columns;
  if (cut) room = columns - 1;
  let out = '';
  for (const span of line) {
    if (room <= 0) break;
    const chars = Array.from(span.text);
    const text = chars.length > room ? chars.slice(0, room).join('') : span.text;
    room -= Math.min(chars.length, room);
    out += paint(text, span.style, options.color);
  }
  if (cut) out += '…';
  return out;
}

/** The view as terminal text, one `\n`-terminated line per row; a convenience over the two above. */
export function renderViewText(
  view: ProgressView,
  options: ViewLineOptions & { readonly color?: boolean } = {},
): string {
  return renderViewLines(view, options)
    .map((line) => `${styledLineToText(line, { color: options.color ?? false, columns: options.columns })}\n`)
    .join('');
}

function paint(text: string, style: readonly TextStyle[] | undefined, color: boolean): string {
  if (!color || !style || style.length === 0 || text === '') return text;
  return `\u001b[${style.map((s) => SGR[s]).join(';')}m${text}\u001b[0m`;
}

interface RenderContext {
  readonly spinner: string;
  readonly widths: Widths;
  readonly columns?: number;
  readonly taskDetail: TaskDetail;
}

function indentOf(depth: number): number {
  return 2 * (depth + 1);
}

function marker(severity: Severity, status: string | undefined, spinner: string): Span {
  const moving = isInProgress(status);
  switch (severity) {
    case 'complete':
      return { text: '✔', style: ['green'] };
    case 'progress':
      return { text: spinner, style: ['yellow'] };
    case 'rollback':
      return moving ? { text: spinner, style: ['magenta'] } : { text: '↺', style: ['magenta'] };
    case 'failed':
      return { text: '✗', style: ['red'] };
    case 'cancelled':
      return { text: '✗', style: ['dim'] };
    case 'skipped':
      return { text: '–', style: ['dim'] };
    case 'pending':
      return { text: '·', style: ['dim'] };
  }
}

function elapsedText(row: ResourceRow): string {
  return row.elapsedMs === undefined ? '' : formatDuration(row.elapsedMs);
}

function rootBlock(stack: RootStackNode, ctx: RenderContext): Block {
  const lines: StyledLine[] = [rootHeader(stack, ctx)];
  const finished = stack.finished;
  if (finished && !finished.ok && finished.message) {
    lines.push(...reasonLines(finished.message, 2, ['red'], ctx.columns));
  }
  if (stack.reason && (stack.severity === 'failed' || stack.severity === 'rollback')) {
    lines.push(...reasonLines(stack.reason, 2, severityStyle(stack.severity), ctx.columns));
  }
  const children = stack.resources.map((row) => rowBlock(row, 0, ctx));
  return { lines, children, complete: false, count: 0, childIndent: indentOf(0) };
}

function rootHeader(stack: RootStackNode, ctx: RenderContext): StyledLine {
  const verb = stack.operation === 'destroy' ? 'Destroy' : stack.isUpdate ? 'Update' : 'Deploy';
  const spans: Span[] = [];
  if (!stack.finished) {
    const moving = verb === 'Destroy' ? 'Destroying' : verb === 'Update' ? 'Updating' : 'Deploying';
    spans.push({ text: ctx.spinner, style: ['yellow'] }, { text: ` ${moving} ` }, bold(stack.stackName));
  } else if (stack.finished.ok) {
    const done = verb === 'Destroy' ? 'Destroyed' : verb === 'Update' ? 'Updated' : 'Deployed';
    spans.push({ text: '✔', style: ['green'] }, { text: ` ${done} ` }, bold(stack.stackName));
  } else {
    spans.push({ text: '✗', style: ['red'] }, { text: ` ${verb} of ` }, bold(stack.stackName), {
      text: ' failed',
      style: ['red'],
    });
  }
  if (stack.status) {
    spans.push({ text: '  ' }, { text: stack.status, style: severityStyle(stack.severity) });
  }
  spans.push({ text: `  ${stack.done}/${stack.total} resources` });
  spans.push({ text: '  ' }, { text: formatDuration(stack.elapsedMs), style: ['dim'] });
  return spans;
}

function unattachedBlock(stack: StackNode, ctx: RenderContext): Block {
  const spans: Span[] = [
    { text: '  ' },
    marker(stack.severity, stack.status, ctx.spinner),
    { text: ' ' },
    bold(stack.stackName),
  ];
  if (stack.status) spans.push({ text: '  ' }, { text: stack.status, style: severityStyle(stack.severity) });
  spans.push({ text: `  ${stack.done}/${stack.total}`, style: ['dim'] });
  const children = stack.resources.map((row) => rowBlock(row, 1, ctx));
  return { lines: [spans], children, complete: false, count: 0, childIndent: indentOf(1) };
}

function bold(text: string): Span {
  return { text, style: ['bold'] };
}

function rowBlock(row: ResourceRow, depth: number, ctx: RenderContext): Block {
  const { widths } = ctx;
  const indent = indentOf(depth);
  const idRoom = Math.max(1, widths.name - indent - 2);
  const id =
    row.logicalId.length > idRoom ? `${row.logicalId.slice(0, Math.max(0, idRoom - 1))}…` : row.logicalId;
  const type =
    row.shortType.length > widths.type ? `${row.shortType.slice(0, widths.type - 1)}…` : row.shortType;
  const statusStyle = severityStyle(statusSeverity(row.status, row.reason));
  const spans: Span[] = [
    { text: ' '.repeat(indent) },
    marker(row.severity, row.status, ctx.spinner),
    { text: ` ${id.padEnd(idRoom)}  ` },
  ];
  if (widths.type > 0) spans.push({ text: type.padEnd(widths.type), style: ['dim'] }, { text: '  ' });
  spans.push(
    { text: row.status.padEnd(widths.status), style: statusStyle },
    { text: '  ' },
    { text: elapsedText(row).padStart(widths.elapsed), style: ['dim'] },
  );
  const extra: Span[] = [];
  if (row.nested) {
    extra.push({ text: `${row.nested.done}/${row.nested.total}`, style: ['dim'] });
    if (row.nested.status && row.nested.status !== row.status) {
      extra.push({ text: ' · ' }, { text: row.nested.status, style: severityStyle(row.nested.severity) });
    }
  }
  if (row.failure?.cancelled && row.severity !== 'failed') extra.push({ text: 'cancelled', style: ['dim'] });
  if (extra.length > 0) spans.push({ text: '  ' }, ...extra);
  const lines: StyledLine[] = [trimLine(spans)];

  const sub = indent + 4;
  if (row.failure && !row.failure.cancelled) {
    const reason = row.failure.reason || 'no reason given';
    const text = row.failure.status === row.status ? reason : `${row.failure.status}: ${reason}`;
    lines.push(...reasonLines(text, sub, ['red'], ctx.columns));
  }
  if (row.rollout) {
    lines.push(...rolloutLines(row.rollout, sub, row.severity === 'complete' ? 'hidden' : ctx.taskDetail));
  }

  const children = row.nested ? row.nested.resources.map((child) => rowBlock(child, depth + 1, ctx)) : [];
  const selfComplete = row.severity === 'complete' || row.severity === 'skipped';
  const complete = selfComplete && children.every((child) => child.complete);
  const count = 1 + children.reduce((n, child) => n + child.count, 0);
  return { lines, children, complete, count, childIndent: indentOf(depth + 1) };
}

function trimLine(spans: Span[]): Span[] {
  const result = [...spans];
  while (result.length > 0) {
    const last = result[result.length - 1] as Span;
    const trimmed = last.text.trimEnd();
    if (trimmed === last.text) break;
    if (trimmed === '') result.pop();
    else {
      result[result.length - 1] = { ...last, text: trimmed };
      break;
    }
  }
  return result;
}

/** `↳ reason`, wrapped to the terminal width on at most {@link MAX_REASON_LINES} lines. */
function reasonLines(reason: string, indent: number, style: TextStyle[], columns?: number): StyledLine[] {
  const text = displayReason(reason);
  const prefix = `${' '.repeat(indent)}↳ `;
  const room = columns !== undefined ? columns - prefix.length : Number.POSITIVE_INFINITY;
  if (room < 20 || text.length <= room) return [[{ text: prefix }, { text, style }]];
  const chunks = wrap(text, room);
  const shown = chunks.slice(0, MAX_REASON_LINES);
  if (chunks.length > MAX_REASON_LINES) {
    const last = shown[shown.length - 1] ?? '';
    shown[shown.length - 1] = `${last.slice(0, Math.max(0, room - 1))}…`;
  }
  return shown.map((chunk, i) => [
    { text: i === 0 ? prefix : ' '.repeat(prefix.length) },
    { text: chunk, style },
  ]);
}

/** Word-wraps to `width` characters, breaking long words. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > width) {
      if (current) {
        lines.push(current);
        current = '';
      }
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (!current) current = rest;
    else if (current.length + 1 + rest.length <= width) current += ` ${rest}`;
    else {
      lines.push(current);
      current = rest;
    }
  }
  if (current) lines.push(current);
  return lines;
}

function rolloutLines(rollout: ServiceRollout, indent: number, tasks: TaskDetail | 'hidden'): StyledLine[] {
  const pad = ' '.repeat(indent);
  const spans: Span[] = [{ text: pad }];
  const counts = `tasks ${rollout.running}/${rollout.desired} running`;
  spans.push({
    text: counts,
    style: rollout.desired > 0 && rollout.running >= rollout.desired ? ['green'] : undefined,
  });
  if (rollout.pending > 0) spans.push({ text: `, ${rollout.pending} pending` });
  if (rollout.rolloutState) {
    const style: TextStyle[] =
      rollout.rolloutState === 'FAILED'
        ? ['red']
        : rollout.rolloutState === 'COMPLETED'
          ? ['green']
          : ['yellow'];
    spans.push({ text: ' · rollout ' }, { text: rollout.rolloutState, style });
  }
  const breaker = rollout.circuitBreaker;
  if (breaker?.enabled) {
    const style: TextStyle[] | undefined = rolloutTripped(rollout)
      ? ['red']
      : breaker.failedTasks > 0
        ? ['yellow']
        : undefined;
    spans.push(
      { text: ' · ' },
      { text: `circuit breaker ${breaker.failedTasks}/${breaker.threshold} failed`, style },
    );
  }
  const lines: StyledLine[] = [spans];
  if (rollout.rolloutState === 'FAILED' && rollout.rolloutStateReason) {
    lines.push([
      { text: pad },
      { text: `rollout failed: ${sanitizeLine(rollout.rolloutStateReason)}`, style: ['red'] },
    ]);
  }
  if (tasks === 'hidden') return lines;
  let previous: { taskId: string; lines: string[] } | undefined;
  for (const [index, task] of latestStoppedTasks(rollout).entries()) {
    lines.push([
      { text: pad },
      { text: '✗', style: ['red'] },
      { text: ` task ${shortTaskId(task.taskId)}`, style: ['dim'] },
      { text: `  ${stoppedTaskReason(task)}` },
    ]);
    const logLines = tasks === 'all' || (tasks === 'latest' && index === 0) ? lastLogLines(task) : [];
    if (previous && logLines.length > 0 && sameLines(logLines, previous.lines)) {
      lines.push([
        { text: `${pad}  ` },
        { text: `│ (same log lines as task ${shortTaskId(previous.taskId)})`, style: ['dim'] },
      ]);
      continue;
    }
    for (const logLine of logLines) {
      lines.push([{ text: `${pad}  ` }, { text: '│ ', style: ['dim'] }, { text: logLine }]);
    }
    if (logLines.length > 0) previous = { taskId: task.taskId, lines: logLines };
  }
  return lines;
}

function flatten(block: Block): StyledLine[] {
  return [...block.lines, ...block.children.flatMap(flatten)];
}

/** Like {@link flatten}, with each stack's completed rows replaced by one count line. */
function flattenCollapsed(block: Block): StyledLine[] {
  if (block.complete) return [];
  const lines = [...block.lines];
  const completed = block.children.filter((child) => child.complete);
  const count = completed.reduce((n, child) => n + child.count, 0);
  let summarized = false;
  for (const child of block.children) {
    if (child.complete) {
      if (!summarized) {
        summarized = true;
        const noun = count === 1 ? 'resource' : 'resources';
        lines.push([
          { text: ' '.repeat(block.childIndent) },
          { text: `… ${count} ${noun} complete`, style: ['dim'] },
        ]);
      }
      continue;
    }
    lines.push(...flattenCollapsed(child));
  }
  return lines;
}
