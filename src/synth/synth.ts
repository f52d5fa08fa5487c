import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError, WharfError } from '../errors.js';
import { type IoHost, SILENT_IO } from '../io/io-host.js';
import { loadCloudAssembly } from '../template/load.js';
import type { LoadedApp } from '../template/model.js';
import { renderTemplate, type TemplateFormat } from '../template/write.js';
import { locateCdkApp, runCdkApp } from './cdk-app.js';
import { readDockerImageAssets } from './image-assets.js';
import { toPortable } from './portable.js';
import { imageDeployCommands, type PortableImage, unbuildableReason } from './portable-images.js';

/** A CDK app synthesized into a temporary cloud assembly. Call `dispose()` when done. */
export interface SynthesizedApp {
  /** The cloud assembly folder (temporary). */
  readonly assemblyDir: string;
  /** Each top-level stack with its nested stacks. */
  readonly apps: LoadedApp[];
  /** Removes the temporary assembly. */
  dispose(): void;
}

/** Options of {@link synthesizeApp}. */
export interface SynthesizeAppOptions {
  /** Folder of the CDK app (with `cdk.json`). */
  readonly dir: string;
  /** App command overriding `cdk.json` (`--app`). */
  readonly app?: string;
  /** Only this stack. @default - all stacks */
  readonly stack?: string;
  /** Extra context for the app. */
  readonly context?: Record<string, unknown>;
  /** Environment of the app process. @default - this process's environment */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Folders besides the cloud assembly that its templates may reference (`--allow-path`).
   * @default - none
   */
  readonly allowPaths?: readonly string[];
  readonly io?: IoHost;
}

/**
 * Runs a CDK app offline into a temporary cloud assembly and loads its templates through the
 * one template loader. Used by `synth` and `check`.
 */
