/**
 * Parses one CloudFormation template (YAML or JSON) into its long JSON form.
 *
 * YAML short-form intrinsics (`!Ref X`, `!GetAtt A.B`, `!Sub …`) become the objects CloudFormation
 * itself would see (`{ Ref: 'X' }`, `{ 'Fn::GetAtt': ['A', 'B'] }`, `{ 'Fn::Sub': … }`), so every
 * consumer handles a single shape. See
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */

import {
  type CollectionTag,
  LineCounter,
  parseDocument,
  type ScalarTag,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { TemplateError } from '../errors.js';
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
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

function looksLikeJson(file: string, text: string): boolean {
  return file.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message)?.[1];
    const pos = offset === undefined ? undefined : offsetToLinePos(text, Number(offset));
    throw new TemplateError(
      { file },
      `${at(pos)}not valid JSON (${message}). Expected a CloudFormation template in JSON or YAML.`,
      { cause: error },
    );
  }
}

function parseYaml(
  text: string,
  file: string,
): { value: unknown; posOf: (key: string) => LinePos | undefined } {
  const lineCounter = new LineCounter();
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
      `${at(pos)}not valid YAML (${first.message.split('\n')[0]}). Expected a CloudFormation template in YAML or JSON.`,
      { cause: first },
    );
  }
  const posOf = (key: string): LinePos | undefined => {
    const node = doc.get(key, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lineCounter.linePos(node.range[0]) : undefined;
  };
  return { value: doc.toJS({ maxAliasCount: 1000 }), posOf };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `the ${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Parses template text (YAML with short-form tags, or JSON) into a {@link CfnTemplate}.
 *
 * @param text - the template's contents.
 * @param file - the path to name in errors (not read).
 * @throws {@link TemplateError} when the text is neither YAML nor JSON, or its top level is not a
 *   mapping with a `Resources` mapping whose entries each have a string `Type`.
 */
export function parseTemplate(text: string, file: string): CfnTemplate {
  const { value, posOf } = looksLikeJson(file, text)
    ? { value: parseJson(text, file), posOf: () => undefined }
    : parseYaml(text, file);
  if (!isMapping(value)) {
    throw new TemplateError(
      { file },
      `the top level is ${describe(value)}; expected a mapping with a 'Resources' section (a CloudFormation template).`,
    );
  }
  const resources = value.Resources;
  if (!isMapping(resources)) {
    throw new TemplateError(
      { file, propertyPath: 'Resources' },
      `${at(posOf('Resources'))}${resources === undefined ? 'no Resources section' : `Resources is ${describe(resources)}`}; expected a mapping of logical ids to resources (every template needs at least one resource).`,
    );
  }
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isMapping(resource) || typeof resource.Type !== 'string') {
      throw new TemplateError(
        { file, logicalId, propertyPath: 'Type' },
        `resource has ${isMapping(resource) ? `Type ${describe(resource.Type)}` : `the value ${describe(resource)}`}; expected a mapping with a string Type such as 'AWS::ECS::Service'.`,
      );
    }
  }
  return value as unknown as CfnTemplate;
}
