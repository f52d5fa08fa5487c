/**
 * What the CloudFormation resource provider schemas refuse in a template: resource types no
 * registry knows (CloudFormation refuses the whole template) and, per resource, properties the
 * schema does not declare, required properties left out and values of the wrong JSON type
 * (CloudFormation fails that resource when it creates it). The schemas are the ones inside AWS's
 * validator that aws-cdk-lib ships, read through `src/check/cfn-validate.ts` (the same loader
 * `wharf check` uses): only its schema-phase FATAL diagnostics count, never its lint rules.
 *
 * *Fidelity*: the messages follow CloudFormation's registry handlers ("Properties validation
 * failed for resource X with message: #/Path: …", JSON-schema wording); the validator sees the
 * template as written, so a value that only becomes wrong after `Ref`/`Fn::Sub` is not caught
 * here. Types under a declared `Transform` (SAM's `AWS::Serverless::*`) are left to the transform.
 */

import { loadValidatorModule } from '../../../src/check/cfn-validate.js';
import type { CfnTemplate } from '../../../src/template/model.js';

interface Diagnostic {
  readonly ruleId: string;
  readonly severity: string;
  readonly message: string;
  readonly entity?: { readonly logicalId?: string; readonly resourceType?: string };
  readonly propertyPath?: string | null;
}

interface TemplateContentModule {
  TemplateContent: new (content: string, name: string) => unknown;
  CompositeEngine: new () => {
    validateTemplate(template: unknown): { diagnostics: Diagnostic[] };
    free(): void;
  };
}

/** What the schemas say about one template. */
export interface SchemaReport {
  /** Resource types no schema declares, in template order. */
  readonly unrecognizedTypes: readonly string[];
  /** Logical id → the registry handler's message for that resource's schema violations. */
  readonly violations: ReadonlyMap<string, string>;
}

const reports = new WeakMap<CfnTemplate, SchemaReport>();
let engine: InstanceType<TemplateContentModule['CompositeEngine']> | undefined;

/** `Properties.ContainerDefinitions.0.Nme` → `#/ContainerDefinitions/0/Nme`. */
function pointer(path: string | null | undefined): string {
  const parts = (path ?? '').split('.').filter((p) => p !== '');
  if (parts[0] === 'Properties') parts.shift();
  return parts.length === 0 ? '#' : `#/${parts.join('/')}`;
}

/** One diagnostic in the JSON-schema wording CloudFormation's registry handlers use. */
function violationText(d: Diagnostic): string | undefined {
  if (d.ruleId === 'F3002') {
    const key = /'([^']+)' was unexpected/.exec(d.message)?.[1] ?? '?';
    const parent = pointer(d.propertyPath?.split('.').slice(0, -1).join('.'));
    return `${parent}: extraneous key [${key}] is not permitted`;
  }
  if (d.ruleId === 'F3003') {
    const key = /'([^']+)' is a required property/.exec(d.message)?.[1] ?? '?';
    return `${pointer(d.propertyPath)}: required key [${key}] not found`;
  }
  if (d.ruleId === 'F3012') {
    const match = /^(.*) is not of type '([^']+)'/.exec(d.message);
    const expected = match?.[2] === 'integer' || match?.[2] === 'number' ? 'Number' : capitalize(match?.[2]);
    const found = match ? jsonTypeOf(match[1]) : 'unknown';
    return `${pointer(d.propertyPath)}: expected type: ${expected}, found: ${found}`;
  }
  return undefined;
}

function capitalize(text: string | undefined): string {
  if (!text) return 'unknown';
  return text === 'object'
    ? 'JSONObject'
    : text === 'array'
      ? 'JSONArray'
      : text[0].toUpperCase() + text.slice(1);
}

/** The JSON type of a value the validator quoted (`'abc'`, `5`, `true`, `[…]`, `{…}`). */
function jsonTypeOf(quoted: string): string {
  if (quoted.startsWith("'") || quoted.startsWith('"')) return 'String';
  if (quoted === 'true' || quoted === 'false') return 'Boolean';
  if (quoted.startsWith('[')) return 'JSONArray';
  if (quoted.startsWith('{')) return 'JSONObject';
  return 'Number';
}

function hasTransform(template: CfnTemplate): boolean {
  return template.Transform !== undefined;
}

/**
 * The schema report of `template` (computed once per template object; the first call in a process
 * loads the validator, about a second).
 */
export function schemaReport(template: CfnTemplate): SchemaReport {
  const cached = reports.get(template);
  if (cached) return cached;
  const validator = loadValidatorModule() as unknown as TemplateContentModule;
  engine ??= new validator.CompositeEngine();
  const { diagnostics } = engine.validateTemplate(
    new validator.TemplateContent(JSON.stringify(template), 'template.json'),
  );
  const unrecognized: string[] = [];
  const byResource = new Map<string, string[]>();
  for (const d of diagnostics) {
    if (d.severity !== 'FATAL') continue;
    const type = d.entity?.resourceType ?? '';
    if (d.ruleId === 'F3006') {
      if (hasTransform(template) && type.startsWith('AWS::Serverless::')) continue;
      if (!unrecognized.includes(type)) unrecognized.push(type);
      continue;
    }
    const logicalId = d.entity?.logicalId;
    const text = violationText(d);
    if (!logicalId || !text) continue;
    byResource.set(logicalId, [...(byResource.get(logicalId) ?? []), text]);
  }
  const violations = new Map<string, string>();
  for (const [logicalId, texts] of byResource) {
    const message =
      texts.length === 1 ? texts[0] : `#: ${texts.length} schema violations found, ${texts.join(', ')}`;
    violations.set(
      logicalId,
      `Properties validation failed for resource ${logicalId} with message: ${message}`,
    );
  }
  const report: SchemaReport = { unrecognizedTypes: unrecognized, violations };
  reports.set(template, report);
  return report;
}
