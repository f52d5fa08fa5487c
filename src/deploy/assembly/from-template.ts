/**
 * Packages a hand-written CloudFormation template tree (a root template with nested stacks in
 * local files, the seeds' shape and `wharf synth --portable`'s output) into a CDK cloud assembly,
 * so the CDK toolkit deploys it like a synthesized CDK stack: every local nested template becomes
 * a file asset the toolkit publishes to the bootstrap bucket before it deploys, and each parent
 * points at its child's object there.
 */

import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { loadTemplateFile } from '../../template/load.js';
import type { CfnResource, CfnTemplate, CfnValue, LoadedApp, LoadedStack } from '../../template/model.js';
import {
  type BootstrapNames,
  bootstrapNames,
  DEFAULT_QUALIFIER,
  FileAssetCollector,
  nestedTemplateUrl,
  REQUIRED_BOOTSTRAP_VERSION,
  sha256,
  writeAssemblyFiles,
} from './manifest.js';
import {
  SERVERLESS_APPLICATION,
  samApplicationToStack,
  transformWithoutServerless,
} from './sam-application.js';

/** Options of {@link assembleTemplate}. */
export interface TemplateAssemblyOptions {
  /** The root template (YAML or JSON), absolute or relative to the working directory. */
  readonly templateFile: string;
  /** The CloudFormation stack name (see {@link validateStackName}); also the artifact id. */
  readonly stackName: string;
  /**
   * Folder to write the cloud assembly into; created if missing.
   * @default - a new temporary folder
   */
  readonly outdir?: string;
  /**
   * The CDK bootstrap qualifier of the target environment.
   * @default 'hnb659fds'
   */
  readonly qualifier?: string;
  /**
   * Folders besides the root template's that nested templates may come from (`--allow-path`).
   * @default - none
   */
  readonly allowPaths?: readonly string[];
}

/** A local nested template packaged as a file asset. */
export interface NestedTemplateAsset {
  /** Logical ids from the root template down to the nested-stack resource. */
  readonly path: readonly string[];
  /** The template file it was read from (absolute). */
  readonly sourceFile: string;
  /** Its rendered JSON file inside the assembly folder (a name, relative to `dir`). */
  readonly templateFile: string;
  /** Its object key in the bootstrap bucket: `<sha256 of templateFile's content>.json`. */
  readonly objectKey: string;
}

/** A nested stack left as written: its template is not a local file. */
export interface UntouchedNestedStack {
  /** Logical ids from the root template down to the nested-stack resource. */
  readonly path: readonly string[];
  /** `Properties.TemplateURL` or `Properties.Location`. */
  readonly propertyPath: string;
  /** The location as written (a URL, or the JSON of an intrinsic or SAR application id). */
  readonly location: string;
  readonly reason: 'remote' | 'computed' | 'serverless-repo';
}

/** A cloud assembly made from a template tree. Call `dispose()` when done with it. */
export interface TemplateAssembly {
  /** The cloud assembly folder (absolute), for `toolkit.fromAssemblyDirectory(dir)`. */
  readonly dir: string;
  readonly stackName: string;
  /** The root template's file name inside `dir`. */
  readonly templateFile: string;
  /** The templates as read from disk (before packaging), named `stackName`. */
  readonly app: LoadedApp;
  /** Every local nested template, in load order (parents before children). */
  readonly nestedTemplates: NestedTemplateAsset[];
  /**
   * `AWS::Serverless::Application` resources with a local `Location` that were converted to
   * `AWS::CloudFormation::Stack`: logical ids from the root joined with `/` (`VpcStack`, or
   * `ServiceStack/Inner` one level down).
   */
  readonly convertedSamApplications: string[];
  /** Nested stacks with a remote or computed location, deployed as written. */
  readonly untouchedNestedStacks: UntouchedNestedStack[];
  /** Removes what was written: the whole folder when Wharf created it, else only its own files. */
  dispose(): void;
}

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const MAX_STACK_NAME = 128;

/**
 * Checks a CloudFormation stack name: a letter, then letters, digits and hyphens, at most 128
 * characters.
 * @throws {@link UsageError} `WHARF_STACK_NAME_INVALID` naming what is allowed.
 */
export function validateStackName(name: string): void {
  if (STACK_NAME.test(name) && name.length <= MAX_STACK_NAME) return;
  const why =
    name.length > MAX_STACK_NAME
      ? `it has ${name.length} characters`
      : name === ''
        ? 'it is empty'
        : /^[A-Za-z]/.test(name)
          ? `'${name.replace(/[A-Za-z0-9-]/g, '')[0]}' is not allowed`
          : 'it does not start with a letter';
  throw new UsageError(
    `invalid stack name '${name}': ${why}. A CloudFormation stack name starts with a letter and contains only letters, digits and hyphens (A-Z, a-z, 0-9, -), at most ${MAX_STACK_NAME} characters; e.g. my-api.`,
    { code: 'WHARF_STACK_NAME_INVALID' },
  );
}

