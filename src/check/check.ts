import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { type IoHost, SILENT_IO } from '../io/io-host.js';
import { synthesizeApp } from '../synth/synth.js';
import { loadTemplateFile } from '../template/load.js';
import type { LoadedApp } from '../template/model.js';
import { validateWithCfnValidator } from './cfn-validate.js';
import type { Finding, Severity } from './finding.js';
import { type AcknowledgedFinding, readNagReport } from './nag-report.js';
import { runTrapRules } from './traps/index.js';

/** Options of {@link check}: a CDK app folder, or template files. */
export interface CheckOptions {
  /** Folder of a CDK app (with `cdk.json`). Ignored when `templates` is given. */
  readonly dir?: string;
  /** CloudFormation template files (YAML or JSON), each with its nested stacks. */
  readonly templates?: readonly string[];
  /** App command overriding `cdk.json`. */
  readonly app?: string;
  /** Only this stack of the CDK app. */
  readonly stack?: string;
  /**
   * Folders besides each root template's that nested templates may come from (`--allow-path`).
   * @default - none
   */
  readonly allowPaths?: readonly string[];
  /**
   * The region the app will be deployed to, for the traps that compare regions (a certificate
   * must be in the region of the API or load balancer that serves it).
   * @default - unknown: compared with the region the templates pin, if any
   */
  readonly region?: string;
  readonly io?: IoHost;
}

/** Counts of findings by severity. */
export interface CheckSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly acknowledged: number;
}

/** What {@link check} found. */
export interface CheckResult {
  /** Every finding, errors first. */
  readonly findings: Finding[];
  /** cdk-nag findings the app acknowledged, with reasons. */
  readonly acknowledged: AcknowledgedFinding[];
  readonly summary: CheckSummary;
  /** The checkers that ran, e.g. `cfn-validate`, `cdk-nag`, `wharf-trap`. */
  readonly checkers: string[];
  /** The templates checked (root and nested). */
  readonly templates: { readonly stack: string; readonly file: string }[];
  /** True when no finding is an error. */
  readonly passed: boolean;
}

/** CDK context `wharf check` (and `wharf deploy`) synthesize with: nag on, findings reported instead of thrown. */
export const CHECK_CONTEXT = {
  '@wharf/check:nag': true,
  '@aws-cdk/core:failSynthOnValidationErrors': false,
  'aws:cdk:enable-path-metadata': true,
};

/**
 * Environment for a checked synth: the CDK's built-in validator skips nested templates, and Wharf
 * validates every template itself.
 */
export const CHECK_SYNTH_ENV = { CDK_VALIDATION: 'false' };

/**
 * `wharf check`: validates templates before deploy with AWS's CloudFormation validator (every
 * template, nested ones included), cdk-nag's AwsSolutions pack (CDK apps using Wharf's
 * constructs) and Wharf's known-trap rules.
 */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const io = options.io ?? SILENT_IO;
  if (options.templates && options.templates.length > 0) {
    const apps = options.templates.map((file) =>
      loadTemplateFile(resolve(file), { allowPaths: options.allowPaths }),
    );
    return checkLoaded({ apps, io, region: options.region });
  }
  if (options.dir === undefined)
    throw new UsageError('wharf check: give a CDK app folder or --template <file>.');
  const synthesized = await synthesizeApp({
    dir: options.dir,
    app: options.app,
    stack: options.stack,
    context: CHECK_CONTEXT,
    allowPaths: options.allowPaths,
    io,
    env: { ...process.env, ...CHECK_SYNTH_ENV },
  });
  try {
    return checkLoaded({
      apps: synthesized.apps,
      assemblyDir: synthesized.assemblyDir,
      io,
      region: options.region,
    });
  } finally {
    synthesized.dispose();
  }
}

/** What {@link checkLoaded} checks. */
export interface CheckLoadedOptions {
  /** Loaded applications (templates or a synthesized CDK app). */
  readonly apps: readonly LoadedApp[];
  /**
   * The cloud assembly the apps came from, synthesized with {@link CHECK_CONTEXT}; its cdk-nag
   * report is read. @default - no cdk-nag (hand-written templates)
   */
  readonly assemblyDir?: string;
  /** See {@link CheckOptions.region}. @default - unknown */
  readonly region?: string;
  readonly io?: IoHost;
}

/** Runs every checker on already loaded apps; `check` and `deploy` share it. */
export function checkLoaded(options: CheckLoadedOptions): CheckResult {
  const io = options.io ?? SILENT_IO;
  const checkers = ['cfn-validate', 'wharf-trap'];
  const findings: Finding[] = [];
  let acknowledged: AcknowledgedFinding[] = [];
  const apps = options.apps;
  for (const app of apps) {
    io.notify({
      level: 'info',
      code: 'WHARF_CHECK_APP',
      message: `Checking ${app.name} (${app.stacks.length} templates)…`,
    });
    findings.push(
      ...validateWithCfnValidator(app),
      ...runTrapRules(app, undefined, { region: options.region }),
    );
    for (const unloaded of app.unloaded ?? []) {
      findings.push({
        ruleId: 'nested-stack-not-loaded',
        origin: 'wharf-trap',
        severity: 'warning',
        message: `nested stack template at ${unloaded.location} (${unloaded.reason}) was not checked.`,
        fix: 'Point the nested stack at a local file to have it checked.',
        file: unloaded.stack.file,
        stack: unloaded.stack.path.join('/') || unloaded.stack.name,
        logicalId: unloaded.logicalId,
        propertyPath: unloaded.propertyPath,
      });
    }
  }
  if (options.assemblyDir !== undefined) {
    const nag = readNagReport(options.assemblyDir, apps);
    if (nag.ran) checkers.push('cdk-nag');
    else {
      io.notify({
        level: 'warn',
        code: 'WHARF_CHECK_NO_NAG',
        message:
          "cdk-nag did not run: the app uses none of Wharf's pattern constructs. Call enableWharfChecks(app) in it.",
      });
    }
    findings.push(...nag.findings);
    acknowledged = nag.acknowledged;
  }

  findings.sort((a, b) => rank(a.severity) - rank(b.severity));
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const summary = {
    errors: count('error'),
    warnings: count('warning'),
    infos: count('info'),
    acknowledged: acknowledged.length,
  };
  return {
    findings,
    acknowledged,
    summary,
    checkers,
    templates: apps.flatMap((app) =>
      app.stacks.map((s) => ({ stack: s.path.join('/') || s.name, file: s.file })),
    ),
    passed: summary.errors === 0,
  };
}

function rank(severity: Severity): number {
  return severity === 'error' ? 0 : severity === 'warning' ? 1 : 2;
}
