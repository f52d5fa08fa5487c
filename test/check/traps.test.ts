import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  allowedMemoriesFor,
  describeFargateSizes,
  isValidFargateSize,
  parseCpuUnits,
  parseMemoryMiB,
} from '../../src/aws/fargate-sizes.js';
import { ALL_TRAP_RULES, runTrapRules } from '../../src/check/traps/index.js';
import { loadTemplateFile } from '../../src/template/load.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** The root template of a fixture set: `parent.yml` when the set has nested stacks. */
function loadSet(dir: string) {
  const parent = fixture(`${dir}/parent.yml`);
  return loadTemplateFile(existsSync(parent) ? parent : fixture(`${dir}/template.yml`));
}

interface Expected {
  readonly stack: string;
  readonly logicalId: string;
  readonly propertyPath: string;
  readonly severity?: 'error' | 'warning';
}

/**
 * Each rule's case: what trips it, the findings expected, and (for the custom-domain rules, whose
 * fixtures live in `test/fixtures/domain/`) the trips and passes root templates.
 */
const CASES: Record<
  string,
  {
    readonly when: string;
    readonly findings: readonly Expected[];
    readonly trips?: string;
    readonly passes?: string;
  }
> = {
  'certificate-region-mismatch': {
    when: 'the custom domain (nested, ARN passed as a parameter) and the HTTPS listener use eu-west-1 certificates while the subnets pin us-east-1',
    trips: 'domain/insight-certificate-region-trips.yml',
    passes: 'domain/insight-certificate-region-passes.yml',
    findings: [
      {
        stack: 'ApiStack',
        logicalId: 'ApiDomain',
        propertyPath: 'Properties.DomainNameConfigurations.0.CertificateArn',
      },
      {
        stack: 'insight-certificate-region-trips.yml',
        logicalId: 'HttpsListener',
        propertyPath: 'Properties.Certificates.0.CertificateArn',
      },
    ],
  },
  'tls-policy-outdated': {
    when: 'a listener has no SslPolicy, one a TLS 1.1 policy, and an HTTP API is mapped to a TLS_1_0 domain',
    trips: 'domain/insight-tls-policy-trips.yml',
    passes: 'domain/insight-tls-policy-passes.yml',
    findings: [
      {
        stack: 'insight-tls-policy-trips.yml',
        logicalId: 'HttpsListener',
        propertyPath: 'Properties.SslPolicy',
      },
      {
        stack: 'insight-tls-policy-trips.yml',
        logicalId: 'LegacyListener',
        propertyPath: 'Properties.SslPolicy',
      },
      {
        stack: 'insight-tls-policy-trips.yml',
        logicalId: 'ApiDomain',
        propertyPath: 'Properties.DomainNameConfigurations.0.SecurityPolicy',
        severity: 'error',
      },
    ],
  },
  'domain-outside-hosted-zone': {
    when: 'records are named outside example.com and the nested certificates validate names they do not cover or outside the zone',
    trips: 'domain/insight-domain-zone-trips.yml',
    passes: 'domain/insight-domain-zone-passes.yml',
    findings: [
      { stack: 'insight-domain-zone-trips.yml', logicalId: 'StrayRecord', propertyPath: 'Properties.Name' },
      {
        stack: 'insight-domain-zone-trips.yml',
        logicalId: 'Records',
        propertyPath: 'Properties.RecordSets.1.Name',
      },
      {
        stack: 'CertStack',
        logicalId: 'SiteCertificate',
        propertyPath: 'Properties.DomainValidationOptions.1.HostedZoneId',
      },
      { stack: 'CertStack', logicalId: 'ApiCertificate', propertyPath: 'Properties.DomainValidationOptions' },
      {
        stack: 'CertStack',
        logicalId: 'ApiCertificate',
        propertyPath: 'Properties.DomainValidationOptions.0.DomainName',
      },
    ],
  },
  'custom-domain-no-alias': {
    when: "the alias record to api.example.com's regional name is named www.example.com and nothing points at admin.example.com",
    trips: 'domain/insight-custom-domain-no-alias-trips.yml',
    passes: 'domain/insight-custom-domain-no-alias-passes.yml',
    findings: [
      {
        stack: 'insight-custom-domain-no-alias-trips.yml',
        logicalId: 'AliasRecord',
        propertyPath: 'Properties.Name',
        severity: 'error',
      },
      { stack: 'DomainStack', logicalId: 'AdminDomain', propertyPath: 'Properties.DomainName' },
    ],
  },
  'scaling-min-above-max': {
    when: 'the scalable target has MinCapacity 6 and MaxCapacity 2 through parameter defaults',
    findings: [
      { stack: 'template.yml', logicalId: 'ScalableTarget', propertyPath: 'Properties.MinCapacity' },
    ],
  },
  'scaling-desired-outside-range': {
    when: 'the scaled service has DesiredCount 8 and its scalable target 1 to 4',
    findings: [{ stack: 'template.yml', logicalId: 'AppService', propertyPath: 'Properties.DesiredCount' }],
  },
  'scaling-request-target-without-lb': {
    when: 'an ALBRequestCountPerTarget policy (by ResourceId) scales a service registered in no target group',
    findings: [{ stack: 'template.yml', logicalId: 'RequestScaling', propertyPath: 'Properties.PolicyType' }],
  },
  'scaling-target-at-idle': {
    when: 'the CPU target tracking policy targets 5 %',
    findings: [
      {
        stack: 'template.yml',
        logicalId: 'CpuScaling',
        propertyPath: 'Properties.TargetTrackingScalingPolicyConfiguration.TargetValue',
      },
    ],
  },
  'apigw-cloudmap-not-srv': {
    when: 'the Cloud Map service behind a VPC-link integration (sibling stack) has only A records and no registry port',
    findings: [
      { stack: 'ServiceStack', logicalId: 'Registry', propertyPath: 'Properties.DnsConfig.DnsRecords' },
      { stack: 'ServiceStack', logicalId: 'AppService', propertyPath: 'Properties.ServiceRegistries.0' },
    ],
  },
  'apigw-integration-target': {
    when: 'VPC-link integrations target a target group (Ref) and a load balancer ARN (Sub)',
    findings: [
      { stack: 'template.yml', logicalId: 'ToLoadBalancer', propertyPath: 'Properties.IntegrationUri' },
      {
        stack: 'template.yml',
        logicalId: 'ToImportedLoadBalancer',
        propertyPath: 'Properties.IntegrationUri',
      },
    ],
  },
  'task-no-egress': {
    when: 'private-IP tasks run in subnets (from a sibling stack) whose default route is an internet gateway',
    findings: [
      {
        stack: 'WorkerStack',
        logicalId: 'WorkerService',
        propertyPath: 'Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets',
      },
    ],
  },
  'fargate-size': {
    when: "the task asks for Cpu '256' with Memory '4 GB' through parameter defaults",
    findings: [{ stack: 'template.yml', logicalId: 'ReportTask', propertyPath: 'Properties.Memory' }],
  },
  'service-sg-exposed': {
    when: 'the service group admits 0.0.0.0/0 inline and 10.1.0.0/16 through a separate ingress',
    findings: [
      {
        stack: 'template.yml',
        logicalId: 'TasksSecurityGroup',
        propertyPath: 'Properties.SecurityGroupIngress.0.CidrIp',
        severity: 'error',
      },
      {
        stack: 'template.yml',
        logicalId: 'TasksFromOffice',
        propertyPath: 'Properties.CidrIp',
        severity: 'warning',
      },
    ],
  },
  'alb-sg-all-protocols': {
    when: "the load balancer's group has a separate ingress with IpProtocol '-1'",
    findings: [
      { stack: 'template.yml', logicalId: 'FrontDoorFromAnywhere', propertyPath: 'Properties.IpProtocol' },
    ],
  },
  'port-mismatch': {
    when: 'the service and target group say 80 while the container listens on 8080',
    findings: [
      {
        stack: 'template.yml',
        logicalId: 'AppService',
        propertyPath: 'Properties.LoadBalancers.0.ContainerPort',
      },
      { stack: 'template.yml', logicalId: 'AppTargets', propertyPath: 'Properties.Port' },
    ],
  },
  'health-check-missing': {
    when: 'Cloud Map has no custom health config, the container no health check, a target group none',
    findings: [
      { stack: 'template.yml', logicalId: 'Discovery', propertyPath: 'Properties.HealthCheckCustomConfig' },
      { stack: 'template.yml', logicalId: 'CatalogTask', propertyPath: 'Properties.ContainerDefinitions' },
      { stack: 'template.yml', logicalId: 'SpareTargets', propertyPath: 'Properties.HealthCheckEnabled' },
    ],
  },
  'log-retention-missing': {
    when: 'a log group has no RetentionInDays',
    findings: [
      { stack: 'template.yml', logicalId: 'ContainerLogs', propertyPath: 'Properties.RetentionInDays' },
    ],
  },
  'image-tag-mutable': {
    when: 'a container image has the tag latest through a parameter default, and another has no tag',
    findings: [
      {
        stack: 'template.yml',
        logicalId: 'ShopTask',
        propertyPath: 'Properties.ContainerDefinitions.0.Image',
      },
      {
        stack: 'template.yml',
        logicalId: 'ShopTask',
        propertyPath: 'Properties.ContainerDefinitions.1.Image',
      },
    ],
  },
  'listener-rule-priority-duplicate': {
    when: 'two rules of one listener have priority 10 (the same priority on another listener is fine)',
    findings: [{ stack: 'template.yml', logicalId: 'UsersRule', propertyPath: 'Properties.Priority' }],
  },
  'listener-rule-shadowed': {
    when: '/api/* comes before /api/orders/* + GET|POST, and *.example.com before a host from a parameter default + a source CIDR',
    findings: [
      { stack: 'template.yml', logicalId: 'OrdersRule', propertyPath: 'Properties.Conditions' },
      { stack: 'template.yml', logicalId: 'UsersRule', propertyPath: 'Properties.Conditions' },
    ],
  },
  'http-api-route-duplicate': {
    when: "a route's key (a parameter default) repeats another route's key on the same API",
    findings: [{ stack: 'template.yml', logicalId: 'UsersRoute', propertyPath: 'Properties.RouteKey' }],
  },
  'private-service-callers-blocked': {
    when: "the private inventory service admits the VPC link's group, not the orders group whose environment calls inventory.internal",
    findings: [
      {
        stack: 'template.yml',
        logicalId: 'InventorySecurityGroup',
        propertyPath: 'Properties.SecurityGroupIngress',
      },
    ],
  },
  'cloud-map-name-invalid': {
    when: "Cloud Map services in a DNS namespace are named 'inventory_svc' and '-orders'",
    findings: [
      {
        stack: 'template.yml',
        logicalId: 'InventoryRegistry',
        propertyPath: 'Properties.Name',
        severity: 'warning',
      },
      { stack: 'template.yml', logicalId: 'OrdersRegistry', propertyPath: 'Properties.Name' },
    ],
  },
  'http-api-unthrottled': {
    when: 'a stage sets only metrics and route limits in DefaultRouteSettings, and a quick-create API (Target) declares no stage',
    findings: [
      { stack: 'template.yml', logicalId: 'DefaultStage', propertyPath: 'Properties.DefaultRouteSettings' },
      { stack: 'template.yml', logicalId: 'QuickApi', propertyPath: 'Properties.Target' },
    ],
  },
  'vpc-link-single-az': {
    when: 'both VPC-link subnets select AZ #0 of Fn::GetAZs',
    findings: [{ stack: 'template.yml', logicalId: 'Link', propertyPath: 'Properties.SubnetIds' }],
  },
};

