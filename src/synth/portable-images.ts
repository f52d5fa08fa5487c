/**
 * Image assets in portable templates. A CDK Docker image asset is referenced in a template as
 * `<account>.dkr.ecr.<region>.<suffix>/<bootstrap repository>:<asset hash>`, which only the CDK
 * toolkit fills (it builds and pushes the image before deploying). For `sam deploy` the
 * reference becomes a root parameter (`ImageUrl`, as in the seeds' `service.yml`), passed down
 * through every nested stack between the root and the resource, and the user builds and pushes
 * the image themselves: {@link imageDeployCommands} prints how.
 *
 * Pure: works on cloned templates and returns what it did.
 */

import { isAbsolute, relative, sep } from 'node:path';
import { shellQuote } from '../io/shell-quote.js';
import type { CfnTemplate, CfnValue, LoadedApp, LoadedStack } from '../template/model.js';
import type { DockerImageAssetSource } from './image-assets.js';

/** A template being made portable (a clone the caller owns). */
export type MutableTemplate = CfnTemplate & {
  Parameters?: Record<string, Record<string, CfnValue>>;
  Resources: Record<string, { Type: string; Properties?: Record<string, CfnValue> }>;
};

/** Where a template referenced an image asset. */
export interface ImageUse {
  /** The stack's display name, e.g. `ServiceStack`. */
  readonly stack: string;
  readonly logicalId: string;
  /** e.g. `Properties.ContainerDefinitions.0.Image`. */
  readonly propertyPath: string;
  /** The container's name, for a task definition container. */
  readonly container?: string;
}

/** One image the portable templates take as a parameter. */
export interface PortableImage {
  /** The root template's parameter, e.g. `ImageUrl`. */
  readonly parameter: string;
  readonly asset: DockerImageAssetSource;
  /** The asset's tag (its content hash), reused as the tag of the image the user pushes. */
  readonly tag: string;
  readonly uses: readonly ImageUse[];
}

// `…/repository:tag` of an ECR image URI, as the CDK writes it (in Fn::Sub, or literal); the
// repository may hold `${AWS::AccountId}`-style placeholders.
const ECR_IMAGE_URI = /\.dkr\.ecr\.[^/]+\/(?:[^:$]|\$\{[^}]*\})+:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/;

/**
 * Replaces every reference to a Docker image asset in `templates` with `{ Ref: <parameter> }`,
 * declares the parameter in that stack and in every stack above it (each parent passes it down in
 * the nested stack's `Parameters`), and returns the images with their parameters. One parameter
 * per asset: `ImageUrl` when the app has one image asset, else `<Container>ImageUrl`, unique
 * among the app's parameter and resource names.
 */
export function parameterizeImageAssets(
  app: LoadedApp,
  templates: ReadonlyMap<LoadedStack, MutableTemplate>,
  assets: readonly DockerImageAssetSource[],
): PortableImage[] {
  const byTag = new Map<string, DockerImageAssetSource>();
  for (const asset of assets) for (const tag of asset.imageTags) byTag.set(tag, asset);
  if (byTag.size === 0) return [];

  // First pass: find the uses, per asset.
  const found = new Map<DockerImageAssetSource, { tag: string; uses: (ImageUse & { at: Site })[] }>();
  for (const stack of app.stacks) {
    const template = templates.get(stack);
    if (!template) continue;
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      visit(resource.Properties, `Properties`, (value, path, replace) => {
        const tag = assetTagOf(value);
        const asset = tag === undefined ? undefined : byTag.get(tag);
        if (!asset || tag === undefined) return false;
        const entry = found.get(asset) ?? { tag, uses: [] };
        found.set(asset, entry);
        entry.uses.push({
          stack: stack.name,
          logicalId,
          propertyPath: path,
          container: containerNameAt(resource.Properties, path),
          at: { stack, replace },
        });
        return true;
      });
    }
  }

  // Name the parameters, then rewrite and wire them.
  const taken = new Set<string>();
  for (const template of templates.values()) {
    for (const name of [...Object.keys(template.Parameters ?? {}), ...Object.keys(template.Resources)]) {
      taken.add(name);
    }
  }
  const images: PortableImage[] = [];
  for (const [asset, { tag, uses }] of found) {
    const base =
      found.size === 1
        ? 'ImageUrl'
        : `${pascal(uses[0]?.container ?? uses[0]?.logicalId ?? 'Image')}ImageUrl`;
    let parameter = base;
    for (let i = 2; taken.has(parameter); i++) parameter = `${base}${i}`;
    taken.add(parameter);
    const description = `Image URI (repository:tag) for ${describeUses(uses)}, built from ${asset.dockerFile ?? 'Dockerfile'} in its folder; wharf synth --portable printed the commands that build and push it.`;
    for (const use of uses) {
      use.at.replace({ Ref: parameter });
      declareDown(use.at.stack, parameter, description, templates);
    }
    images.push({ parameter, asset, tag, uses: uses.map(({ at: _at, ...use }) => use) });
  }
  return images;
}