export async function synthesizeApp(options: SynthesizeAppOptions): Promise<SynthesizedApp> {
  const io = options.io ?? SILENT_IO;
  const app = locateCdkApp(options.dir, options.app);
  const assemblyDir = mkdtempSync(join(tmpdir(), 'wharf-assembly-'));
  const dispose = () => rmSync(assemblyDir, { recursive: true, force: true });
  try {
    io.notify({
      level: 'info',
      code: 'WHARF_SYNTH_START',
      message: `Synthesizing ${app.dir} ('${app.command}')…`,
    });
    const started = Date.now();
    await runCdkApp(app, { outdir: assemblyDir, context: options.context, env: options.env });
    const apps = loadCloudAssembly(assemblyDir, options.stack, { allowPaths: options.allowPaths });
    if (apps.length === 0) {
      throw new UsageError(`the CDK app in ${app.dir} defines no stacks.`, { code: 'WHARF_NO_STACKS' });
    }
    io.notify({
      level: 'info',
      code: 'WHARF_SYNTH_DONE',
      message: `Synthesized ${apps.map((a) => `${a.name} (${a.stacks.length} templates)`).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      data: { stacks: apps.map((a) => a.name) },
    });
    return { assemblyDir, apps, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** Options of {@link synth}. */
export interface SynthOptions extends SynthesizeAppOptions {
  /** Folder to write templates into; created if missing. */
  readonly out: string;
  /** @default 'yaml' */
  readonly format?: TemplateFormat;
  /** Write `parent.yml` plus one file per nested stack, referenced by relative paths. @default false */
  readonly portable?: boolean;
}

/** A template file `synth` wrote. */
export interface WrittenTemplate {
  /** The stack (root) it belongs to. */
  readonly stack: string;
  /** Nested-stack logical-id path, `[]` for the root template. */
  readonly path: readonly string[];
  readonly file: string;
}

/** An image the portable templates of one stack take as a parameter, and how it is built. */
export interface PortableImageParameter {
  /** The root template's parameter, e.g. `ImageUrl`. */
  readonly parameter: string;
  /** The build context (the app's own folder). */
  readonly directory: string;
  /** The Dockerfile, relative to `directory`. */
  readonly file: string;
  readonly platform?: string;
  readonly target?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** The asset's content hash, used as the image tag. */
  readonly tag: string;
  /** Where the templates use it, e.g. `ServiceStack/TaskDefinition Properties.ContainerDefinitions.0.Image`. */
  readonly uses: readonly string[];
}

/** With `--portable`, the images one stack's templates take as parameters and how to deploy them. */
export interface PortableImages {
  readonly stack: string;
  readonly images: readonly PortableImageParameter[];
  /** Shell lines that build and push the images and run `sam deploy` with them. */
  readonly commands: readonly string[];
}

/** What {@link synth} produced. */
export interface SynthResult {
  readonly outDir: string;
  readonly files: WrittenTemplate[];
  /** With `portable`, per stack with Docker image assets. @default - none */
  readonly images?: PortableImages[];
}

/**
 * Context for a portable synth: image assets keep their own folder instead of a copy in the
 * (temporary) cloud assembly, so the printed `docker build` commands name the user's folder.
 */
export const PORTABLE_CONTEXT: Readonly<Record<string, unknown>> = { 'aws:cdk:disable-asset-staging': true };

/**
 * `wharf synth`: runs the CDK app offline and writes its templates as YAML (or JSON) into `out`.
 * With `portable`, writes the seeds' layout (see {@link toPortable}); with several stacks, one
 * sub-folder per stack. Nothing is written unless every template was produced.
 */
export async function synth(options: SynthOptions): Promise<SynthResult> {
  const io = options.io ?? SILENT_IO;
  const format = options.format ?? 'yaml';
  const synthesized = await synthesizeApp(
    options.portable ? { ...options, context: { ...options.context, ...PORTABLE_CONTEXT } } : options,
  );
  try {
    const outDir = resolve(options.out);
    const pending: { file: string; content: string; written: WrittenTemplate }[] = [];
    const images: PortableImages[] = [];
    const many = synthesized.apps.length > 1;
    for (const app of synthesized.apps) {
      if (options.portable) {
        const folder = many ? join(outDir, app.name) : outDir;
        const extension = format === 'yaml' ? 'yml' : 'json';
        const portable = toPortable(app, extension, readDockerImageAssets(dirname(app.root.file)));
        if (portable.images.length > 0) {
          images.push(
            describeImages(app.name, portable.images, join(folder, `parent.${extension}`), synthesized),
          );
        }
        for (const file of portable.files) {
          const target = join(folder, file.name);
          pending.push({
            file: target,
            content: renderTemplate(file.template, format),
            written: { stack: app.name, path: file.stack.path, file: target },
          });
        }
      } else {
        for (const stack of app.stacks) {
          const name = basename(stack.file).replace(/\.json$/, format === 'yaml' ? '.yaml' : '.json');
          const target = join(outDir, name);
          pending.push({
            file: target,
            content: renderTemplate(stack.template, format),
            written: { stack: app.name, path: stack.path, file: target },
          });
        }
      }
    }
    for (const item of pending) {
      mkdirSync(resolve(item.file, '..'), { recursive: true });
      writeFileSync(item.file, item.content);
      // `debug`: the result lists every file, and `wharf synth` prints that list once on stdout.
      io.notify({
        level: 'debug',
        code: 'WHARF_SYNTH_WROTE',
        message: `wrote ${item.file}`,
        data: item.written,
      });
    }
    return { outDir, files: pending.map((p) => p.written), ...(options.portable ? { images } : {}) };
  } finally {
    synthesized.dispose();
  }
}

function describeImages(
  stack: string,
  portable: readonly PortableImage[],
  parentFile: string,
  synthesized: SynthesizedApp,
): PortableImages {
  for (const image of portable) {
    const reason = unbuildableReason(image.asset, synthesized.assemblyDir);
    if (reason) {
      throw new WharfError(
        'WHARF_PORTABLE_ASSETS',
        `${stack}: the image for ${image.parameter} ${reason}, so --portable cannot print how to build it. Deploy with the CDK toolkit (wharf deploy) instead.`,
      );
    }
  }
  return {
    stack,
    images: portable.map((image) => ({
      parameter: image.parameter,
      directory: image.asset.directory ?? '',
      file: image.asset.dockerFile ?? 'Dockerfile',
      platform: image.asset.platform,
      target: image.asset.target,
      buildArgs: image.asset.buildArgs,
      tag: image.tag,
      uses: image.uses.map((use) => `${use.stack}/${use.logicalId} ${use.propertyPath}`),
    })),
    commands: imageDeployCommands(portable, { stackName: stack, parentFile }),
  };
}
