import { createRequire } from 'node:module';
import type { LoadedApp, LoadedStack } from '../template/model.js';
import type { Finding, Severity } from './finding.js';

/**
 * AWS's CloudFormation validator (`@aws/cloudformation-validate`, the WebAssembly build bundled
 * with aws-cdk-lib): resource schemas, cfn-lint rules and AWS's own checks, offline.
 * It is not published on its own in every registry, so it is loaded from aws-cdk-lib's folder.
 */

interface Diagnostic {
  readonly ruleId: string;
  readonly severity: 'ERROR' | 'WARN' | 'INFO' | string;
  readonly message: string;
  readonly suggestedFix?: string;
  readonly documentationUrl?: string;
  readonly entity?: { readonly logicalId?: string; readonly resourceType?: string };
  readonly propertyPath?: string;
  readonly startLine?: number;
}

interface Engine {
  validateTemplate(
    template: unknown,
    config?: { detailLevel?: 'STANDARD' | 'DETAILED' },
  ): {
    diagnostics: Diagnostic[];
  };
  free(): void;
}

interface ValidatorModule {
  CompositeEngine: new () => Engine;
  TemplateFile: new (path: string) => unknown;
  version(): string;
}

let cached: ValidatorModule | undefined;

/** Loads the validator bundled with aws-cdk-lib. */
export function loadValidatorModule(): ValidatorModule {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const fromCdk = createRequire(require.resolve('aws-cdk-lib/package.json'));
    cached = fromCdk('@aws/cloudformation-validate') as ValidatorModule;
  }
  return cached;
}

/** The version of the bundled validation core, for reports. */
export function validatorVersion(): string {
  return loadValidatorModule().version();
}

const SEVERITY: Record<string, Severity> = { ERROR: 'error', WARN: 'warning', INFO: 'info' };

/**
 * Rules whose finding is expected in a given situation and says nothing the user must act on.
 * W3002 ("may only work with 'package' cli command") fires on a nested stack whose TemplateURL is
 * a local file: that is exactly the portable layout, which `sam deploy` and
 * `aws cloudformation package` upload. Wharf has loaded the file, so the finding is informational.
 */
function adjustSeverity(diagnostic: Diagnostic, stack: LoadedStack): Severity {
  const severity = SEVERITY[diagnostic.severity] ?? 'warning';
  const logicalId = diagnostic.entity?.logicalId;
  if (diagnostic.ruleId === 'W3002' && logicalId && stack.children.has(logicalId)) return 'info';
  return severity;
}

/**
 * Validates every template of the app (parent and nested stacks) and returns the diagnostics as
 * findings, each naming the template file, stack, resource and property path.
 */
export function validateWithCfnValidator(app: LoadedApp): Finding[] {
  const validator = loadValidatorModule();
  const engine = new validator.CompositeEngine();
  try {
    const findings: Finding[] = [];
    for (const stack of app.stacks) {
      // The file as written, so line numbers point into the user's own template.
      const report = engine.validateTemplate(new validator.TemplateFile(stack.file), {
        detailLevel: 'STANDARD',
      });
      for (const d of report.diagnostics) {
        findings.push({
          ruleId: d.ruleId,
          origin: 'cfn-validate',
          severity: adjustSeverity(d, stack),
          message: d.message,
          fix:
            d.suggestedFix ??
            (d.documentationUrl
              ? `See ${d.documentationUrl}`
              : 'See the CloudFormation resource reference for the allowed values.'),
          file: stack.file,
          stack: stack.path.length === 0 ? stack.name : stack.path.join('/'),
          logicalId: d.entity?.logicalId,
          resourceType: d.entity?.resourceType,
          propertyPath: d.propertyPath,
          line: d.startLine,
        });
      }
    }
    return findings;
  } finally {
    engine.free();
  }
}
