import { WharfError } from '../errors.js';
import type { CfnResource, CfnTemplate, LoadedApp, LoadedStack } from '../template/model.js';

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

/**
 * Turns a synthesized CDK app into the seeds' portable shape: `parent.yml` plus one file per
 * nested stack, each `AWS::CloudFormation::Stack` pointing at its file by a relative
 * `TemplateURL` (e.g. `vpc.yml`). `aws cloudformation package` and `sam deploy`/`sam package`
 * upload such local `TemplateURL` files to S3 and rewrite the URL, so the seeds' own command works:
 * `sam deploy --template-file parent.yml --stack-name … --resolve-s3 --capabilities CAPABILITY_IAM`.
 * (Supported locations: https://docs.aws.amazon.com/cli/latest/reference/cloudformation/package.html)
 *
 * The CDK bootstrap check (`BootstrapVersion` parameter, `CheckBootstrapVersion` rule) is removed:
 * it needs the CDK bootstrap stack, which plain CloudFormation deploys do not.
 *
 * @param extension - file extension for nested templates (`yml` or `json`).
 * @throws {@link WharfError} `WHARF_PORTABLE_ASSETS` when a template still refers to CDK assets
 *   (e.g. Lambda code), which only the CDK toolkit can publish.
 */
export function toPortable(app: LoadedApp, extension: 'yml' | 'json'): PortableFile[] {
  const files: PortableFile[] = [];
  const used = new Set<string>();
  const visit = (stack: LoadedStack, name: string): void => {
    const template = structuredClone(stack.template) as CfnTemplate & Record<string, unknown>;
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
      stripBootstrapCheck(template);
      // `wharf deploy --template parent.yml` deploys under the CDK app's stack name by default.
      (template as { Metadata?: Record<string, unknown> }).Metadata = {
        ...(template.Metadata ?? {}),
        [PORTABLE_STACK_NAME_KEY]: app.name,
      };
    }
    const leftover = JSON.stringify(template).match(/cdk-[a-z0-9]+-assets-/);
    if (leftover) {
      throw new WharfError(
        'WHARF_PORTABLE_ASSETS',
        `${stack.file}: this template uses CDK assets (${leftover[0]}…), which plain CloudFormation tools cannot publish. ` +
          'Deploy it with the CDK toolkit (wharf deploy) instead of --portable.',
      );
    }
    files.push({ name, template, stack });
  };
  used.add(`parent.${extension}`);
  visit(app.root, `parent.${extension}`);
  // parent first, then nested stacks in template order
  return [files[files.length - 1] as PortableFile, ...files.slice(0, -1)];
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
