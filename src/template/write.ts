import { Document, isMap, isScalar, isSeq, type Node, visit } from 'yaml';
import type { CfnTemplate, CfnValue } from './model.js';

/** Output format of a written template. */
export type TemplateFormat = 'yaml' | 'json';

/** Intrinsics written in YAML short form (`!Ref X`, `!GetAtt A.B`, `!Sub …`). */
const SHORT_FORMS: Record<string, string> = {
  Ref: '!Ref',
  'Fn::GetAtt': '!GetAtt',
  'Fn::Sub': '!Sub',
  'Fn::Join': '!Join',
  'Fn::Select': '!Select',
  'Fn::Split': '!Split',
  'Fn::FindInMap': '!FindInMap',
  'Fn::GetAZs': '!GetAZs',
  'Fn::If': '!If',
  'Fn::Equals': '!Equals',
  'Fn::And': '!And',
  'Fn::Or': '!Or',
  'Fn::Not': '!Not',
  'Fn::ImportValue': '!ImportValue',
  'Fn::Base64': '!Base64',
  'Fn::Cidr': '!Cidr',
  Condition: '!Condition',
};

/**
 * Renders a template as YAML with CloudFormation's short-form tags, the way people write it by
 * hand, or as indented JSON. `Fn::GetAtt [A, B]` becomes `!GetAtt A.B`. `Fn::GetAZs` with a
 * `Ref` inside stays in long form (a tag cannot hold another tag's short form there).
 */
export function renderTemplate(template: CfnTemplate, format: TemplateFormat): string {
  if (format === 'json') return `${JSON.stringify(template, null, 2)}\n`;
  const doc = new Document(template as unknown as CfnValue, { keepSourceTokens: false });
  visit(doc, {
    Map(_key, node) {
      if (node.items.length !== 1) return undefined;
      const pair = node.items[0];
      const key = pair && isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (!key || !(key in SHORT_FORMS) || !pair) return undefined;
      // `Condition` is a short form only inside Fn::If/And/Or/Not; a resource's Condition key is not.
      if (key === 'Condition' && !isScalar(pair.value)) return undefined;
      const value = pair.value as Node | null;
      if (!value) return undefined;
      if (key === 'Fn::GetAtt' && isSeq(value) && value.items.every(isScalar)) {
        const parts = value.items.map((item) => String((item as { value: unknown }).value));
        const scalar = doc.createNode(parts.join('.'));
        scalar.tag = '!GetAtt';
        return scalar;
      }
      if (key === 'Fn::GetAZs' && isMap(value)) return undefined;
      value.tag = SHORT_FORMS[key];
      return value;
    },
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true });
}
