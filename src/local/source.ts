/**
 * Where the local cloud's templates come from: a CDK app folder (synthesized offline, the
 * assembly kept until the run ends) or a template file with its nested stacks.
 */

import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { type IoHost, SILENT_IO } from '../io/io-host.js';
import { synthesizeApp } from '../synth/synth.js';
import { loadTemplateFiles } from '../template/load.js';
import type { LoadedApp } from '../template/model.js';

/**
 * Context for synthesizing a CDK app to run locally: Docker image assets are not copied into the
 * assembly, so their manifest entries name the user's own folders (what `wharf dev` builds and
 * watches), as SAM CLI does for local runs.
 */
export const LOCAL_RUN_CONTEXT: Readonly<Record<string, unknown>> = { 'aws:cdk:disable-asset-staging': true };

/** What to run: a CDK app folder, or template files (one, or several as one app). */
export interface TemplateSource {
  /** CDK app folder with `cdk.json`. @default '.' when `template` is not given */
  readonly dir?: string;
  /** A CloudFormation template (YAML or JSON) with nested stacks by local path. */
  readonly template?: string;
  /**
   * Several root templates run as one app, linked by `Export`/`Fn::ImportValue`
   * (`--template cluster.yml --template service.yml`); `template` is then the first of them.
   * @default - `template` alone
   */
  readonly templates?: readonly string[];
  /** App command overriding `cdk.json`. */
  readonly app?: string;
  /** Which stack of the CDK app, when it has several. */
  readonly stack?: string;
  /**
   * Folders besides the root template's that nested templates may come from (`--allow-path`).
   * @default - none
   */
  readonly allowPaths?: readonly string[];
}

/** A loaded application and how to release what loading it created. */
export interface LoadedSource {
  readonly app: LoadedApp;
  /** The folder relative commands (process runtime) run in: the app folder or the template's folder. */
  readonly workingDir: string;
  dispose(): void;
}

/** Loads the one application `source` names; a CDK app with several stacks needs `stack`. */
export async function loadSource(source: TemplateSource, io: IoHost = SILENT_IO): Promise<LoadedSource> {
  const templates = source.templates?.length ? source.templates : source.template ? [source.template] : [];
  if (templates.length > 0) {
    if (source.dir !== undefined)
      throw new UsageError('give either a CDK app folder or --template, not both.');
    return {
      app: loadTemplateFiles(templates, { allowPaths: source.allowPaths }),
      // The first template's folder: where relative commands and .wharf/logs go.
      workingDir: resolve(templates[0] as string, '..'),
      dispose() {},
    };
  }
  const dir = resolve(source.dir ?? '.');
  const synthesized = await synthesizeApp({
    dir,
    app: source.app,
    stack: source.stack,
    allowPaths: source.allowPaths,
    io,
    env: { ...process.env, CDK_VALIDATION: 'false' },
    context: LOCAL_RUN_CONTEXT,
  });
  if (synthesized.apps.length > 1) {
    synthesized.dispose();
    throw new UsageError(
      `the CDK app in ${dir} has ${synthesized.apps.length} stacks (${synthesized.apps.map((a) => a.name).join(', ')}); ` +
        'choose one with --stack <name>.',
    );
  }
  return { app: synthesized.apps[0] as LoadedApp, workingDir: dir, dispose: () => synthesized.dispose() };
}
