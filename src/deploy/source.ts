/**
 * What `deploy`, `diff` and `destroy` work on: a cloud assembly for the CDK toolkit plus the same
 * app loaded through Wharf's template loader (for checks, preflight and stack names). A CDK app is
 * synthesized once, with checks on; hand-written templates are packaged into an assembly whose
 * nested templates are file assets (see `assembly/`).
 */

import { basename, dirname, resolve } from 'node:path';
import { CHECK_CONTEXT, CHECK_SYNTH_ENV } from '../check/check.js';
import { UsageError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import { synthesizeApp } from '../synth/synth.js';
import type { LoadedApp } from '../template/model.js';
import { assembleTemplate, validateStackName } from './assembly/index.js';

/** Where an app comes from: a CDK app folder, or a hand-written root template. */
export interface DeploySourceOptions {
  /** Folder of a CDK app (with `cdk.json`). @default '.' when `template` is not given */
  readonly dir?: string;
  /** A root CloudFormation template (YAML or JSON) with nested stacks by relative path. */
  readonly template?: string;
  /**
   * Stack name for `template`. @default - the template's folder name, e.g. `api-gateway` for
   * `api-gateway/parent.yml` (`parent` files) or the file's base name otherwise
   */
  readonly stackName?: string;
  /** App command overriding `cdk.json`. */
  readonly app?: string;
  /** Only this stack of the CDK app. @default - every stack */
  readonly stack?: string;
  readonly io: IoHost;
}

/** A prepared source. Call `dispose()` to remove the temporary assembly. */
export interface DeploySource {
  /** The cloud assembly directory the toolkit reads. */
  readonly assemblyDir: string;
  /** The apps (one per top-level stack), loaded through Wharf's template loader. */
  readonly apps: readonly LoadedApp[];
  /** CloudFormation stack names, in app order. */
  readonly stackNames: readonly string[];
  /** `cdk-app` or `template`. */
  readonly kind: 'cdk-app' | 'template';
  /** The assembly was synthesized with cdk-nag's report (CDK apps only). */
  readonly nagReport: boolean;
  dispose(): void;
}

/** Synthesizes or packages the app for the toolkit. */
export async function prepareDeploySource(options: DeploySourceOptions): Promise<DeploySource> {
  if (options.template !== undefined) {
    if (options.dir !== undefined) {
      throw new UsageError('give either a CDK app folder or --template <file>, not both.');
    }
    const file = resolve(options.template);
    const stackName = options.stackName ?? defaultStackName(file);
    validateStackName(stackName);
    const assembly = assembleTemplate({ templateFile: file, stackName });
    const app = assembly.app;
    for (const untouched of assembly.untouchedNestedStacks) {
      options.io.notify({
        level: 'info',
        code: 'WHARF_DEPLOY_REMOTE_NESTED',
        message: `${untouched.path.join('/')}: nested stack at ${untouched.location} (${untouched.reason}) is deployed as it is; Wharf did not check or package it.`,
      });
    }
    const converted = assembly.convertedSamApplications;
    if (converted.length > 0) {
      options.io.notify({
        level: 'info',
        code: 'WHARF_DEPLOY_SAM_APPLICATION',
        message: `${basename(file)}: ${converted.join(', ')} (SAM applications with a local Location) deploy as the nested stacks the SAM transform would make.`,
        data: { converted },
      });
    }
    return {
      assemblyDir: assembly.dir,
      apps: [app],
      stackNames: [stackName],
      kind: 'template',
      nagReport: false,
      dispose: () => assembly.dispose(),
    };
  }
  if (options.stackName !== undefined) {
    throw new UsageError(
      '--stack-name names the stack of a --template deploy; a CDK app names its stacks itself (pick one with --stack).',
    );
  }
  const synthesized = await synthesizeApp({
    dir: options.dir ?? '.',
    app: options.app,
    stack: options.stack,
    context: CHECK_CONTEXT,
    io: options.io,
    env: { ...process.env, ...CHECK_SYNTH_ENV },
  });
  return {
    assemblyDir: synthesized.assemblyDir,
    apps: synthesized.apps,
    stackNames: synthesized.apps.map((app) => app.name),
    kind: 'cdk-app',
    nagReport: true,
    dispose: () => synthesized.dispose(),
  };
}

/**
 * The default stack name of a template: its folder's name for `parent.*`/`template.*`/`main.*`
 * files (the seeds keep one app per folder), else the file's base name; reduced to the characters
 * CloudFormation allows.
 */
export function defaultStackName(file: string): string {
  const base = basename(file).replace(/\.(ya?ml|json|template)$/i, '');
  const generic = /^(parent|template|main|root|stack)$/i.test(base);
  const raw = generic ? basename(dirname(resolve(file))) : base;
  const cleaned = raw
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^[^A-Za-z]+/, '')
    .replace(/-+$/, '');
  return cleaned === '' ? 'wharf-app' : cleaned.slice(0, 128);
}
