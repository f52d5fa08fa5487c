import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SynthError, UsageError } from '../errors.js';

/** Where a CDK app is and how to run it. */
export interface CdkAppLocation {
  /** The folder the app runs in (the one holding `cdk.json`). */
  readonly dir: string;
  /** The shell command that runs the app, e.g. `npx tsx app.ts`. */
  readonly command: string;
  /** Context from `cdk.json` (`context` key). */
  readonly context: Record<string, unknown>;
}

/**
 * Finds the CDK app in `dir`: its `cdk.json` `app` command and `context`, or the `appCommand`
 * given on the command line (`--app`). Throws a {@link UsageError} naming the folder or file when
 * there is no app to run.
 */
export function locateCdkApp(dir: string, appCommand?: string): CdkAppLocation {
  const absolute = resolve(dir);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) {
    throw new UsageError(
      `${absolute}: no such folder. Give the folder of a CDK app (the one with cdk.json).`,
      {
        code: 'WHARF_APP_NOT_FOUND',
      },
    );
  }
  const cdkJson = join(absolute, 'cdk.json');
  let config: { app?: unknown; context?: unknown } = {};
  if (existsSync(cdkJson)) {
    try {
      config = JSON.parse(readFileSync(cdkJson, 'utf8'));
    } catch (error) {
      throw new UsageError(`${cdkJson}: not valid JSON (${(error as Error).message}).`, {
        code: 'WHARF_CDK_JSON_INVALID',
      });
    }
  } else if (!appCommand) {
    throw new UsageError(
      `${cdkJson}: not found. Wharf runs the CDK app that cdk.json names ({"app": "npx tsx app.ts"}); ` +
        'add one, pass --app "<command>", or pass --template <file> for a CloudFormation template.',
      { code: 'WHARF_CDK_JSON_MISSING' },
    );
  }
  const command = appCommand ?? config.app;
  if (typeof command !== 'string' || command.trim() === '') {
    throw new UsageError(`${cdkJson}: the "app" key must be a command string, e.g. "npx tsx app.ts".`, {
      code: 'WHARF_CDK_JSON_INVALID',
    });
  }
  const context = typeof config.context === 'object' && config.context !== null ? config.context : {};
  return { dir: absolute, command, context: context as Record<string, unknown> };
}

/** Options of {@link runCdkApp}. */
export interface RunCdkAppOptions {
  /** Folder the cloud assembly is written to. */
  readonly outdir: string;
  /** Extra context, e.g. `{ '@wharf/nag': true }`. */
  readonly context?: Record<string, unknown>;
  /** Environment for the app; defaults to this process's. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Context Wharf always sets: asset metadata on nested stacks (so their templates can be found in
 * the assembly) and no version-reporting resource.
 */
export const OFFLINE_CONTEXT: Readonly<Record<string, unknown>> = {
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': false,
};

/**
 * Runs a CDK app offline, as the CDK CLI would (`CDK_OUTDIR`, `CDK_CONTEXT_JSON`), but without
 * AWS credentials: no account or region is passed, so Wharf's stacks stay environment-agnostic
 * (AZs come from `Fn::GetAZs` at deploy time). Resolves with the app's combined output; rejects
 * with a {@link SynthError} carrying the first error line the app printed.
 */
export async function runCdkApp(app: CdkAppLocation, options: RunCdkAppOptions): Promise<string> {
  const context = { ...app.context, ...OFFLINE_CONTEXT, ...(options.context ?? {}) };
  const env: NodeJS.ProcessEnv = {
    ...(options.env ?? process.env),
    CDK_OUTDIR: options.outdir,
    CDK_CONTEXT_JSON: JSON.stringify(context),
    CDK_CLI_VERSION: '2.0.0',
  };
  delete env.CDK_DEFAULT_ACCOUNT;
  delete env.CDK_DEFAULT_REGION;
  return await new Promise<string>((resolvePromise, reject) => {
    const child = spawn(app.command, { cwd: app.dir, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', (error) => {
      reject(
        new SynthError(
          app.command,
          output,
          `could not start '${app.command}' in ${app.dir}: ${error.message}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolvePromise(output);
        return;
      }
      const reason = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const first = firstErrorLine(output);
      reject(
        new SynthError(
          app.command,
          output,
          `the CDK app in ${app.dir} ('${app.command}') ${reason}${first ? `:\n  ${first}` : '.'}`,
        ),
      );
    });
  });
}

/** The most useful line of a failed app's output: a Wharf error, else the first `XxxError: …`. */
export function firstErrorLine(output: string): string | undefined {
  const lines = output.split('\n').map((l) => l.trim());
  const wharf = lines.find((l) => /^(PropsValidationError|TemplateError|UsageError|WharfError)\b/.test(l));
  if (wharf) return wharf;
  const known = lines.find((l) => /^[A-Za-z]*Error\b.*:/.test(l));
  return known ?? lines.find((l) => l.length > 0 && !l.startsWith('npm warn'));
}