describe('trap rules', () => {
  it('has one fixture case per rule, and unique kebab-case ids', () => {
    const ids = ALL_TRAP_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.toSorted()).toEqual(Object.keys(CASES).toSorted());
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  describe.each(ALL_TRAP_RULES.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
    const { when, findings: expected, trips, passes } = CASES[id];

    it(`trips when ${when}`, () => {
      const app = trips ? loadTemplateFile(fixture(trips)) : loadSet(`traps/${id}/trips`);
      const findings = runTrapRules(app);
      expect(findings.map((f) => f.ruleId)).toEqual(expected.map(() => id));
      expect(
        findings.map((f) => ({ stack: f.stack, logicalId: f.logicalId, propertyPath: f.propertyPath })),
      ).toEqual(expected.map(({ stack, logicalId, propertyPath }) => ({ stack, logicalId, propertyPath })));
      for (const [i, finding] of findings.entries()) {
        expect(finding.origin).toBe('wharf-trap');
        expect(finding.severity).toBe(expected[i].severity ?? rule.severity);
        expect(app.stacks.map((s) => s.file)).toContain(finding.file);
        expect(finding.resourceType).toMatch(/^AWS::/);
        expect(finding.message).toContain(finding.logicalId);
        expect(finding.fix.length).toBeGreaterThan(20);
      }
    });

    it('does not trip on the passing variant (which trips no rule at all)', () => {
      const app = passes ? loadTemplateFile(fixture(passes)) : loadSet(`traps/${id}/passes`);
      expect(runTrapRules(app)).toEqual([]);
    });
  });
});

