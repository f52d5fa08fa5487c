/**
 * SAM `AWS::Serverless::Application` resources with a local `Location`, turned into the
 * `AWS::CloudFormation::Stack` the SAM transform makes of them, so the templates deploy without
 * the transform and their nested templates can be CDK file assets.
 * Reference: https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-application.html
 */

import { TemplateError } from '../../errors.js';
import type { CfnResource, CfnValue } from '../../template/model.js';

/** The SAM transform's name. */
export const SERVERLESS_TRANSFORM = 'AWS::Serverless-2016-10-31';

/** The SAM application resource type. */
export const SERVERLESS_APPLICATION = 'AWS::Serverless::Application';

/** Properties SAM accepts on `AWS::Serverless::Application`. */
const APPLICATION_PROPERTIES = ['Location', 'Parameters', 'NotificationARNs', 'Tags', 'TimeoutInMinutes'];

/** The tag the SAM transform puts on every stack it makes from an application. */
const SAM_TAG = { Key: 'lambda:createdBy', Value: 'SAM' } as const;

/** Tag keys SAM keeps for itself. */
const RESERVED_TAG_KEYS = [
  'lambda:createdBy',
  'serverlessrepo:applicationId',
  'serverlessrepo:semanticVersion',
];

function isMapping(value: unknown): value is Record<string, CfnValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Converts one `AWS::Serverless::Application` to `AWS::CloudFormation::Stack`: `TemplateURL` is
 * `templateUrl`, `Parameters`, `NotificationARNs` and `TimeoutInMinutes` are kept, the `Tags` map
 * becomes a `{Key, Value}` list after SAM's own `lambda:createdBy: SAM` tag, and resource
 * attributes (`Condition`, `DependsOn`, `DeletionPolicy`, `UpdateReplacePolicy`, `Metadata`) stay.
 *
 * @param templateUrl - the new `TemplateURL` (the bucket URL of the packaged template).
 * @param where - the template file and logical id of the resource, for errors.
 * @throws {@link TemplateError} `WHARF_SAM_APPLICATION_INVALID` for a property SAM does not
 *   accept, `Tags` that are not a map, or a tag key SAM reserves.
 */
export function samApplicationToStack(
  resource: CfnResource,
  templateUrl: CfnValue,
  where: { file: string; logicalId: string },
): CfnResource {
  const properties = resource.Properties ?? {};
  const fail = (property: string, message: string): never => {
    throw new TemplateError({ ...where, propertyPath: `Properties.${property}` }, message, {
      code: 'WHARF_SAM_APPLICATION_INVALID',
    });
  };
  for (const name of Object.keys(properties)) {
    if (!APPLICATION_PROPERTIES.includes(name)) {
      fail(
        name,
        `${SERVERLESS_APPLICATION} has no property '${name}'; allowed: ${APPLICATION_PROPERTIES.join(', ')}.`,
      );
    }
  }
  const converted: Record<string, CfnValue> = { TemplateURL: templateUrl };
  for (const name of ['Parameters', 'NotificationARNs'] as const) {
    const value = properties[name];
    if (value !== undefined) converted[name] = value;
  }
  const tags = properties.Tags;
  if (tags !== undefined) {
    if (!isMapping(tags)) {
      fail(
        'Tags',
        `Tags must be a map of tag key to value (e.g. 'team: payments'), got ${JSON.stringify(tags)}.`,
      );
    }
    const mapping = tags as Record<string, CfnValue>;
    const reserved = Object.keys(mapping).find((key) => RESERVED_TAG_KEYS.includes(key));
    if (reserved) fail(`Tags.${reserved}`, `the tag key '${reserved}' is reserved by SAM; use another key.`);
    converted.Tags = [{ ...SAM_TAG }, ...Object.entries(mapping).map(([Key, Value]) => ({ Key, Value }))];
  } else {
    converted.Tags = [{ ...SAM_TAG }];
  }
  if (properties.TimeoutInMinutes !== undefined) converted.TimeoutInMinutes = properties.TimeoutInMinutes;
  return { ...resource, Type: 'AWS::CloudFormation::Stack', Properties: converted };
}

/**
 * The template's `Transform` without the SAM transform when no `AWS::Serverless::*` resource is
 * left; other transforms are kept as written (a list stays a list). `undefined` means "drop the
 * Transform key".
 */
export function transformWithoutServerless(
  transform: CfnValue | undefined,
  resources: Record<string, CfnResource>,
): CfnValue | undefined {
  if (transform === undefined) return undefined;
  if (Object.values(resources).some((r) => r.Type.startsWith('AWS::Serverless::'))) return transform;
  if (typeof transform === 'string') return transform === SERVERLESS_TRANSFORM ? undefined : transform;
  if (!Array.isArray(transform)) return transform;
  const rest = transform.filter((t) => t !== SERVERLESS_TRANSFORM);
  return rest.length > 0 ? rest : undefined;
}