/** Options of {@link imageDeployCommands}. */
export interface ImageDeployOptions {
  /** The CloudFormation stack name for `sam deploy`, e.g. `AssetImage`. */
  readonly stackName: string;
  /** The root template file written, e.g. `/home/me/out/parent.yml`. */
  readonly parentFile: string;
  /** Paths in the commands are relative to this folder when inside it. @default process.cwd() */
  readonly cwd?: string;
}

/**
 * The shell lines that build and push each image to an ECR repository of the caller's account
 * and deploy the portable templates with `sam deploy`, passing each image by its parameter. The
 * image tag is the asset's content hash, as the CDK would tag it.
 *
 * @example
 * imageDeployCommands(images, { stackName: 'AssetImage', parentFile: 'out/parent.yml' })
 * // ['ACCOUNT=$(aws sts get-caller-identity --query Account --output text)', …,
 * //  'docker build --platform linux/arm64 --file app/Dockerfile --tag "$REGISTRY/asset-image/hello:e628…" app', …]
 */
export function imageDeployCommands(images: readonly PortableImage[], options: ImageDeployOptions): string[] {
  const cwd = options.cwd ?? process.cwd();
  const path = (file: string) => shellQuote(shown(file, cwd));
  const lines = [
    'ACCOUNT=$(aws sts get-caller-identity --query Account --output text)',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, printed as is.
    'REGION=${AWS_REGION:-$(aws configure get region)}',
    'REGISTRY=$ACCOUNT.dkr.ecr.$REGION.amazonaws.com',
    'aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY"',
  ];
  const overrides: string[] = [];
  for (const image of images) {
    const { asset } = image;
    const repository = repositoryName(options.stackName, image);
    const uri = `$REGISTRY/${repository}:${image.tag}`;
    const directory = asset.directory ?? '.';
    const build = ['docker build'];
    if (asset.platform) build.push(`--platform ${shellQuote(asset.platform)}`);
    build.push(`--file ${path(`${directory}/${asset.dockerFile ?? 'Dockerfile'}`)}`);
    if (asset.target) build.push(`--target ${shellQuote(asset.target)}`);
    for (const [name, value] of Object.entries(asset.buildArgs).sort(([a], [b]) => a.localeCompare(b))) {
      build.push(`--build-arg ${shellQuote(`${name}=${value}`)}`);
    }
    if (asset.networkMode) build.push(`--network ${shellQuote(asset.networkMode)}`);
    build.push(`--tag "${uri}"`, path(directory));
    lines.push(
      `aws ecr describe-repositories --repository-names ${repository} >/dev/null 2>&1 || aws ecr create-repository --repository-name ${repository} >/dev/null`,
      build.join(' '),
      `docker push "${uri}"`,
    );
    overrides.push(`"${image.parameter}=${uri}"`);
  }
  lines.push(
    `sam deploy --template-file ${path(options.parentFile)} --stack-name ${shellQuote(options.stackName)} --resolve-s3 --capabilities CAPABILITY_IAM --parameter-overrides ${overrides.join(' ')}`,
  );
  return lines;
}

/**
 * Why an asset cannot be rendered as `docker build` commands, or `undefined` when it can: it has
 * no folder, its folder is a staged copy inside the (temporary) cloud assembly, or it uses build
 * options the commands do not carry (secrets, SSH, cache settings, an executable, …).
 */
