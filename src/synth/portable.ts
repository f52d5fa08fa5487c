import { WharfError } from '../errors.js';
import type { CfnResource, CfnTemplate, LoadedApp, LoadedStack } from '../template/model.js';
import type { DockerImageAssetSource } from './image-assets.js';
import { type MutableTemplate, type PortableImage, parameterizeImageAssets } from './portable-images.js';

/** Root-template metadata key recording the CDK stack name in portable output. */
export const PORTABLE_STACK_NAME_KEY = 'wharf:stackName';

/** One file of a portable template set. */
export interface PortableFile {
  /** File name inside the output folder, e.g. `parent.yml`, `service.yml`. */
  readonly name: string;
  readonly template: CfnTemplate;
  /** The stack it came from. */
  readonly stack: LoadedStack;
}

/** What {@link toPortable} produced for one app. */
export interface PortableSet {
  /** `parent.<ext>` first, then the nested stacks in template order. */
  readonly files: PortableFile[];
  /** Docker image assets the templates now take as root parameters (e.g. `ImageUrl`). */
  readonly images: PortableImage[];
}

/**
 * Turns a synthesized CDK app into the seeds' portable shape: `parent.yml` plus one file per
 * nested stack, each `AWS::CloudFormation::Stack` pointing at its file by a relative
 * `TemplateURL` (e.g. `vpc.yml`). `aws cloudformation package` and `sam deploy`/`sam package`
 * upload such local `TemplateURL` files to S3 and rewrite the URL, so the seeds' own command works:
 * `sam deploy --template-file parent.yml --stack-name … --resolve-s3 --capabilities CAPABILITY_IAM`.
 * (Supported locations: https://docs.aws.amazon.com/cli/latest/reference/cloudformation/package.html)
 *
 * Docker image assets (`image: { directory }`) become a root parameter such as `ImageUrl`, passed
 * down to the stack that uses it (see {@link parameterizeImageAssets}); the caller prints how to
 * build, push and pass the image ({@link imageDeployCommands}).
 *
 * The CDK bootstrap check (`BootstrapVersion` parameter, `CheckBootstrapVersion` rule) is removed:
 * it needs the CDK bootstrap stack, which plain CloudFormation deploys do not.
 *
 * @param extension - file extension for nested templates (`yml` or `json`).
 * @param assets - the app's Docker image assets, from its asset manifests. @default - none
 * @throws {@link WharfError} `WHARF_PORTABLE_ASSETS` when a template still refers to CDK assets
 *   that are not Docker images of `assets` (e.g. Lambda code), which only the CDK toolkit can
 *   publish.
 */
export function toPortable(
  app: LoadedApp,
  extension: 'yml' | 'json',
  assets: readonly DockerImageAssetSource[] = [],
): PortableSet {
  const templates = new Map<LoadedStack, MutableTemplate>(
    app.stacks.map((stack) => [stack, structuredClone(stack.template) as MutableTemplate]),
  );
  const images = parameterizeImageAssets(app, templates, assets);
  const files: PortableFile[] = [];
  const used = new Set<string>();
  const visit = (stack: LoadedStack, name: string): void => {
    const template = templates.get(stack) as MutableTemplate;
    const resources = template.Resources as Record<string, CfnResource & Record<string, unknown>>;
    for (const [logicalId, child] of stack.children) {
      const childName = uniqueName(fileBaseName(logicalId), extension, used);
      const resource = resources[logicalId];
      if (!resource) continue;
      const properties = { ...(resource.Properties ?? {}), TemplateURL: childName };
      resources[logicalId] = withoutAssetMetadata({ ...resource, Properties: properties });
      visit(child, childName);
    }
    if (stack.parent === undefined) {
      stripBootstrapCheck(template as unknown as Record<string, unknown>);
      // `wharf deploy --template parent.yml` deploys under the CDK app's stack name by default.
      (template as { Metadata?: Record<string, unknown> }).Metadata = {
        ...(template.Metadata ?? {}),
        [PORTABLE_STACK_NAME_KEY]: app.name,
      };
    }
    const leftover = JSON.stringify(template).match(/cdk-[a-z0-9]+-(?:container-)?assets-/);
    if (leftover) {
      throw new WharfError(
        'WHARF_PORTABLE_ASSETS',
        `${stack.file}: this template uses CDK assets (${leftover[0]}…) other than Docker images, which plain CloudFormation tools cannot publish. ` +
          'Deploy it with the CDK toolkit (wharf deploy) instead of --portable.',
      );
    }
    files.push({ name, template, stack });
  };
  used.add(`parent.${extension}`);
  visit(app.root, `parent.${extension}`);
  // parent first, then nested stacks in template order
  return { files: [files[files.length - 1] as PortableFile, ...files.slice(0, -1)], images };
}

/** `VpcStack` → `vpc`, `ApiGatewayStack` → `api-gateway`, `MyThing` → `my-thing`. */
export function fileBaseName(logicalId: string): string {
  const trimmed = logicalId.replace(/Stack$/, '') || logicalId;
  return trimmed
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

function uniqueName(base: string, extension: string, used: Set<string>): string {
  let name = `${base}.${extension}`;
  for (let i = 2; used.has(name); i++) name = `${base}-${i}.${extension}`;
  used.add(name);
  return name;
}

function withoutAssetMetadata<T extends CfnResource>(resource: T): T {
  if (!resource.Metadata) return resource;
  const metadata = Object.fromEntries(
    Object.entries(resource.Metadata).filter(([k]) => !k.startsWith('aws:asset:')),
  );
  const { Metadata: _dropped, ...rest } = resource;
  return (Object.keys(metadata).length > 0 ? { ...rest, Metadata: metadata } : rest) as T;
}

function stripBootstrapCheck(template: Record<string, unknown>): void {
  const parameters = template.Parameters as Record<string, unknown> | undefined;
  if (parameters) {
    delete parameters.BootstrapVersion;
    if (Object.keys(parameters).length === 0) delete template.Parameters;
  }
  const rules = template.Rules as Record<string, unknown> | undefined;
  if (rules) {
    delete rules.CheckBootstrapVersion;
    if (Object.keys(rules).length === 0) delete template.Rules;
  }
}
