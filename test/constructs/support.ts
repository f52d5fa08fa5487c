/**
 * Helpers for the construct suites: synthesize a pattern into its parent and nested templates, and
 * assert one resource by logical id, type and properties.
 */
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  ApiGatewayFargateService,
  type ApiGatewayFargateServiceProps,
  LoadBalancedFargateService,
  type LoadBalancedFargateServiceProps,
} from '../../src/index.js';

/** The templates of one pattern: the stack holding it and its nested stacks by logical id. */
export interface PatternTemplates {
  readonly parent: Template;
  readonly nested: Readonly<Record<string, Template>>;
}

/** Synthesizes the stack holding `pattern` and every nested stack directly under the pattern. */
export function templatesOf(pattern: Construct): PatternTemplates {
  const nested: Record<string, Template> = {};
  for (const child of pattern.node.children) {
    if (NestedStack.isNestedStack(child)) nested[child.node.id] = Template.fromStack(child);
  }
  return { parent: Template.fromStack(Stack.of(pattern)), nested };
}

/** The nested template `id`, failing the test with the ids present when it is missing. */
export function nestedTemplate(templates: PatternTemplates, id: string): Template {
  const template = templates.nested[id];
  if (!template) throw new Error(`no nested stack ${id}; have: ${Object.keys(templates.nested).join(', ')}`);
  return template;
}

/** `{ Ref: id }` */
export const ref = (id: string) => ({ Ref: id });

/** `{ 'Fn::GetAtt': [id, attribute] }` */
export const getAtt = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });

/** The seeds' Availability Zone choice: `Fn::Select [index, Fn::GetAZs AWS::Region]`. */
export const az = (index: number) => ({ 'Fn::Select': [index, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }] });

/** Logical ids of a template's resources, sorted. */
export function resourceIds(template: Template): string[] {
  return Object.keys(template.toJSON().Resources ?? {}).sort();
}

