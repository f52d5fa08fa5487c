/**
 * The `domain` prop (src/constructs/custom-domain.ts) on both patterns: the CloudFormation shape
 * of docs/reference/aws-behavior-2.md §2 (HTTP API custom domain, mapping, alias) and §3 (ALB
 * HTTPS listener, redirect, ACM DNS validation, alias), where each resource lands in the nested
 * stacks, the URL outputs, the pure checks, and AWS's CloudFormation validator and cdk-nag on the
 * synthesized templates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECK_CONTEXT, checkLoaded } from '../../src/check/check.js';
import {
  ApiGatewayFargateService,
  defaultHostedZoneName,
  domainNameProblem,
  LoadBalancedFargateService,
  normalizeDomain,
  RECOMMENDED_SSL_POLICY,
} from '../../src/index.js';
import { loadCloudAssembly } from '../../src/template/load.js';
import { propsFailure } from '../support/thrown-error.js';
import {
  apiGatewayPattern,
  expectResource,
  getAtt,
  loadBalancerPattern,
  nestedTemplate,
  ref,
  resourceIds,
  resourceOf,
  templatesOf,
} from './support.js';

process.env.CDK_VALIDATION = 'false';

const ZONE = 'Z0123456789ABCDEFGHIJ';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const IMAGE = 'public.ecr.aws/docker/library/nginx:1.28.0';

const certificate = (name: string) => ({
  DomainName: name,
  ValidationMethod: 'DNS',
  DomainValidationOptions: [{ DomainName: name, HostedZoneId: ZONE }],
});
const httpsUrl = { 'Fn::Join': ['', ['https://', ref('AliasRecord')]] };

describe('domainNameProblem and defaultHostedZoneName', () => {
  it.each([
    'api.example.com',
    'example.com',
    '*.example.com',
    'a-1.b2.example.co.uk',
    `${'a'.repeat(63)}.com`,
  ])('accepts %s', (name) => expect(domainNameProblem(name)).toBeUndefined());

  it.each([
    ['', 'is empty'],
    ['Api.example.com', 'upper-case'],
    ['api.example.com.', 'ends with a dot'],
    ['com', 'one label'],
    ['*.com', 'wildcard over a top-level domain'],
    ['a*.example.com', "'*' in the label 'a*'"],
    ['api..example.com', "the label ''"],
    ['api_v1.example.com', "the label 'api_v1'"],
    [`${'a'.repeat(64)}.com`, 'each label is 1-63'],
  ])('refuses %j: %s', (name, says) => expect(domainNameProblem(name)).toContain(says));

  it.each([
    ['api.example.com', 'example.com'],
    ['v1.api.example.com', 'api.example.com'],
    ['example.com', 'example.com'],
  ])('takes %s to be in the zone %s when none is given', (name, zone) =>
    expect(defaultHostedZoneName(name)).toBe(zone),
  );
});

describe('normalizeDomain', () => {
  it('uses a zone id for the certificate and the record, and a zone name with a certificate given', () => {
    expect(
      normalizeDomain('Api', 'domain', { name: 'api.example.com', hostedZone: ZONE }, 'api-gateway'),
    ).toEqual({
      name: 'api.example.com',
      wildcard: false,
      hostedZone: { id: ZONE },
      certificate: undefined,
      disableExecuteApiEndpoint: false,
    });
    expect(
      normalizeDomain('Api', 'domain', { name: '*.example.com', certificate: CERT }, 'load-balancer')
        .hostedZone,
    ).toEqual({ name: 'example.com' });
    expect(
      normalizeDomain(
        'Api',
        'domain',
        { name: 'example.com', hostedZone: 'example.com.', certificate: CERT },
        'load-balancer',
      ).hostedZone,
    ).toEqual({ name: 'example.com' });
  });

  it('refuses a certificate from another Region than the stack, when synth knows the Region', () => {
    const failure = propsFailure(() =>
      normalizeDomain(
        'Api',
        'domain',
        { name: 'api.example.com', hostedZone: ZONE, certificate: CERT },
        'api-gateway',
        'eu-west-1',
      ),
    );
    expect(failure.prop).toBe('domain.certificate');
    expect(failure.message).toContain('is in us-east-1, but the stack deploys to eu-west-1');
    expect(() =>
      normalizeDomain(
        'Api',
        'domain',
        { name: 'api.example.com', certificate: CERT },
        'api-gateway',
        'us-east-1',
      ),
    ).not.toThrow();
  });

  it('refuses the certificate of another Region on a pattern whose stack has an env', () => {
    const stack = new Stack(new App(), 'Regional', { env: { region: 'eu-central-1' } });
    const failure = propsFailure(
      () =>
        new ApiGatewayFargateService(stack, 'Api', {
          domain: { name: 'api.example.com', certificate: CERT },
        }),
    );
    expect(failure.constructPath).toBe('Regional/Api');
    expect(failure.message).toContain('a certificate in eu-central-1');
  });
});

describe('domain on the API Gateway pattern, with a new certificate', () => {
  const templates = templatesOf(
    apiGatewayPattern({ service: { image: IMAGE }, domain: { name: 'api.example.com', hostedZone: ZONE } })
      .pattern,
  );
  const api = nestedTemplate(templates, 'ApiGatewayStack');

  it('validates a new ACM certificate by DNS in the hosted zone, by its id (§3.4)', () => {
    expectResource(
      api,
      'Certificate',
      'AWS::CertificateManager::Certificate',
      certificate('api.example.com'),
    );
  });

  it('creates a regional TLS 1.2 domain name that maps the $default stage at the root (§2.1, §2.3)', () => {
    expectResource(api, 'ApiDomain', 'AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.example.com',
      DomainNameConfigurations: [
        { CertificateArn: ref('Certificate'), EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' },
      ],
    });
    expectResource(api, 'ApiMapping', 'AWS::ApiGatewayV2::ApiMapping', {
      ApiId: ref('ApiGateway'),
      DomainName: ref('ApiDomain'),
      Stage: ref('ApiGatewayStage'),
      ApiMappingKey: Match.absent(),
    });
  });

  it('points an alias A record in the zone at the regional domain name (§2.2), and keeps the default endpoint', () => {
    expectResource(api, 'AliasRecord', 'AWS::Route53::RecordSet', {
      HostedZoneId: ZONE,
      HostedZoneName: Match.absent(),
      Name: 'api.example.com',
      Type: 'A',
      AliasTarget: {
        DNSName: getAtt('ApiDomain', 'RegionalDomainName'),
        HostedZoneId: getAtt('ApiDomain', 'RegionalHostedZoneId'),
      },
    });
    api.resourceCountIs('AWS::Route53::RecordSet', 1);
    expectResource(api, 'ApiGateway', 'AWS::ApiGatewayV2::Api', {
      DisableExecuteApiEndpoint: Match.absent(),
    });
  });

  it('outputs https://<name> as ApiGatewayUri, and the name as DomainName, in the parent', () => {
    api.hasOutput('ApiGatewayUri', { Value: httpsUrl });
    api.hasOutput('DomainName', { Value: 'api.example.com' });
    templates.parent.hasOutput('ApiGatewayUri', {
      Value: getAtt('ApiGatewayStack', 'Outputs.ApiGatewayUri'),
    });
    templates.parent.hasOutput('DomainName', { Value: getAtt('ApiGatewayStack', 'Outputs.DomainName') });
  });

  it('leaves the other nested stacks as they are without a domain', () => {
    const plain = templatesOf(apiGatewayPattern({ service: { image: IMAGE } }).pattern);
    for (const id of ['VpcStack', 'ClusterStack', 'ServiceStack']) {
      expect(nestedTemplate(templates, id).toJSON(), id).toEqual(nestedTemplate(plain, id).toJSON());
    }
  });

  it('matches the snapshot of the API stack', () => {
    expect(api.toJSON()).toMatchSnapshot();
  });
});

describe('domain on the API Gateway pattern, with a certificate, a zone name and the default endpoint off', () => {
  const api = nestedTemplate(
    templatesOf(
      apiGatewayPattern({
        service: { image: IMAGE },
        domain: {
          name: 'api.example.com',
          hostedZone: 'example.com',
          certificate: CERT,
          disableExecuteApiEndpoint: true,
        },
      }).pattern,
    ),
    'ApiGatewayStack',
  );

  it('uses the certificate given, creates none, and names the zone with its trailing dot', () => {
    api.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expectResource(api, 'ApiDomain', 'AWS::ApiGatewayV2::DomainName', {
      DomainNameConfigurations: [
        { CertificateArn: CERT, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' },
      ],
    });
    expectResource(api, 'AliasRecord', 'AWS::Route53::RecordSet', {
      HostedZoneName: 'example.com.',
      HostedZoneId: Match.absent(),
    });
  });

  it('turns the execute-api endpoint off (§2.4)', () => {
    expectResource(api, 'ApiGateway', 'AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
  });

  it('matches the snapshot of the API stack', () => {
    expect(api.toJSON()).toMatchSnapshot();
  });
});

describe('domain on the load balancer pattern, one service', () => {
  const templates = templatesOf(
    loadBalancerPattern({ service: { image: IMAGE }, domain: { name: 'api.example.com', hostedZone: ZONE } })
      .pattern,
  );
  const service = nestedTemplate(templates, 'ServiceStack');

  it('puts the certificate and alias record beside the load balancer, in ServiceStack', () => {
    expectResource(
      service,
      'Certificate',
      'AWS::CertificateManager::Certificate',
      certificate('api.example.com'),
    );
    expectResource(service, 'AliasRecord', 'AWS::Route53::RecordSet', {
      HostedZoneId: ZONE,
      Name: 'api.example.com',
      Type: 'A',
      AliasTarget: {
        DNSName: getAtt('PublicLoadBalancer', 'DNSName'),
        HostedZoneId: getAtt('PublicLoadBalancer', 'CanonicalHostedZoneID'),
      },
    });
  });

  it(`forwards on an HTTPS listener on 443 with ${RECOMMENDED_SSL_POLICY} (§3.2)`, () => {
    expect(RECOMMENDED_SSL_POLICY).toBe('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
    expectResource(service, 'PublicLoadBalancerHttpsListener', 'AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: ref('PublicLoadBalancer'),
      Protocol: 'HTTPS',
      Port: 443,
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      Certificates: [{ CertificateArn: ref('Certificate') }],
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: { TargetGroups: [{ TargetGroupArn: ref('ServiceTargetGroup'), Weight: 100 }] },
        },
      ],
    });
  });

  it('redirects port 80 to HTTPS:443 with a 301, keeping host, path and query (§3.3)', () => {
    expect(resourceOf(service, 'PublicLoadBalancerListener').Properties).toMatchObject({
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [
        {
          Type: 'redirect',
          RedirectConfig: {
            Protocol: 'HTTPS',
            Port: '443',
            Host: '#{host}',
            Path: '/#{path}',
            Query: '#{query}',
            StatusCode: 'HTTP_301',
          },
        },
      ],
    });
  });

  it('opens 443 and keeps 80 (for the redirect) on the load balancer, nothing else', () => {
    const group = resourceOf(service, 'PublicLoadBalancerSG').Properties as {
      SecurityGroupIngress: object[];
    };
    expect(
      group.SecurityGroupIngress.map((r) => [
        (r as { FromPort: number }).FromPort,
        (r as { ToPort: number }).ToPort,
      ]),
    ).toEqual([
      [80, 80],
      [443, 443],
    ]);
  });

  it('outputs https://<name> as LoadBalancerUri and the name as DomainName, in the parent', () => {
    service.hasOutput('LoadBalancerUri', { Value: httpsUrl });
    templates.parent.hasOutput('LoadBalancerUri', {
      Value: getAtt('ServiceStack', 'Outputs.LoadBalancerUri'),
    });
    templates.parent.hasOutput('DomainName', { Value: getAtt('ServiceStack', 'Outputs.DomainName') });
  });

  it('matches the snapshot of the service stack', () => {
    expect(service.toJSON()).toMatchSnapshot();
  });

  it('with a certificate given, creates none and uses it on the HTTPS listener', () => {
    const given = nestedTemplate(
      templatesOf(
        loadBalancerPattern({
          service: { image: IMAGE },
          domain: { name: 'www.example.com', hostedZone: 'example.com', certificate: CERT },
        }).pattern,
      ),
      'ServiceStack',
    );
    given.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expectResource(given, 'PublicLoadBalancerHttpsListener', 'AWS::ElasticLoadBalancingV2::Listener', {
      Certificates: [{ CertificateArn: CERT }],
    });
    expectResource(given, 'AliasRecord', 'AWS::Route53::RecordSet', {
      HostedZoneName: 'example.com.',
      Name: 'www.example.com',
    });
    expect(given.toJSON()).toMatchSnapshot();
  });
});

describe('a wildcard domain', () => {
  it('certifies and aliases *.example.com, and keeps the load balancer URL, since a wildcard has no one URL', () => {
    const service = nestedTemplate(
      templatesOf(
        loadBalancerPattern({
          service: { image: IMAGE },
          domain: { name: '*.example.com', hostedZone: ZONE },
        }).pattern,
      ),
      'ServiceStack',
    );
    expectResource(
      service,
      'Certificate',
      'AWS::CertificateManager::Certificate',
      certificate('*.example.com'),
    );
    expectResource(service, 'AliasRecord', 'AWS::Route53::RecordSet', { Name: '*.example.com', Type: 'A' });
    service.hasOutput('LoadBalancerUri', {
      Value: { 'Fn::Join': ['', ['https://', getAtt('PublicLoadBalancer', 'DNSName')]] },
    });
    service.hasOutput('DomainName', { Value: '*.example.com' });
  });
});

describe('domain on the load balancer pattern, several services', () => {
  const templates = templatesOf(
    loadBalancerPattern({
      services: {
        orders: { image: IMAGE, rules: [{ pathPatterns: ['/orders', '/orders/*'] }] },
        web: { image: IMAGE },
      },
      defaultService: 'web',
      listenerRules: [{ pathPatterns: ['/old/*'], redirect: { path: '/new/#{path}' } }],
      domain: { name: 'shop.example.com', hostedZone: ZONE },
    }).pattern,
  );
  const lb = nestedTemplate(templates, 'LoadBalancerStack');

  it('puts the certificate and alias record in LoadBalancerStack and nothing of the domain in the service stacks', () => {
    expect(resourceIds(lb)).toEqual(
      expect.arrayContaining(['Certificate', 'AliasRecord', 'PublicLoadBalancerHttpsListener']),
    );
    for (const id of ['OrdersServiceStack', 'WebServiceStack']) {
      const types = Object.values(
        nestedTemplate(templates, id).toJSON().Resources as Record<string, { Type: string }>,
      ).map((r) => r.Type);
      expect(types, id).not.toContain('AWS::Route53::RecordSet');
      expect(types, id).not.toContain('AWS::CertificateManager::Certificate');
    }
  });

  it('attaches every listener rule to the HTTPS listener, and the default to it too', () => {
    const rules = Object.values(lb.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
    expect(rules).toHaveLength(2);
    for (const rule of rules)
      expect(rule.Properties.ListenerArn).toEqual(ref('PublicLoadBalancerHttpsListener'));
    expectResource(lb, 'PublicLoadBalancerHttpsListener', 'AWS::ElasticLoadBalancingV2::Listener', {
      SslPolicy: RECOMMENDED_SSL_POLICY,
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
    expectResource(lb, 'PublicLoadBalancerListener', 'AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [Match.objectLike({ Type: 'redirect' })],
    });
  });

  it('outputs https://<name> from the load balancer stack in the parent', () => {
    lb.hasOutput('LoadBalancerUri', { Value: httpsUrl });
    templates.parent.hasOutput('LoadBalancerUri', {
      Value: getAtt('LoadBalancerStack', 'Outputs.LoadBalancerUri'),
    });
    templates.parent.hasOutput('DomainName', { Value: getAtt('LoadBalancerStack', 'Outputs.DomainName') });
  });

  it('matches the snapshot of the load balancer stack', () => {
    expect(lb.toJSON()).toMatchSnapshot();
  });
});

describe("AWS's CloudFormation validator and cdk-nag on both patterns with a domain", () => {
  const outdir = mkdtempSync(join(tmpdir(), 'wharf-domain-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('find no error, no warning and no unacknowledged nag finding that the app without a domain does not have', () => {
    // One app, one synthesis: both patterns with a domain, and the ALB one again without.
    const app = new App({ outdir, context: CHECK_CONTEXT });
    new ApiGatewayFargateService(new Stack(app, 'DomainApi'), 'Api', {
      service: { image: IMAGE },
      domain: { name: 'api.example.com', hostedZone: ZONE, disableExecuteApiEndpoint: true },
    });
    const services = {
      services: {
        orders: { image: IMAGE, rules: [{ pathPatterns: ['/orders*'] }] },
        web: { image: IMAGE },
      },
      defaultService: 'web',
    };
    new LoadBalancedFargateService(new Stack(app, 'DomainAlb'), 'Web', {
      ...services,
      domain: { name: 'shop.example.com', hostedZone: 'example.com', certificate: CERT },
    });
    new LoadBalancedFargateService(new Stack(app, 'PlainAlb'), 'Web', services);
    app.synth();
    const apps = loadCloudAssembly(outdir);
    expect(apps.map((a) => a.name).sort()).toEqual(['DomainAlb', 'DomainApi', 'PlainAlb']);
    const result = checkLoaded({ apps, assemblyDir: outdir });
    expect(result.checkers).toContain('cdk-nag');
    const found = (app: string) =>
      result.findings
        .filter((f) => (f.origin === 'cfn-validate' || f.origin === 'cdk-nag') && f.severity !== 'info')
        .filter((f) => f.file.includes(`/${app}`))
        .map((f) => `${f.origin} ${f.ruleId} ${f.stack} ${f.logicalId}: ${f.message}`);
    expect(found('DomainApi')).toEqual([]);
    // The several-services stacks' unused PublicSubnetIds parameter (W2001) is there without a domain too.
    expect(found('DomainAlb')).toEqual(found('PlainAlb'));
  });
});