export function unbuildableReason(asset: DockerImageAssetSource, assemblyDir: string): string | undefined {
  if (asset.directory === undefined)
    return 'is not built from a folder (no source.directory in its asset manifest)';
  const rel = relative(assemblyDir, asset.directory);
  if (rel === '' || (rel.split(sep)[0] !== '..' && !isAbsolute(rel))) {
    return 'is built from a copy staged inside the cloud assembly (the app forces asset staging)';
  }
  if (asset.unsupported.length > 0) return `uses build options ${asset.unsupported.join(', ')}`;
  return undefined;
}

/** An ECR repository name for an image: `<stack>/<container>` in ECR's allowed characters. */
export function repositoryName(stackName: string, image: PortableImage): string {
  const part = (text: string) =>
    text
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/[._-]{2,}/g, '-')
      .replace(/^[._-]+|[._-]+$/g, '') || 'app';
  const use = image.uses[0];
  return `${part(stackName)}/${part(use?.container ?? use?.logicalId ?? image.parameter)}`;
}

interface Site {
  readonly stack: LoadedStack;
  readonly replace: (value: CfnValue) => void;
}

/** The asset tag an image value refers to: `Fn::Sub` of an ECR URI (or a literal one). */
function assetTagOf(value: CfnValue): string | undefined {
  let text: CfnValue | undefined = value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== 'Fn::Sub') return undefined;
    const sub = value['Fn::Sub'];
    text = Array.isArray(sub) ? sub[0] : sub;
  }
  return typeof text === 'string' ? ECR_IMAGE_URI.exec(text)?.[1] : undefined;
}

/** Walks `value`; `match` returns true when it handled (and may replace) a node. */
function visit(
  value: CfnValue | undefined,
  path: string,
  match: (value: CfnValue, path: string, replace: (next: CfnValue) => void) => boolean,
): void {
  if (typeof value !== 'object' || value === null) return;
  const entries: [string | number, CfnValue][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  for (const [key, child] of entries) {
    const childPath = `${path}.${key}`;
    const replace = (next: CfnValue) => {
      (value as Record<string | number, CfnValue>)[key] = next;
    };
    if (!match(child, childPath, replace)) visit(child, childPath, match);
  }
}

/** The container name when `path` is `Properties.ContainerDefinitions.<i>.Image`. */
function containerNameAt(properties: Record<string, CfnValue> | undefined, path: string): string | undefined {
  const index = /^Properties\.ContainerDefinitions\.(\d+)\.Image$/.exec(path)?.[1];
  const definitions = properties?.ContainerDefinitions;
  if (index === undefined || !Array.isArray(definitions)) return undefined;
  const definition = definitions[Number(index)];
  const name =
    typeof definition === 'object' && definition !== null && !Array.isArray(definition)
      ? definition.Name
      : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** Declares `parameter` in `stack` and every stack above it, each parent passing it down. */
function declareDown(
  stack: LoadedStack,
  parameter: string,
  description: string,
  templates: ReadonlyMap<LoadedStack, MutableTemplate>,
): void {
  const template = templates.get(stack);
  if (!template) return;
  template.Parameters ??= {};
  const root = stack.parent === undefined;
  template.Parameters[parameter] ??= root
    ? { Type: 'String', MinLength: 1, Description: description }
    : { Type: 'String', Description: description };
  if (!stack.parent) return;
  const parentTemplate = templates.get(stack.parent.stack);
  const resource = parentTemplate?.Resources[stack.parent.logicalId];
  if (!resource) return;
  resource.Properties ??= {};
  const passed = (resource.Properties.Parameters ?? {}) as Record<string, CfnValue>;
  passed[parameter] = { Ref: parameter };
  resource.Properties.Parameters = passed;
  declareDown(stack.parent.stack, parameter, description, templates);
}

function describeUses(uses: readonly ImageUse[]): string {
  const names = [...new Set(uses.map((u) => (u.container ? `container ${u.container}` : u.logicalId)))];
  return names.join(', ');
}

function pascal(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join('') || 'Image';
}

function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && rel.split(sep)[0] !== '..' && !isAbsolute(rel) ? rel : file;
}
