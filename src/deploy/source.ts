/**
 * What `deploy`, `diff` and `destroy` work on: a cloud assembly for the CDK toolkit plus the same
 * app loaded through Wharf's template loader (for checks, preflight and stack names). A CDK app is
 * synthesized once, with checks on; hand-written templates are packaged into an assembly whose
 * nested templates are file assets (see `assembly/`).
 */

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CHECK_CONTEXT, CHECK_SYNTH_ENV } from '../check/check.js';
import { UsageError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import { PORTABLE_STACK_NAME_KEY } from '../synth/portable.js';
import { synthesizeApp } from '../synth/synth.js';
import { readTemplateText } from '../template/containment.js';
import type { LoadedApp } from '../template/model.js';
import { parseTemplate } from '../template/yaml.js';
import { assembleTemplate, validateStackName } from './assembly/index.js';

/** Where an app comes from: a CDK app folder, or a hand-written root template. */
export interface DeploySourceOptions {
  /** Folder of a CDK app (with `cdk.json`). @default '.' when `template` is not given */
  readonly dir?: string;
  /** A root CloudFormation template (YAML or JSON) with nested stacks by relative path. */
  readonly template?: string;
  /**
   * Stack name for `template`. @default - the CDK stack name `wharf synth --portable` recorded in
   * the template's `Metadata`, else the template's folder name, e.g. `api-gateway` for
   * `api-gateway/parent.yml` (`parent` files), or the file's base name otherwise
   */
  readonly stackName?: string;
  /** App command overriding `cdk.json`. */
  readonly app?: string;
  /** Only this stack of the CDK app. @default - every stack */
  readonly stack?: string;
  /**
   * Folders besides the root template's that nested templates may come from (`--allow-path`).
   * @default - none
   */
  readonly allowPaths?: readonly string[];
  readonly io: IoHost;
}

/** One top-level stack of the assembly, as the toolkit selects and deploys it. */
export interface DeployStack {
  /** The CloudFormation stack name, e.g. `ApiGatewayFargate` or `orders-net`. */
  readonly stackName: string;
  /**
   * What the toolkit's stack selector matches: the artifact's display path, e.g. `Net` or
   * `Prod/Api` (for `new Stack(app, 'Net', { stackName: 'orders-net' })` it is `Net`).
   */
  readonly hierarchicalId: string;
  /** Account the app pins the stack to; `undefined` for environment-agnostic stacks. */
  readonly account?: string;
  /** Region the app pins the stack to; `undefined` for environment-agnostic stacks. */
  readonly region?: string;
  /** SSM parameter holding the bootstrap version, e.g. `/cdk-bootstrap/hnb659fds/version`. */
  readonly bootstrapVersionParameter?: string;
}

/** A prepared source. Call `dispose()` to remove the temporary assembly. */
export interface DeploySource {
  /** The cloud assembly directory the toolkit reads. */
  readonly assemblyDir: string;
  /** The apps (one per top-level stack), loaded through Wharf's template loader. */
  readonly apps: readonly LoadedApp[];
  /** CloudFormation stack names, in app order. */
  readonly stackNames: readonly string[];
  /** The stacks with what the toolkit needs to select them. */
  readonly stacks: readonly DeployStack[];
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
    const stackName = options.stackName ?? templateStackName(file);
    validateStackName(stackName);
    const assembly = assembleTemplate({ templateFile: file, stackName, allowPaths: options.allowPaths });
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
      stacks: readStackArtifacts(assembly.dir, [stackName]),
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
    allowPaths: options.allowPaths,
    io: options.io,
    env: { ...process.env, ...CHECK_SYNTH_ENV },
  });
  const stackNames = synthesized.apps.map((app) => app.name);
  return {
    assemblyDir: synthesized.assemblyDir,
    apps: synthesized.apps,
    stackNames,
    stacks: readStackArtifacts(synthesized.assemblyDir, stackNames),
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

interface ManifestArtifact {
  readonly type?: string;
  readonly displayName?: string;
  readonly environment?: string;
  readonly properties?: {
    readonly stackName?: string;
    readonly templateFile?: string;
    readonly directoryName?: string;
    readonly bootstrapStackVersionSsmParameter?: string;
  };
}

/**
 * The stack artifacts of an assembly (nested assemblies of CDK stages included) for the given
 * stack names, in that order.
 */
export function readStackArtifacts(assemblyDir: string, stackNames: readonly string[]): DeployStack[] {
  const found = new Map<string, DeployStack>();
  const visit = (dir: string) => {
    const manifestFile = join(dir, 'manifest.json');
    if (!existsSync(manifestFile)) return;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
      artifacts?: Record<string, ManifestArtifact>;
    };
    for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
      if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
        visit(join(dir, artifact.properties.directoryName));
        continue;
      }
      if (artifact.type !== 'aws:cloudformation:stack') continue;
      const stackName = artifact.properties?.stackName ?? id;
      const env = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(artifact.environment ?? '');
      const account = env?.[1] && !env[1].startsWith('unknown-') ? env[1] : undefined;
      const region = env?.[2] && !env[2].startsWith('unknown-') ? env[2] : undefined;
      const parameter = artifact.properties?.bootstrapStackVersionSsmParameter;
      found.set(stackName, {
        stackName,
        hierarchicalId: artifact.displayName ?? id,
        ...(account ? { account } : {}),
        ...(region ? { region } : {}),
        ...(parameter ? { bootstrapVersionParameter: parameter } : {}),
      });
    }
  };
  visit(assemblyDir);
  return stackNames.map((name) => found.get(name) ?? { stackName: name, hierarchicalId: name });
}

/**
 * The stack name of a template deploy without `--stack-name`: the CDK stack name recorded by
 * `wharf synth --portable`, else {@link defaultStackName}.
 */
export function templateStackName(file: string): string {
  return recordedStackName(resolve(file)) ?? defaultStackName(file);
}

/** The stack name `wharf synth --portable` recorded in the root template, if any. */
function recordedStackName(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    // Bounded and type-checked like every template read: `--template /dev/zero` must not hang here.
    const name = parseTemplate(readTemplateText(file), file).Metadata?.[PORTABLE_STACK_NAME_KEY];
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined; // the loader reports a broken template with its location
  }
}
