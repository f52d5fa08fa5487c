import { relative } from 'node:path';
import type { CheckResult } from './check.js';
import type { Severity } from './finding.js';

/** Options of {@link renderCheckReport}. */
export interface RenderOptions {
  /** Show info-level findings and the reasons of acknowledged ones. @default false */
  readonly verbose?: boolean;
  /** Paths are shown relative to this folder. @default process.cwd() */
  readonly cwd?: string;
  /** ANSI colours. @default false */
  readonly color?: boolean;
}

const MARK: Record<Severity, string> = { error: '✖ error  ', warning: '▲ warning', info: '· info   ' };
const COLOR: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[2m' };

/**
 * The human report of `wharf check`: findings grouped by template and resource, each with its
 * rule id, message and fix, then a summary line.
 */
export function renderCheckReport(result: CheckResult, options: RenderOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const paint = (severity: Severity, text: string) =>
    options.color ? `${COLOR[severity]}${text}\x1b[0m` : text;
  const shown = result.findings.filter((f) => options.verbose || f.severity !== 'info');
  const lines: string[] = [];
  const byTemplate = groupBy(shown, (f) => `${f.stack}\u0000${f.file}`);
  for (const [key, inTemplate] of byTemplate) {
    const [stack, file] = key.split('\u0000') as [string, string];
    lines.push(`${stack}  (${displayPath(file, cwd)})`);
    for (const [logicalId, inResource] of groupBy(inTemplate, (f) => f.logicalId ?? '')) {
      const type = inResource.find((f) => f.resourceType)?.resourceType;
      lines.push(`  ${logicalId || '(template)'}${type ? `  ${type}` : ''}`);
      for (const f of inResource) {
        const where = [f.propertyPath, f.line ? `line ${f.line}` : ''].filter(Boolean).join(', ');
        lines.push(
          `    ${paint(f.severity, MARK[f.severity])}  ${f.ruleId}  ${f.message}${where ? `  [${where}]` : ''}`,
        );
        lines.push(`               fix: ${f.fix}`);
      }
    }
    lines.push('');
  }
  if (options.verbose && result.acknowledged.length > 0) {
    lines.push('Acknowledged (cdk-nag):');
    for (const a of result.acknowledged) {
      lines.push(`  ${a.ruleId}  ${a.stack ?? ''} ${a.logicalId ?? a.constructPath}: ${a.reason}`);
    }
    lines.push('');
  }
  const s = result.summary;
  const hiddenInfo = !options.verbose && s.infos > 0 ? ' (--verbose shows them)' : '';
  lines.push(
    `${result.passed ? 'PASSED' : 'FAILED'}: ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ` +
      `${s.infos} info${hiddenInfo}, ${s.acknowledged} acknowledged; ${result.templates.length} templates checked with ${result.checkers.join(', ')}.`,
  );
  return `${lines.join('\n')}\n`;
}

function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') || /wharf-assembly-/.test(file)
    ? file.replace(/^.*wharf-assembly-[^/]+\//, 'cdk.out/')
    : rel;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k) ?? [];
    list.push(item);
    groups.set(k, list);
  }
  return groups;
}
