/**
 * Parses one CloudFormation template (YAML or JSON) into its long JSON form.
 *
 * YAML short-form intrinsics (`!Ref X`, `!GetAtt A.B`, `!Sub …`) become the objects CloudFormation
 * itself would see (`{ Ref: 'X' }`, `{ 'Fn::GetAtt': ['A', 'B'] }`, `{ 'Fn::Sub': … }`), so every
 * consumer handles a single shape. See
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 *
 * The text is untrusted: it is refused before parsing when it is binary or nested past
 * `TEMPLATE_LIMITS.documentDepth`, and before its aliases are unrolled when they would pass
 * `yamlAliases` or `yamlExpandedChars` (see `limits.ts`). Errors give a line and column and the
 * parser's complaint in Wharf's words, never the text itself: a file that is not a template (a
 * `.env`, `/etc/passwd`) is not reprinted.
 */

import {
  type CollectionTag,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type ScalarTag,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { TemplateError, type TemplateLocation } from '../errors.js';
import { jsonDepth, measureAliases, valueDepth, yamlDepthEstimate } from './document-guards.js';
import { describeValue } from './excerpt.js';
import { formatCount, limitError, TEMPLATE_LIMITS } from './limits.js';
import type { CfnTemplate, CfnValue } from './model.js';

/** Short-form tags whose long form is `{ 'Fn::<Name>': value }`. */
const FN_TAGS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Transform',
] as const;

type Tag = ScalarTag | CollectionTag;

/** Converts a parsed collection node to plain JS (inner tags are already resolved). */
function collectionToJs(node: YAMLMap.Parsed | YAMLSeq.Parsed): CfnValue {
  return node.toJSON() as CfnValue;
}

/** `A.B.C` → `['A', 'B.C']`: the attribute keeps its dots (`Outputs.X`, `Endpoint.Address`). */
function splitGetAtt(value: string): CfnValue {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

/** Builds the scalar, sequence and mapping variants of one short-form tag. */
function tagVariants(name: string, toLong: (value: CfnValue) => CfnValue): Tag[] {
  return [
    { tag: `!${name}`, resolve: (value: string) => toLong(value) },
    { tag: `!${name}`, collection: 'seq', resolve: (node) => toLong(collectionToJs(node)) },
    { tag: `!${name}`, collection: 'map', resolve: (node) => toLong(collectionToJs(node)) },
  ];
}

/** The `yaml` custom tags for every CloudFormation short-form intrinsic. */
export const CFN_YAML_TAGS: readonly Tag[] = [
  ...tagVariants('Ref', (value) => ({ Ref: value })),
  ...tagVariants('Condition', (value) => ({ Condition: value })),
  ...tagVariants('GetAtt', (value) => ({
    'Fn::GetAtt': typeof value === 'string' ? splitGetAtt(value) : value,
  })),
  ...FN_TAGS.flatMap((name) => tagVariants(name, (value) => ({ [`Fn::${name}`]: value }))),
];

/** 1-based line and column of a character offset. */
interface LinePos {
  readonly line: number;
  readonly col: number;
}

function at(pos: LinePos | undefined): string {
  return pos ? `line ${pos.line}, column ${pos.col}: ` : '';
}

function offsetToLinePos(text: string, offset: number): LinePos {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

function looksLikeJson(file: string, text: string): boolean {
  return file.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
}

/** V8's JSON.parse messages quote the text; this says what went wrong in Wharf's words only. */
function jsonComplaint(message: string): string {
  if (/end of JSON input/i.test(message)) return 'the text ends before the JSON does';
  if (/property name/i.test(message)) return 'expected a double-quoted property name';
  if (/control character/i.test(message)) return 'a control character inside a string';
  if (/escape/i.test(message)) return 'a bad escape inside a string';
  if (/after JSON/i.test(message)) return 'more text after the end of the JSON';
  if (/unterminated string/i.test(message)) return 'a string is not closed';
  return 'unexpected character';
}

function depthError(file: string, text: string, offset: number | undefined): TemplateError {
  return limitError(
    { file },
    'documentDepth',
    `${at(offset === undefined ? undefined : offsetToLinePos(text, offset))}nested more than ${TEMPLATE_LIMITS.documentDepth} levels deep`,
  );
}

function parseJson(text: string, file: string): unknown {
  const scan = jsonDepth(text, TEMPLATE_LIMITS.documentDepth);
  if (scan.overAt !== undefined) throw depthError(file, text, scan.overAt);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message)?.[1];
    const pos = offset === undefined ? undefined : offsetToLinePos(text, Number(offset));
    throw new TemplateError(
      { file },
      `${at(pos)}not valid JSON (${jsonComplaint(message)}). Expected a CloudFormation template in JSON or YAML.`,
    );
  }
}

