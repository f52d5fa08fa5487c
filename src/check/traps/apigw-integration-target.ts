/**
 * Catches: an API Gateway HTTP API private integration (`ConnectionType: VPC_LINK`,
 * `IntegrationType: HTTP_PROXY`) whose `IntegrationUri` is neither a Cloud Map service ARN nor an
 * ELB listener ARN: most often a target group or load balancer ARN, or a Cloud Map service `Ref`
 * (its id, not its ARN).
 *
 * Why: for private integrations the URI must be the ARN of an ALB/NLB listener or of a Cloud Map
 * service; anything else fails at deploy time or routes nowhere.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-integration.html
 *
 * Does not catch: URIs passed in as parameters without a default, or built from values it cannot
 * trace; it does not check that the listener belongs to a load balancer in the VPC link's VPC.
 */

import type { LoadedApp } from '../../template/model.js';
import { getPath, listResources } from '../../template/query.js';
import { describeTraced, type Traced, traceValue } from '../../template/references.js';
import type { Finding } from '../finding.js';
import type { TrapRule } from './rule.js';
import { literalAt, trapFinding } from './support.js';

const CLOUD_MAP_ARN = /^arn:[^:]+:servicediscovery:[^:]*:[^:]*:service\/srv-/;
const LISTENER_ARN = /^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:listener\//;
const TARGET_GROUP_ARN = /^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:targetgroup\//;
const LOAD_BALANCER_ARN = /^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:loadbalancer\//;

/** Why a traced URI is wrong, or `undefined` when it is right or cannot be judged. */
export function integrationTargetProblem(uri: Traced): string | undefined {
  if (uri.kind === 'resource' || uri.kind === 'attribute') {
    const type = uri.resource.Type;
    const attribute = uri.kind === 'attribute' ? uri.attribute : undefined;
    if (type === 'AWS::ServiceDiscovery::Service') {
      return attribute === 'Arn'
        ? undefined
        : `${describeTraced(uri)}, the Cloud Map service id (Ref), not its ARN`;
    }
    if (type === 'AWS::ElasticLoadBalancingV2::Listener') {
      return attribute === undefined || attribute === 'ListenerArn'
        ? undefined
        : `${describeTraced(uri)}, not the listener ARN`;
    }
    if (type === 'AWS::ElasticLoadBalancingV2::TargetGroup') {
      return `${describeTraced(uri)}, a target group ARN (a classic mistake: API Gateway needs the listener)`;
    }
    if (type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') {
      return `${describeTraced(uri)}, a load balancer ARN (a classic mistake: API Gateway needs the listener)`;
    }
    return `${describeTraced(uri)}, which is neither a Cloud Map service nor a load balancer listener`;
  }
  if (uri.kind === 'literal' || uri.kind === 'text') {
    const written = uri.kind === 'literal' ? String(uri.value) : uri.text;
    const text = written.replace(/\$\{[^}]*\}/g, 'x');
    if (CLOUD_MAP_ARN.test(text) || LISTENER_ARN.test(text)) return undefined;
    if (TARGET_GROUP_ARN.test(text))
      return `'${written}', a target group ARN (a classic mistake: use the listener)`;
    if (LOAD_BALANCER_ARN.test(text))
      return `'${written}', a load balancer ARN (a classic mistake: use the listener)`;
    return `'${written}', which is neither a Cloud Map service ARN nor an ELB listener ARN`;
  }
  return undefined;
}

function check(app: LoadedApp): Finding[] {
  const findings: Finding[] = [];
  for (const integration of listResources(app, 'AWS::ApiGatewayV2::Integration')) {
    if (literalAt(integration, 'Properties.ConnectionType') !== 'VPC_LINK') continue;
    if (literalAt(integration, 'Properties.IntegrationType') !== 'HTTP_PROXY') continue;
    const uri = traceValue(integration.stack, getPath(integration.resource, 'Properties.IntegrationUri'));
    const problem = integrationTargetProblem(uri);
    if (!problem) continue;
    findings.push(
      trapFinding(apigwIntegrationTarget, integration, {
        propertyPath: 'Properties.IntegrationUri',
        message: `VPC-link integration ${integration.logicalId} has IntegrationUri ${problem}. A private HTTP API integration must target a Cloud Map service ARN or an ALB/NLB listener ARN.`,
        fix: 'Set IntegrationUri to !GetAtt <CloudMapService>.Arn (with SRV records) or to !Ref <Listener> (an ALB/NLB listener ARN).',
      }),
    );
  }
  return findings;
}

/** A VPC-link integration must target a Cloud Map service ARN or a listener ARN. */
export const apigwIntegrationTarget: TrapRule = {
  id: 'apigw-integration-target',
  title: 'VPC-link integration targets something other than Cloud Map or a listener',
  severity: 'error',
  description:
    'HTTP API private integrations accept only a Cloud Map service ARN or an ALB/NLB listener ARN; target group and load balancer ARNs are common mistakes.',
  check,
};
