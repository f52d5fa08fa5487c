/**
 * How much template Wharf reads: every bound the loader and the parser enforce, with where each
 * number comes from. Templates are untrusted input (a pull request in CI, a file from a blog
 * post), so every size and count has a ceiling, and going past one is a {@link TemplateError} with
 * the code {@link TEMPLATE_LIMIT_CODE} (exit code 2) that names the limit and its value.
 *
 * Where CloudFormation has a quota, Wharf uses it, so a template Wharf refuses is one AWS would
 * refuse too. Source: "Understand CloudFormation quotas",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 * (template body size in an Amazon S3 object: 1 MB; resources per stack: 500; stacks per account
 * and Region: 2,000), and the `TemplateURL` parameter of `CreateStack`: "The URL must point to a
 * template (max size: 1 MB) that's located in an Amazon S3 bucket",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html
 * Where CloudFormation has none (document depth, nesting depth), the limit is Wharf's own and says
 * so.
 */

import { TemplateError, type TemplateLocation } from '../errors.js';

/** The error code of every limit in this module. */
export const TEMPLATE_LIMIT_CODE = 'WHARF_TEMPLATE_LIMIT';

/** The bounds Wharf applies to templates and what it reads for them. */
export const TEMPLATE_LIMITS = {
  /**
   * Largest template file, in bytes: CloudFormation's "template body size in an Amazon S3 object"
   * (1 MB, read as 1 MiB; nested templates are always S3 objects). Checked on the file's size
   * before it is read, and again while reading (files such as `/proc/*` report size 0).
   */
  templateBytes: 1024 * 1024,
  /**
   * Largest cloud-assembly manifest (`manifest.json`, `*.assets.json`), in bytes. A Wharf limit:
   * the CDK writes per-construct metadata there, so a big app's manifest outgrows 1 MB.
   */
  manifestBytes: 16 * 1024 * 1024,
  /** Resources in one template: CloudFormation's "Resources" quota, 500 per stack. */
  resourcesPerStack: 500,
  /**
   * Stacks in one app, the root and every nested stack counted once per reference: CloudFormation's
   * "Stacks" quota, 2,000 per account and Region (each nested stack is a stack of its own).
   */
  stacksPerApp: 2000,
  /**
   * Nested-stack levels below the root. A Wharf limit (CloudFormation documents none); a real app
   * nests two or three levels.
   */
  nestingDepth: 16,
  /**
   * Nesting of mappings and lists in one document. A Wharf limit (CloudFormation documents none):
   * a real template is rarely 20 deep; past a few thousand, recursive readers overflow the stack.
   */
  documentDepth: 100,
  /**
   * YAML aliases in one document: the `yaml` library's `maxAliasCount` (an alias of an anchor that
   * itself holds aliases counts as many). CloudFormation accepts no aliases at all;
   * `aws cloudformation package` and `sam` unroll them, as Wharf does.
   */
  yamlAliases: 1000,
  /**
   * Size of a YAML document with every alias written out, in characters. Unrolled as
   * `aws cloudformation package` unrolls it, the template must still fit CloudFormation's 1 MB;
   * this bounds the memory a few aliases of a large anchor (or a "billion laughs") can take.
   */
  yamlExpandedChars: 1024 * 1024,
} as const;

/** The name of one of the {@link TEMPLATE_LIMITS}. */
export type TemplateLimit = keyof typeof TEMPLATE_LIMITS;

/** How each limit reads in an error message. */
const DESCRIPTIONS: Record<TemplateLimit, string> = {
  templateBytes: 'a template file may be at most 1,048,576 bytes (CloudFormation: 1 MB)',
  manifestBytes: 'a cloud-assembly manifest may be at most 16,777,216 bytes (Wharf limit)',
  resourcesPerStack: 'a template may declare at most 500 resources (CloudFormation quota per stack)',
  stacksPerApp:
    'an app may have at most 2,000 stacks, nested ones counted once per reference (CloudFormation: 2,000 stacks per account and Region)',
  nestingDepth: 'nested stacks may be at most 16 levels deep (Wharf limit)',
  documentDepth: 'mappings and lists may nest at most 100 levels deep (Wharf limit)',
  yamlAliases: 'a YAML document may use at most 1,000 aliases (Wharf limit)',
  yamlExpandedChars:
    'a YAML document with its aliases written out may be at most 1,048,576 characters (CloudFormation takes no aliases; unrolled, the template must still fit its 1 MB)',
};

/**
 * The error for a template past one of the {@link TEMPLATE_LIMITS}.
 *
 * @param location - the file (and resource, property) concerned.
 * @param limit - which limit.
 * @param found - what was found, e.g. `'has 1,300,000 bytes'` or `'501 resources'`.
 * @example
 * throw limitError({ file }, 'resourcesPerStack', '501 resources');
 * // → "t.yaml: 501 resources. Limit 'resourcesPerStack': a template may declare at most 500 resources (…)."
 */
export function limitError(location: TemplateLocation, limit: TemplateLimit, found: string): TemplateError {
  return new TemplateError(location, `${found}. Limit '${limit}': ${DESCRIPTIONS[limit]}.`, {
    code: TEMPLATE_LIMIT_CODE,
  });
}

/** `1234567` → `'1,234,567'`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