/** What each `yaml` error code means, in words that quote nothing from the text. */
const YAML_COMPLAINTS: Record<string, string> = {
  ALIAS_PROPS: 'an alias cannot carry a tag or an anchor',
  BAD_ALIAS: 'an alias is malformed or names no anchor before it',
  BAD_COLLECTION_TYPE: 'a tag is used on the wrong kind of value',
  BAD_DIRECTIVE: 'a % directive is malformed',
  BAD_DQ_ESCAPE: 'a double-quoted string has a bad escape',
  BAD_INDENT: 'the indentation is wrong',
  BAD_PROP_ORDER: 'an anchor or tag is misplaced',
  BAD_SCALAR_START: 'a plain value starts with a reserved character (quote it)',
  BLOCK_AS_IMPLICIT_KEY: 'a block collection is used as a key',
  BLOCK_IN_FLOW: 'a block collection is inside [ ] or { }',
  DUPLICATE_KEY: 'a mapping has the same key twice',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters',
  MISSING_CHAR: 'a closing quote, bracket, brace or colon is missing',
  MULTILINE_IMPLICIT_KEY: 'a key spans several lines',
  MULTIPLE_ANCHORS: 'a value has two anchors',
  MULTIPLE_DOCS: 'the file holds several YAML documents; a template is one',
  MULTIPLE_TAGS: 'a value has two tags',
  NON_STRING_KEY: 'a key is not a string',
  RESOURCE_EXHAUSTION: 'the document is nested too deeply to read',
  TAB_AS_INDENT: 'a tab is used for indentation (use spaces)',
  TAG_RESOLVE_FAILED: 'a tag cannot be resolved',
  UNEXPECTED_TOKEN: 'unexpected text for this place in the document',
};

const ALIAS_COMPLAINTS = {
  aliases: (location: TemplateLocation, count: string) =>
    limitError(location, 'yamlAliases', `${count} aliases or more`),
  expanded: (location: TemplateLocation, where: string) =>
    limitError(
      location,
      'yamlExpandedChars',
      `${where}its aliases unroll to more than ${formatCount(TEMPLATE_LIMITS.yamlExpandedChars)} characters`,
    ),
};

