/**
 * Both patterns with several services: the template shape every part of the local cloud reads
 * (one ingress; per public service its Cloud Map SRV service + integration + routes, or its
 * target group + listener rules; per private service A records and a security group that admits
 * only its callers; one nested stack per service), and the props errors, each naming its path.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { assignPriorities, ruleConditions } from '../../src/constructs/listener-rule.js';
import { parseRouteKey, routeLogicalId } from '../../src/constructs/route-key.js';
import { planServices } from '../../src/constructs/several-services.js';
import { propsFailure } from '../support/thrown-error.js';
import {
  apiGatewayPattern,
  countByType,
  expectResource,
  loadBalancerPattern,
  nestedTemplate,
  ref,
  resourceOf,
  templatesOf,
} from './support.js';

const IMAGE = 'public.ecr.aws/docker/library/nginx:1.28.0';

function resourcesOfType(template: Template, type: string): [string, Record<string, unknown>][] {
  return Object.entries(template.toJSON().Resources ?? {}).filter(
    ([, r]) => (r as { Type: string }).Type === type,
  ) as [string, Record<string, unknown>][];
}

describe('API Gateway pattern with a public and a private service (nested layout)', () => {
  const { pattern } = apiGatewayPattern({
    services: {
      orders: { image: IMAGE, containerPort: 8080, routes: ['ANY /orders/{proxy+}', 'GET /orders'] },
      users: { image: IMAGE, cpu: 512, memoryMiB: 1024, desiredCount: 3, routes: ['$default'] },
      inventory: { image: IMAGE, containerPort: 9000, desiredCount: 1, callers: ['orders'] },
    },
  });
  const templates = templatesOf(pattern);
  const api = nestedTemplate(templates, 'ApiGatewayStack');
  const orders = nestedTemplate(templates, 'OrdersServiceStack');
  const inventory = nestedTemplate(templates, 'InventoryServiceStack');
  const users = nestedTemplate(templates, 'UsersServiceStack');

  it('has one nested stack per service beside the network, cluster and API stacks', () => {
    expect(Object.keys(templates.nested).sort()).toEqual([
      'ApiGatewayStack',
      'ClusterStack',
      'InventoryServiceStack',
      'OrdersServiceStack',
      'UsersServiceStack',
      'VpcStack',
    ]);
    for (const stack of [orders, inventory, users]) {
      expect(countByType([stack])).toMatchObject({
        'AWS::ECS::TaskDefinition': 1,
        'AWS::ECS::Service': 1,
        'AWS::EC2::SecurityGroup': 1,
        'AWS::Logs::LogGroup': 1,
        'AWS::ServiceDiscovery::Service': 1,
      });
    }
  });

  it('keeps each service its own size, count and port', () => {
    expectResource(users, 'TaskDefinition', 'AWS::ECS::TaskDefinition', {
      Family: 'users',
      Cpu: '512',
      Memory: '1024',
    });
    expectResource(users, 'Service', 'AWS::ECS::Service', { ServiceName: 'users', DesiredCount: 3 });
    expectResource(inventory, 'TaskDefinition', 'AWS::ECS::TaskDefinition', {
      Family: 'inventory',
      ContainerDefinitions: [Match.objectLike({ PortMappings: [Match.objectLike({ ContainerPort: 9000 })] })],
    });
  });

  it('registers the public services with SRV records and the private one with A records, TTL 10, multivalue', () => {
    expectResource(orders, 'ServiceDiscoveryService', 'AWS::ServiceDiscovery::Service', {
      Name: 'orders',
      DnsConfig: { DnsRecords: [{ Type: 'SRV', TTL: 0 }] },
    });
    expectResource(orders, 'Service', 'AWS::ECS::Service', {
      ServiceRegistries: [{ RegistryArn: Match.anyValue(), Port: 8080 }],
    });
    expectResource(inventory, 'ServiceDiscoveryService', 'AWS::ServiceDiscovery::Service', {
      Name: 'inventory',
      DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] },
      HealthCheckCustomConfig: { FailureThreshold: 1 },
    });
    const registries = (resourceOf(inventory, 'Service').Properties as Record<string, unknown>)
      .ServiceRegistries as Record<string, unknown>[];
    expect(registries).toEqual([{ RegistryArn: { 'Fn::GetAtt': ['ServiceDiscoveryService', 'Arn'] } }]);
  });

  it("admits only the callers' security group to the private service, on its container port", () => {
    const rules = resourcesOfType(inventory, 'AWS::EC2::SecurityGroupIngress');
    expect(rules.map(([id]) => id)).toEqual(['IngressFromOrders']);
    expectResource(inventory, 'IngressFromOrders', 'AWS::EC2::SecurityGroupIngress', {
      GroupId: ref('ServiceSecurityGroup'),
      SourceSecurityGroupId: ref('OrdersServiceSecurityGroup'),
      IpProtocol: 'tcp',
      FromPort: 9000,
      ToPort: 9000,
      CidrIp: Match.absent(),
    });
    expect(resourceOf(inventory, 'ServiceSecurityGroup').Properties).not.toHaveProperty(
      'SecurityGroupIngress',
    );
    // The parent passes the caller's group to the private service's stack.
    const parent = templates.parent.toJSON().Resources.InventoryServiceStack.Properties.Parameters;
    expect(parent.OrdersServiceSecurityGroup).toEqual({
      'Fn::GetAtt': ['OrdersServiceStack', 'Outputs.ServiceSecurityGroup'],
    });
  });

  it("gives each caller the private service's URL by its Cloud Map name", () => {
    expectResource(orders, 'TaskDefinition', 'AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: [{ Name: 'INVENTORY_URL', Value: 'http://inventory.internal:9000' }],
        }),
      ],
    });
    const users0 = (resourceOf(users, 'TaskDefinition').Properties as { ContainerDefinitions: object[] })
      .ContainerDefinitions[0];
    expect(users0).not.toHaveProperty('Environment');
  });

  it('shares one VPC link and gives each public service its own integration and routes', () => {
    expect(countByType([api])).toMatchObject({
      'AWS::ApiGatewayV2::Api': 1,
      'AWS::ApiGatewayV2::VpcLink': 1,
      'AWS::ApiGatewayV2::Integration': 2,
      'AWS::ApiGatewayV2::Route': 3,
    });
    expectResource(api, 'OrdersIntegration', 'AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'HTTP_PROXY',
      ConnectionType: 'VPC_LINK',
      ConnectionId: ref('ApiGatewayVpcLink'),
      IntegrationUri: ref('OrdersServiceDiscoveryServiceArn'),
    });
    const toOrders = { 'Fn::Join': ['', ['integrations/', ref('OrdersIntegration')]] };
    expectResource(api, 'RouteAnyOrdersProxy', 'AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /orders/{proxy+}',
      Target: toOrders,
    });
    expectResource(api, 'RouteGetOrders', 'AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /orders',
      Target: toOrders,
    });
    expectResource(api, 'RouteDefault', 'AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      Target: { 'Fn::Join': ['', ['integrations/', ref('UsersIntegration')]] },
    });
    expectResource(api, 'OrdersIngressFromApiGateway', 'AWS::EC2::SecurityGroupIngress', {
      GroupId: ref('OrdersServiceSecurityGroup'),
      SourceSecurityGroupId: ref('ApiGatewaySecurityGroup'),
      FromPort: 8080,
    });
    // The private service has no integration, route or VPC-link rule.
    expect(JSON.stringify(api.toJSON())).not.toContain('Inventory');
  });
});

describe('load balancer pattern with rules, a default service and a private service (nested layout)', () => {
  const { pattern } = loadBalancerPattern({
    services: {
      orders: {
        image: IMAGE,
        containerPort: 8080,
        rules: [
          { pathPatterns: ['/orders', '/orders/*'] },
          { hostHeaders: ['orders.example.com'], priority: 40 },
        ],
        targetHealthCheck: { path: '/health' },
      },
      web: { image: IMAGE },
      stock: { image: IMAGE, containerPort: 7000, callers: ['orders', 'web'] },
    },
    defaultService: 'web',
    listenerRules: [
      { pathPatterns: ['/old/*'], redirect: { path: '/new/#{path}' } },
      {
        pathPatterns: ['/admin/*'],
        sourceIps: ['203.0.113.0/24'],
        methods: ['GET'],
        fixedResponse: { statusCode: 403 },
      },
    ],
  });
  const templates = templatesOf(pattern);
  const lb = nestedTemplate(templates, 'LoadBalancerStack');

  it('has one nested stack per service, the load balancer in its own, and a namespace for the private one', () => {
    expect(Object.keys(templates.nested).sort()).toEqual([
      'ClusterStack',
      'LoadBalancerStack',
      'OrdersServiceStack',
      'StockServiceStack',
      'VpcStack',
      'WebServiceStack',
    ]);
    expect(countByType([nestedTemplate(templates, 'ClusterStack')])).toMatchObject({
      'AWS::ServiceDiscovery::PrivateDnsNamespace': 1,
    });
  });

  it('numbers the rules in declaration order (listener rules first), keeping explicit priorities', () => {
    const rules = resourcesOfType(lb, 'AWS::ElasticLoadBalancingV2::ListenerRule');
    expect(rules.map(([id]) => id).sort()).toEqual([
      'ListenerRule1',
      'ListenerRule2',
      'ListenerRule3',
      'ListenerRule40',
    ]);
    expectResource(lb, 'ListenerRule1', 'AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 1,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/old/*'] } }],
      Actions: [{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301', Path: '/new/#{path}' } }],
    });
    expectResource(lb, 'ListenerRule2', 'AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 2,
      Conditions: [
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/admin/*'] } },
        { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET'] } },
        { Field: 'source-ip', SourceIpConfig: { Values: ['203.0.113.0/24'] } },
      ],
      Actions: [
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '403', ContentType: 'text/plain' } },
      ],
    });
    const toOrders = [
      {
        Type: 'forward',
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: ref('OrdersTargetGroup'), Weight: 100 }] },
      },
    ];
    expectResource(lb, 'ListenerRule3', 'AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 3,
      ListenerArn: ref('PublicLoadBalancerListener'),
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/orders', '/orders/*'] } }],
      Actions: toOrders,
    });
    expectResource(lb, 'ListenerRule40', 'AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 40,
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['orders.example.com'] } }],
      Actions: toOrders,
    });
  });

  it('forwards what no rule matches to the default service, with a target group per public service', () => {
    expectResource(lb, 'PublicLoadBalancerListener', 'AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: { TargetGroups: [{ TargetGroupArn: ref('WebTargetGroup'), Weight: 100 }] },
        },
      ],
    });
    expect(
      resourcesOfType(lb, 'AWS::ElasticLoadBalancingV2::TargetGroup')
        .map(([id]) => id)
        .sort(),
    ).toEqual(['OrdersTargetGroup', 'WebTargetGroup']);
    expectResource(lb, 'OrdersTargetGroup', 'AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      TargetType: 'ip',
      HealthCheckPath: '/health',
    });
    expectResource(lb, 'WebTargetGroup', 'AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 80,
      HealthCheckPath: '/',
    });
  });

  it('registers each public service in its target group and admits the load balancer to it', () => {
    const orders = nestedTemplate(templates, 'OrdersServiceStack');
    expectResource(orders, 'Service', 'AWS::ECS::Service', {
      LoadBalancers: [
        { ContainerName: 'orders', ContainerPort: 8080, TargetGroupArn: ref('TargetGroupArn') },
      ],
      ServiceRegistries: Match.absent(),
    });
    expectResource(orders, 'IngressFromLoadBalancer', 'AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: ref('LoadBalancerSecurityGroup'),
      FromPort: 8080,
    });
    const parameters = templates.parent.toJSON().Resources.OrdersServiceStack.Properties.Parameters;
    expect(parameters.TargetGroupArn).toEqual({
      'Fn::GetAtt': ['LoadBalancerStack', 'Outputs.OrdersTargetGroupArn'],
    });
  });

  it('gives the private service A records and admits exactly its two callers', () => {
    const stock = nestedTemplate(templates, 'StockServiceStack');
    expectResource(stock, 'ServiceDiscoveryService', 'AWS::ServiceDiscovery::Service', {
      DnsConfig: { RoutingPolicy: 'MULTIVALUE', DnsRecords: [{ Type: 'A', TTL: 10 }] },
    });
    expect(
      resourcesOfType(stock, 'AWS::EC2::SecurityGroupIngress').map(([id, r]) => [
        id,
        (r.Properties as Record<string, unknown>).SourceSecurityGroupId,
      ]),
    ).toEqual([
      ['IngressFromOrders', ref('OrdersServiceSecurityGroup')],
      ['IngressFromWeb', ref('WebServiceSecurityGroup')],
    ]);
    expect(JSON.stringify(stock.toJSON())).not.toContain('LoadBalancer');
  });
});

describe('load balancer pattern with several services, HTTPS and no private one (flat layout)', () => {
  const { pattern } = loadBalancerPattern({
    layout: 'flat',
    loadBalancer: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd' },
    services: {
      a: { image: IMAGE, rules: [{ pathPatterns: ['/a/*'] }] },
      b: {
        image: IMAGE,
        rules: [{ httpHeaders: { 'X-Version': ['2'] }, queryStrings: [{ key: 'v', value: '2' }] }],
      },
    },
  });
  const { parent } = templatesOf(pattern);

  it('creates no Cloud Map namespace and answers unmatched requests 404 itself', () => {
    expect(countByType([parent])['AWS::ServiceDiscovery::PrivateDnsNamespace']).toBeUndefined();
    parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [
        {
          Type: 'fixed-response',
          FixedResponseConfig: {
            StatusCode: '404',
            ContentType: 'application/json',
            MessageBody: '{"message":"Not Found"}',
          },
        },
      ],
    });
    parent.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 2,
      Conditions: [
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Version', Values: ['2'] } },
        { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '2' }] } },
      ],
    });
  });

  it('puts the rules on the HTTPS listener and keeps port 80 a redirect to it', () => {
    const listeners = resourcesOfType(parent, 'AWS::ElasticLoadBalancingV2::Listener');
    const byPort = new Map(listeners.map(([id, r]) => [(r.Properties as { Port: number }).Port, id]));
    for (const [, rule] of resourcesOfType(parent, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
      expect((rule.Properties as Record<string, unknown>).ListenerArn).toEqual(
        ref(byPort.get(443) as string),
      );
    }
    expectResource(parent, byPort.get(80) as string, 'AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443' } }],
    });
  });

  it('makes each ECS service wait for both listeners and every rule (same stack)', () => {
    const services = resourcesOfType(parent, 'AWS::ECS::Service');
    expect(services).toHaveLength(2);
    for (const [, service] of services) expect((service.DependsOn as string[]).length).toBe(4);
  });
});

describe('several services: props errors name the prop path', () => {
  const api =
    (services: object, extra: object = {}) =>
    () =>
      apiGatewayPattern({ services: services as never, ...extra });
  const alb = (props: object) => () => loadBalancerPattern(props as never);
  const cases: [string, () => unknown, string, RegExp][] = [
    [
      'a service name that is not a DNS label',
      api({ Orders_1: { routes: ['$default'] } }),
      'services.Orders_1',
      /DNS label/,
    ],
    [
      'an unknown caller',
      api({ a: { routes: ['$default'] }, b: { callers: ['c'] } }),
      'services.b.callers[0]',
      /'c'.*allowed: a/,
    ],
    [
      'callers on a public service',
      api({ a: { routes: ['$default'] }, b: { routes: ['GET /b'], callers: ['a'] } }),
      'services.b.callers[0]',
      /private services only/,
    ],
    [
      'callers in a cycle',
      api({ a: { routes: ['$default'] }, b: { callers: ['c'] }, c: { callers: ['b'] } }),
      'services.b.callers',
      /cycle \(b → c → b/,
    ],
    [
      'a route key twice',
      api({ a: { routes: ['GET /x'] }, b: { routes: ['GET /x'] } }),
      'services.b.routes[0]',
      /also services\.a\.routes\[0\]/,
    ],
    ['a route key in lower case', api({ a: { routes: ['get /x'] } }), 'services.a.routes[0]', /upper case/],
    [
      'a greedy segment before the end',
      api({ a: { routes: ['ANY /{p+}/x'] } }),
      'services.a.routes[0]',
      /greedy/,
    ],
    ['no public service', api({ a: { callers: [] } }), 'services', /no public service/],
    [
      'a bad Fargate size',
      api({ a: { routes: ['$default'], cpu: 256, memoryMiB: 4096 } }),
      'services.a.memoryMiB',
      /Fargate task size/,
    ],
    [
      'service and services together',
      api({ a: { routes: ['$default'] } }, { service: {} }),
      'services',
      /not both/,
    ],
    [
      'two rules with one priority',
      alb({
        services: {
          a: { rules: [{ pathPatterns: ['/a'], priority: 7 }] },
          b: { rules: [{ pathPatterns: ['/b'], priority: 7 }] },
        },
      }),
      'services.b.rules[0].priority',
      /also the priority of services\.a\.rules\[0\]/,
    ],
    [
      'a priority out of range',
      alb({ services: { a: { rules: [{ pathPatterns: ['/a'], priority: 50001 }] } } }),
      'services.a.rules[0].priority',
      /1 to 50000/,
    ],
    [
      'six condition values',
      alb({
        services: { a: { rules: [{ pathPatterns: ['/1', '/2', '/3', '/4'], methods: ['GET', 'PUT'] }] } },
      }),
      'services.a.rules[0]',
      /at most 5/,
    ],
    [
      'a rule without conditions',
      alb({ services: { a: { rules: [{ priority: 3 }] } } }),
      'services.a.rules[0]',
      /no condition/,
    ],
    [
      'a Host http-header',
      alb({ services: { a: { rules: [{ httpHeaders: { host: ['x.example.com'] } }] } } }),
      'services.a.rules[0].httpHeaders.host',
      /hostHeaders/,
    ],
    [
      'an unknown default service',
      alb({ services: { a: { rules: [{ pathPatterns: ['/a'] }] } }, defaultService: 'z' }),
      'defaultService',
      /'z'/,
    ],
    [
      'a listener rule with two actions',
      alb({
        services: { a: { rules: [{ pathPatterns: ['/a'] }] } },
        listenerRules: [
          { pathPatterns: ['/x'], redirect: { path: '/y' }, fixedResponse: { statusCode: 200 } },
        ],
      }),
      'listenerRules[0]',
      /exactly one action/,
    ],
    [
      'defaultService with one service',
      alb({ service: {}, defaultService: 'web' }),
      'defaultService',
      /services' only/,
    ],
  ];
  it.each(cases)('rejects %s', (_name, build, prop, message) => {
    const error = propsFailure(build);
    expect(error.prop).toBe(prop);
    expect(error.message).toMatch(message);
  });
});

describe('the pure parts', () => {
  it('parses route keys and names their resources from the key alone', () => {
    expect(parseRouteKey('x', 'p', 'ANY /orders/{proxy+}')).toEqual({
      kind: 'route',
      method: 'ANY',
      path: '/orders/{proxy+}',
    });
    expect(parseRouteKey('x', 'p', 'GET /')).toEqual({ kind: 'route', method: 'GET', path: '/' });
    expect(parseRouteKey('x', 'p', '$default')).toEqual({ kind: 'default' });
    expect(() => parseRouteKey('x', 'p', 'GET /metrics/')).toThrow(/ends in '\/'/);
    expect(routeLogicalId('GET /pets/{id}')).toBe('RouteGetPetsId');
  });

  it('derives missing priorities after the rule before them, skipping taken ones', () => {
    expect(
      assignPriorities('x', [
        { prop: 'a', priority: 10 },
        { prop: 'b' },
        { prop: 'c', priority: 2 },
        { prop: 'd' },
        { prop: 'e' },
      ]),
    ).toEqual([10, 11, 2, 3, 4]);
    expect(assignPriorities('x', [{ prop: 'a' }, { prop: 'b', priority: 2 }, { prop: 'c' }])).toEqual([
      1, 2, 3,
    ]);
  });

  it('counts escaped wildcards as literals', () => {
    expect(ruleConditions('x', 'r', { queryStrings: [{ value: '\\*\\*\\*\\*\\*\\*' }] })).toHaveLength(1);
    expect(() => ruleConditions('x', 'r', { pathPatterns: ['/a*b*c*d*e*f*'] })).toThrow(/6 wildcards/);
  });

  it('orders callers before the services they call', () => {
    const planned = planServices(
      'x',
      { c: { callers: ['b'] }, b: { callers: ['a'] }, a: {} },
      (n) => n === 'a',
    );
    expect(planned.map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });
});
