/**
 * The `scaling` prop (src/constructs/service-scaling.ts): the scalable target and target tracking
 * policies it synthesizes on both patterns and with several services, the service's DesiredCount
 * left out (docs/reference/aws-behavior-2.md §1.1), the props it refuses, and a synthesized
 * template read by `wharf dev`'s autoscaler unchanged.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  LoadBalancedFargateService,
  type LoadBalancedFargateServiceProps,
  Service,
} from '../../src/index.js';
import { buildLocalModel } from '../../src/local/model.js';
import { resolveApp } from '../../src/template/evaluate.js';
import { loadTemplateFile } from '../../src/template/load.js';
import { propsFailure } from '../support/thrown-error.js';
import {
  apiGatewayPattern,
  expectResource,
  getAtt,
  loadBalancerPattern,
  nestedTemplate,
  ref,
  resourceOf,
  templatesOf,
} from './support.js';

process.env.CDK_VALIDATION = 'false';

const serviceStackOf = (props: LoadBalancedFargateServiceProps) =>
  nestedTemplate(templatesOf(loadBalancerPattern(props).pattern), 'ServiceStack');

describe('scaling on the load balancer pattern', () => {
  const template = serviceStackOf({
    service: { scaling: { min: 2, max: 6, cpuPercent: 60, requestsPerTarget: 500 } },
  });

  it('registers the service as a scalable target service/<cluster>/<service> on ecs:service:DesiredCount, after the service (through GetAtt Name)', () => {
    expectResource(template, 'ScalableTarget', 'AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: { 'Fn::Join': ['', ['service/', ref('ClusterName'), '/', getAtt('Service', 'Name')]] },
      MinCapacity: 2,
      MaxCapacity: 6,
      RoleARN: Match.absent(),
    });
    expect(resourceOf(template, 'ScalableTarget').DependsOn).toBeUndefined();
  });

  it('leaves DesiredCount out of the service, so stack updates keep the count the autoscaler set', () => {
    expectResource(template, 'Service', 'AWS::ECS::Service', { DesiredCount: Match.absent() });
  });

  it('tracks CPU, and requests per target on the target group behind the load balancer, with AWS defaults', () => {
    expectResource(template, 'CpuScaling', 'AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyName: 'web-cpu',
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: ref('ScalableTarget'),
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 60,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleInCooldown: Match.absent(),
        ScaleOutCooldown: Match.absent(),
        DisableScaleIn: Match.absent(),
      },
    });
    expectResource(template, 'RequestCountScaling', 'AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyName: 'web-requests',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 500,
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: {
            'Fn::Join': [
              '/',
              [
                getAtt('PublicLoadBalancer', 'LoadBalancerFullName'),
                getAtt('ServiceTargetGroup', 'TargetGroupFullName'),
              ],
            ],
          },
        },
      },
    });
  });

  it('matches the snapshot of the scaled service stack', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  it('writes a desiredCount given next to scaling, and no scaling resources without scaling', () => {
    const given = serviceStackOf({
      service: { desiredCount: 3, scaling: { min: 2, max: 6, cpuPercent: 60 } },
    });
    expectResource(given, 'Service', 'AWS::ECS::Service', { DesiredCount: 3 });
    const fixed = serviceStackOf({});
    expectResource(fixed, 'Service', 'AWS::ECS::Service', { DesiredCount: 2 });
    fixed.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    fixed.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
  });
});

describe('scaling on the API Gateway pattern', () => {
  it('tracks memory with the given cooldowns and scale-in disabled', () => {
    const template = nestedTemplate(
      templatesOf(
        apiGatewayPattern({
          service: {
            scaling: {
              min: 1,
              max: 4,
              memoryPercent: 70,
              scaleInCooldownSeconds: 600,
              scaleOutCooldownSeconds: 60,
              disableScaleIn: true,
            },
          },
        }).pattern,
      ),
      'ServiceStack',
    );
    expectResource(template, 'MemoryScaling', 'AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 70,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' },
        ScaleInCooldown: 600,
        ScaleOutCooldown: 60,
        DisableScaleIn: true,
      },
    });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('scaling with several services', () => {
  it("passes a public service's request count label from the load balancer's stack as a parameter", () => {
    const templates = templatesOf(
      loadBalancerPattern({
        services: {
          orders: {
            rules: [{ pathPatterns: ['/orders*'] }],
            scaling: { min: 1, max: 5, requestsPerTarget: 200 },
          },
          inventory: { callers: ['orders'], scaling: { min: 1, max: 3, cpuPercent: 50 } },
        },
        defaultService: 'orders',
      }).pattern,
    );
    const lb = nestedTemplate(templates, 'LoadBalancerStack');
    lb.hasOutput('OrdersTargetGroupLabel', {
      Value: {
        'Fn::Join': [
          '/',
          [
            getAtt('PublicLoadBalancer', 'LoadBalancerFullName'),
            getAtt('OrdersTargetGroup', 'TargetGroupFullName'),
          ],
        ],
      },
    });
    const orders = nestedTemplate(templates, 'OrdersServiceStack');
    expectResource(orders, 'RequestCountScaling', 'AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { ResourceLabel: ref('TargetGroupLabel') },
      },
    });
    const inventory = nestedTemplate(templates, 'InventoryServiceStack');
    inventory.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
    expect(Object.keys(inventory.toJSON().Parameters ?? {})).not.toContain('TargetGroupLabel');
  });
});

describe('scaling props validation', () => {
  const CASES: { when: string; build: () => unknown; prop: string; says: string }[] = [
    ['min is above max', { min: 5, max: 2, cpuPercent: 50 }, 'scaling.min', 'above scaling.max 2'],
    [
      'min is 0 without a request count target',
      { min: 0, max: 2, cpuPercent: 50 },
      'scaling.min',
      'from 1 to',
    ],
    ['max is above 10000', { min: 1, max: 10001, cpuPercent: 50 }, 'scaling.max', 'from 1 to 10000'],
    ['no target is given', { min: 1, max: 2 }, 'scaling', 'at least one of'],
    ['cpuPercent is above 100', { min: 1, max: 2, cpuPercent: 150 }, 'scaling.cpuPercent', 'from 1 to 100'],
    ['memoryPercent is 0', { min: 1, max: 2, memoryPercent: 0 }, 'scaling.memoryPercent', 'from 1 to 100'],
    [
      'a cooldown is negative',
      { min: 1, max: 2, cpuPercent: 50, scaleInCooldownSeconds: -1 },
      'scaling.scaleInCooldownSeconds',
      'from 0 to 86400',
    ],
  ].map(([when, scaling, prop, says]) => ({
    when: when as string,
    build: () => loadBalancerPattern({ service: { scaling: scaling as never } }),
    prop: prop as string,
    says: says as string,
  }));
  CASES.push(
    {
      when: 'desiredCount lies outside [min, max]',
      build: () =>
        loadBalancerPattern({ service: { desiredCount: 1, scaling: { min: 2, max: 4, cpuPercent: 50 } } }),
      prop: 'desiredCount',
      says: "outside scaling's range 2 to 4",
    },
    {
      when: 'requestsPerTarget is set on the API Gateway pattern',
      build: () => apiGatewayPattern({ service: { scaling: { min: 1, max: 2, requestsPerTarget: 100 } } }),
      prop: 'service.scaling.requestsPerTarget',
      says: 'no load balancer',
    },
    {
      when: "requestsPerTarget is set on a load balancer pattern's private service",
      build: () =>
        loadBalancerPattern({
          services: {
            web: {},
            inventory: { callers: ['web'], scaling: { min: 1, max: 2, requestsPerTarget: 100 } },
          },
          defaultService: 'web',
        }),
      prop: 'services.inventory.scaling.requestsPerTarget',
      says: "'inventory' is private",
    },
  );

  it.each(CASES)('throws naming $prop when $when', ({ build, prop, says }) => {
    const error = propsFailure(build);
    expect(error.prop).toBe(prop);
    expect(error.message).toContain(says);
  });

  it('fails synthesis of a Service with requestsPerTarget that no load balancer forwards to', () => {
    const app = new App();
    const stack = new Stack(app, 'Alone');
    new Service(stack, 'Service', {
      cluster: 'c',
      vpcId: 'vpc-1',
      subnetIds: ['subnet-1'],
      executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
      scaling: { min: 1, max: 2, requestsPerTarget: 100 },
    });
    expect(() => app.synth()).toThrow(/scaling\.requestsPerTarget': no load balancer forwards to web/);
  });
});

describe('a synthesized scaled service in wharf dev', () => {
  it("is read by the local autoscaler unchanged: range, both policies and the request count's target group", () => {
    const app = new App();
    const stack = new Stack(app, 'Scaled');
    new LoadBalancedFargateService(stack, 'Web', {
      layout: 'flat',
      service: {
        scaling: { min: 2, max: 6, cpuPercent: 60, requestsPerTarget: 500, scaleOutCooldownSeconds: 60 },
      },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'wharf-scaling-construct-')), 'scaled.json');
    writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
    const model = buildLocalModel(resolveApp(loadTemplateFile(file)));
    expect(model.targetGroups).toHaveLength(1);
    expect(model.scalableTargets).toEqual([
      expect.objectContaining({
        resourceId: expect.stringMatching(/^service\/[^/]+\/web$/),
        serviceName: 'web',
        minCapacity: 2,
        maxCapacity: 6,
        policies: [
          expect.objectContaining({
            name: 'web-cpu',
            metric: 'ECSServiceAverageCPUUtilization',
            targetValue: 60,
            scaleOutCooldownSeconds: 60,
            scaleInCooldownSeconds: 300,
            disableScaleIn: false,
          }),
          expect.objectContaining({
            name: 'web-requests',
            metric: 'ALBRequestCountPerTarget',
            targetValue: 500,
            targetGroupArn: model.targetGroups[0]?.arn,
          }),
        ],
      }),
    ]);
    expect(model.scalableTargets[0]?.clusterName).toBe(model.services[0]?.clusterName);
    // §1.1: without DesiredCount the service is created with 1 task; the target then lifts it to min.
    expect(model.services[0]?.desiredCount).toBe(1);
    expect(model.warnings.filter((w) => /Scal/.test(w))).toEqual([]);
  });
});