function parseYaml(
  text: string,
  file: string,
): { value: unknown; posOf: (key: string) => LinePos | undefined } {
  const lineCounter = new LineCounter();
  const scan = yamlDepthEstimate(text, TEMPLATE_LIMITS.documentDepth);
  if (scan.overAt !== undefined) throw depthError(file, text, scan.overAt);
  const doc = parseDocument(text, {
    customTags: [...CFN_YAML_TAGS],
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const [first] = doc.errors;
  if (first) {
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    throw new TemplateError(
      { file },
      `${at(pos)}not valid YAML (${YAML_COMPLAINTS[first.code] ?? 'a syntax error'}). Expected a CloudFormation template in YAML or JSON.`,
    );
  }
  const contents = doc.contents;
  if (!isMap(contents)) {
    // Not a template: say what it is without turning it into values (its aliases stay unrolled).
    const value = isScalar(contents) ? contents.value : isSeq(contents) ? [] : null;
    return { value, posOf: () => undefined };
  }
  const measure = measureAliases(contents, {
    aliases: TEMPLATE_LIMITS.yamlAliases,
    expandedChars: TEMPLATE_LIMITS.yamlExpandedChars,
  });
  if (!measure.ok) {
    const location = { file };
    const where = at(lineCounter.linePos(measure.at));
    if (measure.reason === 'aliases')
      throw ALIAS_COMPLAINTS.aliases(location, `${where}${formatCount(TEMPLATE_LIMITS.yamlAliases + 1)}`);
    if (measure.reason === 'expanded') throw ALIAS_COMPLAINTS.expanded(location, where);
    throw new TemplateError(
      location,
      `${where}${measure.reason === 'circular' ? 'an alias refers to the anchor that contains it (a circular document)' : 'an alias names no anchor before it'}; CloudFormation templates cannot hold either.`,
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: TEMPLATE_LIMITS.yamlAliases });
  } catch (error) {
    // The library's own alias bound (aliases inside anchors count many times): the same limit.
    if (error instanceof ReferenceError)
      throw ALIAS_COMPLAINTS.aliases({ file }, formatCount(measure.aliases));
    // Anything else the library throws on this input is still bad input, not a Wharf bug.
    throw new TemplateError(
      { file },
      'not valid YAML (its values cannot be built). Expected a CloudFormation template in YAML or JSON.',
      { cause: error },
    );
  }
  const posOf = (key: string): LinePos | undefined => {
    const node = doc.get(key, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lineCounter.linePos(node.range[0]) : undefined;
  };
  return { value, posOf };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the top level of a file is, without quoting it: the file may not be a template at all. */
function describeTopLevel(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a string of ${formatCount(value.length)} characters`;
  return `a ${typeof value}`;
}

/**
 * Parses template text (YAML with short-form tags, or JSON) into a {@link CfnTemplate}.
 *
 * @param text - the template's contents.
 * @param file - the path to name in errors (not read).
 * @throws {@link TemplateError} when the text is binary, neither YAML nor JSON, or its top level
 *   is not a mapping with a `Resources` mapping whose entries each have a string `Type`; with the
 *   code `WHARF_TEMPLATE_LIMIT` when it is nested too deeply, its aliases unroll past the limits,
 *   or it declares more resources than a stack may hold (`TEMPLATE_LIMITS` in `limits.ts`).
 */
export function parseTemplate(text: string, file: string): CfnTemplate {
  if (text.includes('\0')) {
    throw new TemplateError(
      { file },
      'holds NUL bytes: a binary file, not a CloudFormation template in YAML or JSON.',
    );
  }
  const { value, posOf } = looksLikeJson(file, text)
    ? { value: parseJson(text, file), posOf: () => undefined }
    : parseYaml(text, file);
  if (!isMapping(value)) {
    throw new TemplateError(
      { file },
      `the top level is ${describeTopLevel(value)}; expected a mapping with a 'Resources' section (a CloudFormation template).`,
    );
  }
  if (valueDepth(value) > TEMPLATE_LIMITS.documentDepth) throw depthError(file, text, undefined);
  const resources = value.Resources;
  if (!isMapping(resources)) {
    throw new TemplateError(
      { file, propertyPath: 'Resources' },
      `${at(posOf('Resources'))}${resources === undefined ? 'no Resources section' : `Resources is ${describeValue(resources)}`}; expected a mapping of logical ids to resources (every template needs at least one resource).`,
    );
  }
  const count = Object.keys(resources).length;
  if (count > TEMPLATE_LIMITS.resourcesPerStack) {
    throw limitError(
      { file, propertyPath: 'Resources' },
      'resourcesPerStack',
      `${at(posOf('Resources'))}${formatCount(count)} resources`,
    );
  }
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isMapping(resource) || typeof resource.Type !== 'string') {
      throw new TemplateError(
        { file, logicalId, propertyPath: 'Type' },
        `resource has ${isMapping(resource) ? `Type ${describeValue(resource.Type)}` : `the value ${describeValue(resource)}`}; expected a mapping with a string Type such as 'AWS::ECS::Service'.`,
      );
    }
  }
  return value as unknown as CfnTemplate;
}