type MutableTemplate = { -readonly [K in keyof CfnTemplate]: CfnTemplate[K] } & Record<string, unknown>;

/** Section order CloudFormation's documentation uses; anything else follows. */
const SECTION_ORDER = [
  'AWSTemplateFormatVersion',
  'Description',
  'Transform',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Resources',
  'Outputs',
];

function ordered(template: MutableTemplate): MutableTemplate {
  const keys = [
    ...SECTION_ORDER.filter((key) => key in template),
    ...Object.keys(template).filter((key) => !SECTION_ORDER.includes(key)),
  ];
  return Object.fromEntries(keys.map((key) => [key, template[key]])) as MutableTemplate;
}

function toJson(template: MutableTemplate): string {
  return JSON.stringify(template, undefined, 1);
}

/**
 * Adds CDK's bootstrap check to a root template unless it has one: the `BootstrapVersion`
 * parameter read from SSM and the `CheckBootstrapVersion` rule that fails early on an old
 * bootstrap stack.
 */
function addBootstrapCheck(template: MutableTemplate, names: BootstrapNames): void {
  const parameters = { ...(template.Parameters ?? {}) };
  if (!parameters.BootstrapVersion) {
    parameters.BootstrapVersion = {
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: names.versionParameter,
      Description: 'Version of the CDK bootstrap stack in this environment, read from SSM. [cdk:skip]',
    };
  }
  template.Parameters = parameters;
  const rules = { ...(template.Rules ?? {}) };
  if (!rules.CheckBootstrapVersion) {
    const tooOld = Array.from({ length: REQUIRED_BOOTSTRAP_VERSION - 1 }, (_, i) => String(i + 1));
    rules.CheckBootstrapVersion = {
      Assertions: [
        {
          Assert: { 'Fn::Not': [{ 'Fn::Contains': [tooOld, { Ref: 'BootstrapVersion' }] }] },
          AssertDescription: `Deploying needs CDK bootstrap stack version ${REQUIRED_BOOTSTRAP_VERSION} or later in this account and region; run 'cdk bootstrap' with a recent CDK CLI.`,
        },
      ],
    };
  }
  template.Rules = rules;
}

/** The assembly file name of a nested template (logical ids are alphanumeric, so dots separate). */
function nestedFileName(stackName: string, path: readonly string[]): string {
  const name = `${stackName}.${path.join('.')}.nested.template.json`;
  // Stay well within file-name limits for deep trees with long logical ids.
  return name.length <= 200
    ? name
    : `${stackName}.${sha256(path.join('/')).slice(0, 16)}.nested.template.json`;
}

function withAssetMetadata(resource: CfnResource, fileName: string): CfnResource {
  // `aws:asset:path` lets the toolkit's diff find the nested template in the assembly, as for CDK nested stacks.
  return {
    ...resource,
    Metadata: {
      ...(resource.Metadata ?? {}),
      'aws:asset:path': fileName,
      'aws:asset:property': 'TemplateURL',
    },
  };
}

interface Packaged {
  readonly files: Map<string, string>;
  readonly assets: FileAssetCollector;
  readonly nested: Map<LoadedStack, NestedTemplateAsset>;
  readonly converted: Set<LoadedStack>;
  readonly rootFile: string;
  readonly rootObjectKey: string;
}

/** Renders every template, children first, rewriting each local nested-stack location. */
function packageApp(app: LoadedApp, stackName: string, names: BootstrapNames): Packaged {
  const files = new Map<string, string>();
  const assets = new FileAssetCollector(names);
  const nested = new Map<LoadedStack, NestedTemplateAsset>();
  const converted = new Set<LoadedStack>();

  const render = (stack: LoadedStack): MutableTemplate => {
    const template = structuredClone(stack.template) as MutableTemplate;
    const resources = template.Resources as Record<string, CfnResource>;
    for (const [logicalId, child] of stack.children) {
      const resource = resources[logicalId];
      if (!resource) continue;
      const content = toJson(render(child));
      const fileName = nestedFileName(stackName, child.path);
      const objectKey = assets.add(
        sha256(content),
        fileName,
        `${child.path.join('/')} Nested Stack Template`,
      );
      files.set(fileName, content);
      nested.set(child, { path: child.path, sourceFile: child.file, templateFile: fileName, objectKey });
      const url = nestedTemplateUrl(names, objectKey);
      let rewritten: CfnResource;
      if (resource.Type === SERVERLESS_APPLICATION) {
        rewritten = samApplicationToStack(resource, url, { file: stack.file, logicalId });
        converted.add(child);
      } else {
        rewritten = { ...resource, Properties: { ...(resource.Properties ?? {}), TemplateURL: url } };
      }
      resources[logicalId] = withAssetMetadata(rewritten, fileName);
    }
    const transform = transformWithoutServerless(template.Transform as CfnValue | undefined, resources);
    if (transform === undefined) delete template.Transform;
    else template.Transform = transform as CfnTemplate['Transform'];
    return template;
  };

  const root = render(app.root);
  addBootstrapCheck(root, names);
  const rootContent = toJson(ordered(root));
  const rootFile = `${stackName}.template.json`;
  const rootObjectKey = assets.add(sha256(rootContent), rootFile, `${stackName} Template`);
  files.set(rootFile, rootContent);
  return { files, assets, nested, converted, rootFile, rootObjectKey };
}

