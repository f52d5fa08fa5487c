/**
 * Template → one listener action (`DefaultActions[]` of a listener, `Actions[]` of a rule):
 * `forward` (one target group, or `ForwardConfig.TargetGroups` with weights and
 * `TargetGroupStickinessConfig`), `redirect`, `fixed-response`.
 *
 * Fidelity (aws-behavior-2.md §4.2): values AWS refuses are refused here with a TemplateError
 * naming the property (exit 2): a fixed-response `StatusCode` that is not 2XX, 4XX or 5XX, a
 * `ContentType` outside the five AWS allows, a target group weight outside 0–999, more than 5
 * target groups in one action, a stickiness duration outside 1–604,800 s. `authenticate-oidc` and
 * `authenticate-cognito` actions are refused as not emulated.
 */

import { TemplateError } from '../../errors.js';
import type { PropertyReader } from '../props.js';
import type { ListenerAction } from './types.js';

/** Content types of a fixed response (ELB API reference, `FixedResponseActionConfig`). */
export const FIXED_RESPONSE_CONTENT_TYPES: readonly string[] = [
  'text/plain',
  'text/css',
  'text/html',
  'application/javascript',
  'application/json',
];
/** Target groups per forward action (ELB quota "Target groups per action"). */
export const MAX_TARGET_GROUPS_PER_ACTION = 5;
/** Weight bounds of a target group in a forward action. */
export const MAX_TARGET_GROUP_WEIGHT = 999;
/** `TargetGroupStickinessConfig.DurationSeconds` bounds (1 s to 7 days). */
export const MAX_STICKINESS_SECONDS = 604_800;

function invalid(props: PropertyReader, path: string, message: string): never {
  const { resource } = props;
  throw new TemplateError(
    { file: resource.stack.loaded.file, logicalId: resource.logicalId, propertyPath: `Properties.${path}` },
    message,
  );
}

function readForward(props: PropertyReader, path: string): ListenerAction {
  const single = props.optionalString(`${path}.TargetGroupArn`);
  const weighted = props.list(`${path}.ForwardConfig.TargetGroups`).map((item) => {
    const weight = props.number(`${item}.Weight`, 1);
    if (!Number.isInteger(weight) || weight < 0 || weight > MAX_TARGET_GROUP_WEIGHT)
      invalid(
        props,
        `${item}.Weight`,
        `got ${weight}; allowed: an integer from 0 to ${MAX_TARGET_GROUP_WEIGHT}`,
      );
    return { targetGroupArn: props.string(`${item}.TargetGroupArn`), weight };
  });
  if (weighted.length > MAX_TARGET_GROUPS_PER_ACTION) {
    invalid(
      props,
      `${path}.ForwardConfig.TargetGroups`,
      `got ${weighted.length} target groups; an action forwards to at most ${MAX_TARGET_GROUPS_PER_ACTION}`,
    );
  }
  const targetGroups = weighted.length > 0 ? weighted : single ? [{ targetGroupArn: single, weight: 1 }] : [];
  if (targetGroups.length === 0)
    props.fail(path, 'a forward action needs TargetGroupArn or ForwardConfig.TargetGroups');
  const sticky = `${path}.ForwardConfig.TargetGroupStickinessConfig`;
  const enabled = props.boolean(`${sticky}.Enabled`, false);
  if (!enabled) return { type: 'forward', targetGroups };
  const durationSeconds = props.number(`${sticky}.DurationSeconds`);
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1 || durationSeconds > MAX_STICKINESS_SECONDS)
    invalid(
      props,
      `${sticky}.DurationSeconds`,
      `got ${durationSeconds}; allowed: 1 to ${MAX_STICKINESS_SECONDS} seconds`,
    );
  return { type: 'forward', targetGroups, stickiness: { enabled, durationSeconds } };
}

/** Reads the action at `path` (`DefaultActions.0`, `Actions.0`). */
export function readAction(props: PropertyReader, path: string): ListenerAction {
  const type = props.string(`${path}.Type`);
  if (type === 'forward') return readForward(props, path);
  if (type === 'redirect') {
    const config = `${path}.RedirectConfig`;
    return {
      type,
      protocol: props.optionalString(`${config}.Protocol`),
      port: props.optionalString(`${config}.Port`),
      host: props.optionalString(`${config}.Host`),
      path: props.optionalString(`${config}.Path`),
      query: props.optionalString(`${config}.Query`),
      statusCode: props.string(`${config}.StatusCode`),
    };
  }
  if (type === 'fixed-response') {
    const config = `${path}.FixedResponseConfig`;
    const statusCode = props.number(`${config}.StatusCode`);
    if (!/^[245]\d\d$/.test(String(statusCode)))
      invalid(props, `${config}.StatusCode`, `got ${statusCode}; a fixed response is 2XX, 4XX or 5XX`);
    const contentType = props.optionalString(`${config}.ContentType`);
    if (contentType !== undefined && !FIXED_RESPONSE_CONTENT_TYPES.includes(contentType))
      invalid(
        props,
        `${config}.ContentType`,
        `got '${contentType.slice(0, 64)}'; allowed: ${FIXED_RESPONSE_CONTENT_TYPES.join(', ')}`,
      );
    return { type, statusCode, contentType, messageBody: props.optionalString(`${config}.MessageBody`) };
  }
  return props.fail(
    `${path}.Type`,
    `'${type}' actions are not emulated locally; allowed: forward, redirect, fixed-response`,
  );
}