describe('seed-shaped apps', () => {
  const summary = (dir: string) =>
    runTrapRules(loadSet(dir)).map((f) => `${f.ruleId} ${f.stack}/${f.logicalId} ${f.propertyPath}`);

  it('trips alb-sg-all-protocols, log-retention-missing and image-tag-mutable (nginx:latest) on the ALB app, nothing else', () => {
    expect(summary('seeds-like/alb')).toEqual([
      'alb-sg-all-protocols ServiceStack/PublicLoadBalancerSG Properties.SecurityGroupIngress.0.IpProtocol',
      'log-retention-missing ServiceStack/LogGroup Properties.RetentionInDays',
      'image-tag-mutable ServiceStack/TaskDefinition Properties.ContainerDefinitions.0.Image',
    ]);
  });

  it('trips health-check-missing, log-retention-missing, image-tag-mutable and http-api-unthrottled (the seed stage sets no throttle) on the API Gateway app (the -1 rule from the VPC link group is not a CIDR)', () => {
    expect(summary('seeds-like/api-gateway')).toEqual([
      'health-check-missing ServiceStack/ServiceDiscoveryService Properties.HealthCheckCustomConfig',
      'log-retention-missing ServiceStack/LogGroup Properties.RetentionInDays',
      'log-retention-missing ApiGatewayStack/AccessLogs Properties.RetentionInDays',
      'image-tag-mutable ServiceStack/TaskDefinition Properties.ContainerDefinitions.0.Image',
      'http-api-unthrottled ApiGatewayStack/DefaultStage Properties.DefaultRouteSettings',
    ]);
  });
});