/** The raw resource `logicalId` (Type, Properties, DependsOn, …). */
export function resourceOf(template: Template, logicalId: string): Record<string, unknown> {
  const resource = template.toJSON().Resources?.[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId}; have: ${resourceIds(template).join(', ')}`);
  return resource;
}

/**
 * Asserts that the resource `logicalId` exists, has `type`, and has properties matching
 * `properties` (partially, as `hasResourceProperties` does; use `Match` for other comparisons).
 */
export function expectResource(
  template: Template,
  logicalId: string,
  type: string,
  properties: Record<string, unknown> = {},
): void {
  const resource = resourceOf(template, logicalId);
  expect(resource.Type, `type of ${logicalId}`).toBe(type);
  Template.fromJSON(
    { Resources: { [logicalId]: { Properties: {}, ...resource } } },
    { skipCyclicalDependenciesCheck: true },
  ).hasResourceProperties(type, properties);
}

/** Counts resources by type, e.g. `{ 'AWS::EC2::Subnet': 2 }`. */
export function countByType(templates: Template[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const template of templates) {
    for (const resource of Object.values(template.toJSON().Resources ?? {}) as { Type: string }[]) {
      counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
    }
  }
  return counts;
}

/** A fresh app and stack holding one API Gateway pattern built with `props`. */
export function apiGatewayPattern(props?: ApiGatewayFargateServiceProps, stackId = 'ApiGatewayFargate') {
  const app = new App();
  const stack = new Stack(app, stackId);
  const pattern = new ApiGatewayFargateService(stack, 'Api', props);
  return { app, stack, pattern };
}

/** A fresh app and stack holding one load balancer pattern built with `props`. */
export function loadBalancerPattern(props?: LoadBalancedFargateServiceProps, stackId = 'PublicAlbFargate') {
  const app = new App();
  const stack = new Stack(app, stackId);
  const pattern = new LoadBalancedFargateService(stack, 'Web', props);
  return { app, stack, pattern };
}

/** The seeds' container log configuration (both seeds): awslogs, non-blocking, 25m buffer, prefix `web`. */
export const SEED_LOG_CONFIGURATION = {
  LogDriver: 'awslogs',
  Options: {
    mode: 'non-blocking',
    'max-buffer-size': '25m',
    'awslogs-group': { Ref: 'LogGroup' },
    'awslogs-region': { Ref: 'AWS::Region' },
    'awslogs-stream-prefix': 'web',
  },
};

/** One seed resource as the tests expect it: logical id, type, property values. */
export type SeedResource = readonly [string, string, Record<string, unknown>];

/**
 * For each nested stack: it holds exactly the seed's resources (by logical id), and each one has
 * the seed's type and property values.
 */
export function describeSeedResources<Id extends string>(
  nested: readonly { name: string; stack: Id; seed: readonly SeedResource[] }[],
  stacks: Record<Id, Template>,
): void {
  describe.each(nested.map(({ name, stack, seed }) => [name, stack, seed] as const))(
    '%s',
    (_name, stack, seed) => {
      const template = stacks[stack];
      it('contains exactly the seed resources, by logical id', () => {
        expect(resourceIds(template)).toEqual(seed.map(([id]) => id).sort());
      });

      it.each(seed)('%s is a %s with the seed property values', (id, type, properties) => {
        expectResource(template, id, type, properties);
      });
    },
  );
}

/** A seed subnet in the AZ at `index` of the region; public ones map public IPs on launch. */
export function seedSubnet(index: number, cidr: string, isPublic: boolean) {
  return {
    AvailabilityZone: az(index),
    VpcId: ref('VPC'),
    CidrBlock: cidr,
    MapPublicIpOnLaunch: isPublic ? true : Match.absent(),
  };
}

/** The seeds' low-cost VPC: a /16, two public /18 subnets in the first two AZs, an internet gateway. */
export const SEED_LOW_COST_VPC: readonly SeedResource[] = [
  ['VPC', 'AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true }],
  ['PublicSubnetOne', 'AWS::EC2::Subnet', seedSubnet(0, '10.0.0.0/18', true)],
  ['PublicSubnetTwo', 'AWS::EC2::Subnet', seedSubnet(1, '10.0.64.0/18', true)],
  ['InternetGateway', 'AWS::EC2::InternetGateway', {}],
  [
    'GatewayAttachement',
    'AWS::EC2::VPCGatewayAttachment',
    { VpcId: ref('VPC'), InternetGatewayId: ref('InternetGateway') },
  ],
  ['PublicRouteTable', 'AWS::EC2::RouteTable', { VpcId: ref('VPC') }],
  [
    'PublicRoute',
    'AWS::EC2::Route',
    {
      RouteTableId: ref('PublicRouteTable'),
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: ref('InternetGateway'),
    },
  ],
  [
    'PublicSubnetOneRouteTableAssociation',
    'AWS::EC2::SubnetRouteTableAssociation',
    { SubnetId: ref('PublicSubnetOne'), RouteTableId: ref('PublicRouteTable') },
  ],
  [
    'PublicSubnetTwoRouteTableAssociation',
    'AWS::EC2::SubnetRouteTableAssociation',
    { SubnetId: ref('PublicSubnetTwo'), RouteTableId: ref('PublicRouteTable') },
  ],
];

/** The seeds' cluster.yml without the Cloud Map namespace: the cluster and its execution role. */
export const SEED_CLUSTER_CORE: readonly SeedResource[] = [
  ['ECSCluster', 'AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] }],
  [
    'ECSTaskExecutionRole',
    'AWS::IAM::Role',
    {
      Path: '/',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['ecs-tasks.amazonaws.com'] },
            Action: ['sts:AssumeRole'],
            Condition: {
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      ref('AWS::Partition'),
                      ':ecs:',
                      ref('AWS::Region'),
                      ':',
                      ref('AWS::AccountId'),
                      ':*',
                    ],
                  ],
                },
              },
              StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
            },
          },
        ],
      },
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', ref('AWS::Partition'), ':iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'],
          ],
        },
      ],
    },
  ],
];