/** Creates the output folder; says whether Wharf created it (and so may delete it). */
function prepareOutdir(outdir: string | undefined): { dir: string; created: boolean } {
  if (outdir === undefined)
    return { dir: mkdtempSync(join(tmpdir(), 'wharf-template-assembly-')), created: true };
  const dir = resolve(outdir);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new UsageError(`${dir} is a file; give a folder to write the cloud assembly into.`, {
        code: 'WHARF_OUTDIR_INVALID',
      });
    }
    return { dir, created: false };
  }
  mkdirSync(dir, { recursive: true });
  return { dir, created: true };
}

/**
 * Turns a template tree into a cloud assembly the CDK toolkit deploys
 * (`toolkit.fromAssemblyDirectory(assembly.dir)`):
 * - the root and every local nested template (`AWS::CloudFormation::Stack` `TemplateURL`, SAM
 *   `AWS::Serverless::Application` `Location`) are rendered to JSON and registered, children
 *   first, as file assets `<sha256>.json` for the bootstrap bucket
 *   `cdk-<qualifier>-assets-<account>-<region>`, published with the file-publishing role;
 * - each parent's location becomes the bucket URL built from `AWS::Region`, `AWS::URLSuffix` and
 *   `AWS::AccountId`, so one assembly deploys to any account and region;
 * - SAM applications with a local `Location` become `AWS::CloudFormation::Stack` (what the SAM
 *   transform makes of them) and `Transform: AWS::Serverless-2016-10-31` is dropped when no
 *   `AWS::Serverless::*` resource is left; remote and computed locations are left as written;
 * - the root gets CDK's `BootstrapVersion` parameter and `CheckBootstrapVersion` rule when missing
 *   (`wharf synth --portable` strips them), and a stack artifact with the bootstrap roles.
 *
 * Nothing is left behind on error.
 *
 * @throws {@link UsageError} for an invalid stack name or qualifier.
 * @throws {@link TemplateError} from the template loader (a missing or unreadable nested template
 *   names the parent file, the resource and `Properties.TemplateURL`/`Properties.Location`), or for
 *   a SAM application property SAM does not accept.
 * @example
 * const assembly = assembleTemplate({ templateFile: 'seeds/api-gateway/parent.yml', stackName: 'my-api' });
 * try {
 *   const cx = await toolkit.fromAssemblyDirectory(assembly.dir);
 *   await toolkit.deploy(cx);
 * } finally {
 *   assembly.dispose();
 * }
 */
export function assembleTemplate(options: TemplateAssemblyOptions): TemplateAssembly {
  const { stackName } = options;
  validateStackName(stackName);
  const names = bootstrapNames(options.qualifier ?? DEFAULT_QUALIFIER);
  const app = loadTemplateFile(options.templateFile, { name: stackName, allowPaths: options.allowPaths });
  const packaged = packageApp(app, stackName, names);

  const { dir, created } = prepareOutdir(options.outdir);
  const written: string[] = [];
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    if (created) rmSync(dir, { recursive: true, force: true });
    else for (const name of written) rmSync(join(dir, name), { force: true });
  };
  try {
    for (const [name, content] of packaged.files) {
      written.push(name);
      writeFileSync(join(dir, name), content);
    }
    const assetManifestFile = `${stackName}.assets.json`;
    written.push(assetManifestFile, 'manifest.json', 'cdk.out');
    writeAssemblyFiles(
      dir,
      {
        stackName,
        templateFile: packaged.rootFile,
        templateObjectKey: packaged.rootObjectKey,
        assetManifestFile,
        names,
      },
      packaged.assets,
    );
  } catch (error) {
    dispose();
    throw error;
  }

  return {
    dir,
    stackName,
    templateFile: packaged.rootFile,
    app,
    nestedTemplates: app.stacks.flatMap((stack) => {
      const asset = packaged.nested.get(stack);
      return asset ? [asset] : [];
    }),
    convertedSamApplications: app.stacks
      .filter((stack) => packaged.converted.has(stack))
      .map((stack) => stack.path.join('/')),
    untouchedNestedStacks: (app.unloaded ?? []).map((entry) => ({
      path: [...entry.stack.path, entry.logicalId],
      propertyPath: entry.propertyPath,
      location: entry.location,
      reason: entry.reason,
    })),
    dispose,
  };
}
