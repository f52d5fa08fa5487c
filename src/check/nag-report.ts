import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnValue, LoadedApp, LoadedStack } from '../template/model.js';
import type { Finding, Severity } from './finding.js';

/**
 * Reads cdk-nag's findings from a cloud assembly's `validation-report.json` (written by CDK's
 * validation-plugin mechanism) and places each on the template resource it concerns, through the
 * `aws:cdk:path` metadata CDK writes on every resource.
 */

interface Violation {
  readonly ruleName: string;
  readonly description: string;
  readonly severity?: string;
  readonly suggestedFix?: string;
  readonly violatingConstructs: { readonly constructPath: string }[];
}

interface Suppressed extends Violation {
  readonly reason?: string;
  readonly acknowledgedAt?: string;
}

interface PluginReport {
  readonly pluginName: string;
  readonly violations?: Violation[];
  readonly suppressedViolations?: Suppressed[];
}

/** A finding the app acknowledged, with the reason it gave. */
export interface AcknowledgedFinding {
  readonly ruleId: string;
  readonly reason: string;
  readonly constructPath: string;
  readonly stack?: string;
  readonly logicalId?: string;
}

/** What the nag run found. */
export interface NagResult {
  readonly findings: Finding[];
  readonly acknowledged: AcknowledgedFinding[];
  /** False when the app registered no nag plugin (it uses none of Wharf's constructs). */
  readonly ran: boolean;
}

const SEVERITY: Record<string, Severity> = {
  fatal: 'error',
  error: 'error',
  warning: 'warning',
  info: 'info',
};

/** Reads the nag part of `<assemblyDir>/validation-report.json`. */
export function readNagReport(assemblyDir: string, apps: readonly LoadedApp[]): NagResult {
  const file = join(assemblyDir, 'validation-report.json');
  if (!existsSync(file)) return { findings: [], acknowledged: [], ran: false };
  const report = JSON.parse(readFileSync(file, 'utf8')) as { pluginReports?: PluginReport[] };
  const plugins = (report.pluginReports ?? []).filter((p) => p.pluginName.startsWith('AwsSolutions'));
  const locate = indexByConstructPath(apps);
  const findings: Finding[] = [];
  const acknowledged: AcknowledgedFinding[] = [];
  for (const plugin of plugins) {
    for (const violation of plugin.violations ?? []) {
      for (const construct of violation.violatingConstructs) {
        const where = locate(construct.constructPath);
        findings.push({
          ruleId: violation.ruleName,
          origin: 'cdk-nag',
          severity: SEVERITY[violation.severity ?? 'error'] ?? 'error',
          message: violation.description,
          fix:
            violation.suggestedFix ??
            `Fix the resource, or acknowledge it in the app with a reason: Validations.of(construct).acknowledge({ id: 'AwsSolutions::${violation.ruleName}', reason: '…' }).`,
          file: where?.stack.file ?? construct.constructPath,
          stack: where ? stackName(where.stack) : (construct.constructPath.split('/')[0] ?? ''),
          logicalId: where?.logicalId,
          resourceType: where?.type,
        });
      }
    }
    for (const violation of plugin.suppressedViolations ?? []) {
      for (const construct of violation.violatingConstructs) {
        const where = locate(construct.constructPath);
        acknowledged.push({
          ruleId: violation.ruleName,
          reason: violation.reason ?? '',
          constructPath: construct.constructPath,
          stack: where ? stackName(where.stack) : undefined,
          logicalId: where?.logicalId,
        });
      }
    }
  }
  return { findings, acknowledged, ran: plugins.length > 0 };
}

function stackName(stack: LoadedStack): string {
  return stack.path.length === 0 ? stack.name : stack.path.join('/');
}

/** Maps an L1 construct path (or an L2 path ending in `/Resource`) to its stack and logical id. */
function indexByConstructPath(apps: readonly LoadedApp[]) {
  const index = new Map<string, { stack: LoadedStack; logicalId: string; type: string }>();
  for (const app of apps) {
    for (const stack of app.stacks) {
      for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
        const path = (resource.Metadata as Record<string, CfnValue> | undefined)?.['aws:cdk:path'];
        if (typeof path === 'string') index.set(path, { stack, logicalId, type: resource.Type });
      }
    }
  }
  return (constructPath: string) => index.get(constructPath) ?? index.get(`${constructPath}/Resource`);
}