describe('several services in one app', () => {
  it.each(['checks-api.yml', 'checks-alb.yml'])(
    'trips no trap on %s (routes, listener rules, a private service its caller may reach)',
    (file) => {
      expect(runTrapRules(loadTemplateFile(fixture(`several-services/${file}`)))).toEqual([]);
    },
  );
});

describe('Fargate sizes', () => {
  it.each([
    [256, 512, true],
    [256, 4096, false],
    [512, 3072, true],
    [4096, 30720, true],
    [8192, 20480, true],
    [8192, 18432, false],
    [16384, 40960, true],
    [300, 1024, false],
  ])('cpu %i with memory %i is valid: %s', (cpu, memory, valid) => {
    expect(isValidFargateSize(cpu, memory)).toBe(valid);
  });

  it('lists the memories a CPU value allows', () => {
    expect(allowedMemoriesFor(256)).toEqual([512, 1024, 2048]);
    expect(allowedMemoriesFor(123)).toEqual([]);
    expect(describeFargateSizes()).toContain('cpu 512 → memory 1024-4096 in steps of 1024');
  });

  it.each([
    [256, 256],
    ['1024', 1024],
    ['0.25 vCPU', 256],
    ['2 vcpu', 2048],
    ['lots', undefined],
  ])('reads Cpu %j as %j units', (value, units) => {
    expect(parseCpuUnits(value)).toBe(units);
  });

  it.each([
    ['512', 512],
    ['1 GB', 1024],
    ['0.5GB', 512],
    ['2048 MiB', 2048],
    ['1 TB', undefined],
  ])('reads Memory %j as %j MiB', (value, mib) => {
    expect(parseMemoryMiB(value)).toBe(mib);
  });
});
