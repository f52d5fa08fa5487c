/**
 * CloudFormation's checks of a whole template before it creates anything (`CreateStack`,
 * `UpdateStack`, `CreateChangeSet`, `ValidateTemplate`, and each nested template it fetches), and
 * the `ValidateTemplate` answer.
 *
 * *Fidelity*: structure and parameter types (`template-rules.ts`) and unrecognized resource types
 * (`resource-schemas.ts`), in that order, each with CloudFormation's `Template format error`
 * wording. Property-level schema violations are not template errors: CloudFormation reports them
 * when it creates the resource (see `serviceRefusal` in `cloudformation.ts`).
 */

import type { CfnTemplate } from '../../../src/template/model.js';
import { validationError } from './protocol.js';
import { schemaReport } from './resource-schemas.js';
import { checkTemplateStructure, requiredCapabilities } from './template-rules.js';

/**
 * Throws CloudFormation's `ValidationError` for a template it refuses as a whole; returns the
 * template otherwise.
 *
 * @example
 * checkTemplate({ Resources: { A: { Type: 'AWS::Nope::Thing' } } });
 * // throws "Template format error: Unrecognized resource types: [AWS::Nope::Thing]"
 */
export function checkTemplate(template: CfnTemplate): CfnTemplate {
  checkTemplateStructure(template);
  const unrecognized = schemaReport(template).unrecognizedTypes;
  if (unrecognized.length > 0) {
    throw validationError(`Template format error: Unrecognized resource types: [${unrecognized.join(', ')}]`);
  }
  return template;
}

/** The `ValidateTemplate` result of a template that passed {@link checkTemplate}. */
export function validateTemplateResult(template: CfnTemplate) {
  const capabilities = requiredCapabilities(template);
  const iamTypes = [
    ...new Set(
      Object.values(template.Resources)
        .map((r) => r.Type)
        .filter((t) => t.startsWith('AWS::IAM::')),
    ),
  ];
  const transforms = template.Transform === undefined ? [] : [template.Transform].flat().map(String);
  return {
    Parameters: Object.entries(template.Parameters ?? {}).map(([key, p]) => {
      const parameter = p as { Default?: unknown; NoEcho?: unknown; Description?: unknown };
      return {
        ParameterKey: key,
        DefaultValue: parameter.Default === undefined ? undefined : String(parameter.Default),
        NoEcho: String(parameter.NoEcho) === 'true',
        Description: typeof parameter.Description === 'string' ? parameter.Description : undefined,
      };
    }),
    Description: template.Description,
    Capabilities: capabilities,
    CapabilitiesReason:
      iamTypes.length > 0
        ? `The following resource(s) require capabilities: [${iamTypes.join(', ')}]`
        : undefined,
    DeclaredTransforms: transforms,
  };
}
