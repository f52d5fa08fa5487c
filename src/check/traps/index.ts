/**
 * Wharf's known-trap rules: mistakes in the two container patterns that CloudFormation accepts
 * but AWS punishes at deploy or run time.
 */

import type { LoadedApp } from '../../template/model.js';
import type { Finding } from '../finding.js';
import { albSgAllProtocols } from './alb-sg-all-protocols.js';
import { apigwCloudmapNotSrv } from './apigw-cloudmap-not-srv.js';
import { apigwIntegrationTarget } from './apigw-integration-target.js';
import { certificateRegionMismatch } from './certificate-region-mismatch.js';
import { cloudMapNameInvalid } from './cloud-map-name-invalid.js';
import { customDomainNoAlias } from './custom-domain-no-alias.js';
import { domainOutsideHostedZone } from './domain-outside-hosted-zone.js';
import { fargateSize } from './fargate-size.js';
import { healthCheckMissing } from './health-check-missing.js';
import { httpApiRouteDuplicate } from './http-api-route-duplicate.js';
import { httpApiUnthrottled } from './http-api-unthrottled.js';
import { imageTagMutable } from './image-tag-mutable.js';
import { listenerRulePriorityDuplicate } from './listener-rule-priority-duplicate.js';
import { listenerRuleShadowed } from './listener-rule-shadowed.js';
import { logRetentionMissing } from './log-retention-missing.js';
import { portMismatch } from './port-mismatch.js';
import { privateServiceCallersBlocked } from './private-service-callers-blocked.js';
import type { TrapContext, TrapRule } from './rule.js';
import { scalingDesiredOutsideRange } from './scaling-desired-outside-range.js';
import { scalingMinAboveMax } from './scaling-min-above-max.js';
import { scalingRequestTargetWithoutLb } from './scaling-request-target-without-lb.js';
import { scalingTargetAtIdle } from './scaling-target-at-idle.js';
import { serviceSgExposed } from './service-sg-exposed.js';
import { taskNoEgress } from './task-no-egress.js';
import { tlsPolicyOutdated } from './tls-policy-outdated.js';
import { vpcLinkSingleAz } from './vpc-link-single-az.js';

export type { TrapContext, TrapRule } from './rule.js';

/** Every trap rule, in the order findings are reported. */
export const ALL_TRAP_RULES: readonly TrapRule[] = [
  apigwCloudmapNotSrv,
  apigwIntegrationTarget,
  taskNoEgress,
  fargateSize,
  serviceSgExposed,
  albSgAllProtocols,
  portMismatch,
  healthCheckMissing,
  logRetentionMissing,
  vpcLinkSingleAz,
  imageTagMutable,
  listenerRulePriorityDuplicate,
  listenerRuleShadowed,
  httpApiRouteDuplicate,
  httpApiUnthrottled,
  privateServiceCallersBlocked,
  cloudMapNameInvalid,
  scalingMinAboveMax,
  scalingDesiredOutsideRange,
  scalingRequestTargetWithoutLb,
  scalingTargetAtIdle,
  certificateRegionMismatch,
  tlsPolicyOutdated,
  domainOutsideHostedZone,
  customDomainNoAlias,
];

/**
 * Runs trap rules over a loaded application.
 *
 * @param rules - the rules to run; defaults to {@link ALL_TRAP_RULES}.
 * @param context - what the rules may know besides the templates (the target region).
 * @returns the findings of every rule, rule by rule.
 */
export function runTrapRules(
  app: LoadedApp,
  rules: readonly TrapRule[] = ALL_TRAP_RULES,
  context: TrapContext = {},
): Finding[] {
  return rules.flatMap((rule) => rule.check(app, context));
}
