/**
 * Both patterns reject props AWS would refuse, before creating anything, with a
 * PropsValidationError (code WHARF_PROPS_INVALID) that names the construct path, the prop, the
 * value received and what is allowed.
 */
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  ApiGatewayFargateService,
  type ApiGatewayFargateServiceProps,
  isWharfError,
  LoadBalancedFargateService,
  type LoadBalancedFargateServiceProps,
  type LogRetentionDays,
  type PropsValidationError,
} from '../../src/index.js';

process.env.CDK_VALIDATION = 'false';

const FARGATE_SIZES = [
  'cpu 256 → memory 512, 1024, 2048',
  'cpu 512 → memory 1024-4096 in steps of 1024',
  'cpu 16384 → memory 32768-122880 in steps of 8192',
];

interface Case {
  /** Completes "throws when …". */
  readonly when: string;
  /** Builds the pattern with the bad props in `stack`. */
  readonly build: (stack: Stack) => void;
  /** The construct path the error names. */
  readonly path: string;
  /** The prop the error names. */
  readonly prop: string;
  /** Fragments the message contains: the value received and what is allowed. */
  readonly says: readonly string[];
}

const api = (props: ApiGatewayFargateServiceProps) => (stack: Stack) => {
  new ApiGatewayFargateService(stack, 'Api', props);
};
const alb = (props: LoadBalancedFargateServiceProps) => (stack: Stack) => {
  new LoadBalancedFargateService(stack, 'Web', props);
};

/** A hosted zone id and a certificate ARN in the shapes Route 53 and ACM give them. */
const ZONE = 'Z0123456789ABCDEFGHIJ';
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

const CASES: readonly Case[] = [
  {
    when: 'cpu is 300 (not a Fargate CPU value)',
    build: api({ service: { cpu: 300 } }),
    path: 'Test/Api/Service',
    prop: 'cpu',
    says: ['cpu 300 with memoryMiB 512', ...FARGATE_SIZES],
  },
  {
    when: 'memoryMiB is 100',
    build: api({ service: { memoryMiB: 100 } }),
    path: 'Test/Api/Service',
    prop: 'memoryMiB',
    says: ['cpu 256 with memoryMiB 100', ...FARGATE_SIZES],
  },
  {
    when: 'cpu 256 is combined with 4096 MiB',
    build: api({ service: { cpu: 256, memoryMiB: 4096 } }),
    path: 'Test/Api/Service',
    prop: 'memoryMiB',
    says: ['cpu 256 with memoryMiB 4096', ...FARGATE_SIZES],
  },
  {
    when: 'containerPort is 70000',
    build: api({ service: { containerPort: 70000 } }),
    path: 'Test/Api/Service',
    prop: 'containerPort',
    says: ['got 70000', 'an integer from 1 to 65535'],
  },
  {
    when: 'containerPort is 0',
    build: alb({ service: { containerPort: 0 } }),
    path: 'Test/Web/Service',
    prop: 'containerPort',
    says: ['got 0', 'an integer from 1 to 65535'],
  },
  {
    when: 'desiredCount is -1',
    build: api({ service: { desiredCount: -1 } }),
    path: 'Test/Api/Service',
    prop: 'desiredCount',
    says: ['got -1', 'an integer from 0 to 10000'],
  },
  {
    when: 'desiredCount is 1.5',
    build: alb({ service: { desiredCount: 1.5 } }),
    path: 'Test/Web/Service',
    prop: 'desiredCount',
    says: ['got 1.5', 'an integer from 0 to 10000'],
  },
  {
    when: 'serviceName is empty',
    build: api({ service: { serviceName: '' } }),
    path: 'Test/Api/Service',
    prop: 'serviceName',
    says: ['must not be empty', '1-63 letters, digits, hyphens and underscores'],
  },
  {
    when: 'serviceName has 64 characters',
    build: api({ service: { serviceName: 'a'.repeat(64) } }),
    path: 'Test/Api/Service',
    prop: 'serviceName',
    says: ['has 64 characters', 'at most 63'],
  },
  {
    when: 'serviceName has a space',
    build: alb({ service: { serviceName: 'bad name' } }),
    path: 'Test/Web/Service',
    prop: 'serviceName',
    says: ["'bad name' is not allowed", '1-63 letters, digits, hyphens and underscores'],
  },
  {
    when: 'logRetentionDays is 13 (not a CloudWatch Logs retention value)',
    build: api({ service: { logRetentionDays: 13 as LogRetentionDays } }),
    path: 'Test/Api/Service',
    prop: 'logRetentionDays',
    says: ['got 13', '1, 3, 5, 7, 14, 30, 60', '3653'],
  },
  {
    when: 'healthCheck.intervalSeconds is 2',
    build: api({ service: { healthCheck: { command: ['CMD-SHELL', 'true'], intervalSeconds: 2 } } }),
    path: 'Test/Api/Service',
    prop: 'healthCheck.intervalSeconds',
    says: ['got 2', 'an integer from 5 to 300'],
  },
  {
    when: "natGateways is 1 with profile 'low-cost'",
    build: api({ network: { profile: 'low-cost', natGateways: 1 } }),
    path: 'Test/Api/Network',
    prop: 'natGateways',
    says: ["got 1 with profile 'low-cost'", "use profile 'large'"],
  },
  {
    when: 'an existing network has one public subnet',
    build: api({ network: { existing: { vpcId: 'vpc-0123', publicSubnetIds: ['subnet-0aaa'] } } }),
    path: 'Test/Api/Network',
    prop: 'existing.publicSubnetIds',
    says: ['got 1 entry', 'at least 2'],
  },
  {
    when: "the load balancer pattern gets profile 'low-cost' (no private subnets)",
    build: alb({ network: { profile: 'low-cost' } }),
    path: 'Test/Web',
    prop: 'network',
    says: ["use profile 'large'", 'privateSubnetIds'],
  },
  {
    when: 'the load balancer health check timeout is not below its interval',
    build: alb({ loadBalancer: { healthCheck: { intervalSeconds: 6, timeoutSeconds: 6 } } }),
    path: 'Test/Web/LoadBalancer',
    prop: 'healthCheck.timeoutSeconds',
    says: ['6 must be less than healthCheck.intervalSeconds (6)'],
  },
  {
    when: 'idleTimeoutSeconds is 0',
    build: alb({ loadBalancer: { idleTimeoutSeconds: 0 } }),
    path: 'Test/Web/LoadBalancer',
    prop: 'idleTimeoutSeconds',
    says: ['got 0', 'an integer from 1 to 4000'],
  },
  {
    when: 'integrationTimeoutMillis is 40000',
    build: api({ apiGateway: { integrationTimeoutMillis: 40000 } }),
    path: 'Test/Api/ApiGateway',
    prop: 'integrationTimeoutMillis',
    says: ['got 40000', 'an integer from 50 to 30000'],
  },
  {
    when: 'the stage throttle rate is negative',
    build: api({ apiGateway: { throttle: { rateLimit: -1 } } }),
    path: 'Test/Api/ApiGateway',
    prop: 'throttle.rateLimit',
    says: ['got -1', 'a number of requests per second, 0 or more'],
  },
  {
    when: 'the stage throttle burst is not an integer',
    build: api({ apiGateway: { throttle: { burstLimit: 2.5 } } }),
    path: 'Test/Api/ApiGateway',
    prop: 'throttle.burstLimit',
    says: ['got 2.5', 'an integer from 0 to 5000'],
  },
  {
    when: 'a route throttle names a route no service has',
    build: api({
      services: { orders: { image: 'nginx:1.28.0', routes: ['GET /orders'] } },
      apiGateway: { throttle: { routes: { 'POST /orders': { rateLimit: 5 } } } },
    }),
    path: 'Test/Api/ApiGateway',
    prop: "throttle.routes['POST /orders']",
    says: ['names no route of the API', "'GET /orders'"],
  },
  {
    when: "certificateArn is 'nope'",
    build: alb({ loadBalancer: { certificateArn: 'nope' } }),
    path: 'Test/Web/LoadBalancer',
    prop: 'certificateArn',
    says: ["'nope' is not allowed", 'an ACM certificate ARN'],
  },
  {
    when: "domain.name has upper-case letters ('API.example.com')",
    build: api({ domain: { name: 'API.example.com', hostedZone: ZONE } }),
    path: 'Test/Api',
    prop: 'domain.name',
    says: ["'API.example.com' has upper-case letters", "'api.example.com'"],
  },
  {
    when: 'domain.name ends with a dot',
    build: alb({ domain: { name: 'api.example.com.', hostedZone: ZONE } }),
    path: 'Test/Web',
    prop: 'domain.name',
    says: ['ends with a dot', "write it without ('api.example.com')"],
  },
  {
    when: 'domain.name has a wildcard that is not the whole first label',
    build: api({ domain: { name: 'api.*.example.com', hostedZone: ZONE } }),
    path: 'Test/Api',
    prop: 'domain.name',
    says: ["has '*' in the label '*'", 'only be the whole first label (*.example.com)'],
  },
  {
    when: 'domain.name has a label starting with a hyphen',
    build: api({ domain: { name: '-api.example.com', hostedZone: ZONE } }),
    path: 'Test/Api',
    prop: 'domain.name',
    says: ["the label '-api'", "not starting or ending with '-'"],
  },
  {
    when: 'domain.name is longer than 253 characters',
    build: api({ domain: { name: `${'a'.repeat(60)}.`.repeat(4).concat('example.com'), hostedZone: ZONE } }),
    path: 'Test/Api',
    prop: 'domain.name',
    says: ['has 255 characters; at most 253'],
  },
  {
    when: 'domain.name is a single label',
    build: alb({ domain: { name: 'localhost', hostedZone: ZONE } }),
    path: 'Test/Web',
    prop: 'domain.name',
    says: ['has one label'],
  },
  {
    when: "domain.hostedZone is given as '/hostedzone/Z…'",
    build: api({ domain: { name: 'api.example.com', hostedZone: `/hostedzone/${ZONE}` } }),
    path: 'Test/Api',
    prop: 'domain.hostedZone',
    says: [`give the id without '/hostedzone/' ("${ZONE}")`],
  },
  {
    when: 'domain.hostedZone is neither a zone id nor a name',
    build: alb({ domain: { name: 'api.example.com', hostedZone: 'z-123' } }),
    path: 'Test/Web',
    prop: 'domain.hostedZone',
    says: ['"z-123" is neither a hosted zone id nor a name', "'Z' and 1-31 upper-case letters or digits"],
  },
  {
    when: 'domain.name is outside the hosted zone named',
    build: api({ domain: { name: 'api.example.org', hostedZone: 'example.com', certificate: CERT } }),
    path: 'Test/Api',
    prop: 'domain.name',
    says: ["'api.example.org' is outside its hosted zone 'example.com'", "ending in '.example.com'"],
  },
  {
    when: 'domain has no certificate and its zone is only named (DNS validation needs the id)',
    build: api({ domain: { name: 'api.example.com', hostedZone: 'example.com' } }),
    path: 'Test/Api',
    prop: 'domain.hostedZone',
    says: [
      "'example.com' is a zone name",
      'list-hosted-zones-by-name --dns-name example.com',
      'domain.certificate',
    ],
  },
  {
    when: 'domain has neither a certificate nor a hosted zone',
    build: alb({ domain: { name: 'api.example.com' } }),
    path: 'Test/Web',
    prop: 'domain.hostedZone',
    says: ["is not given (so it is the zone named 'example.com')", "the id ('Z…'"],
  },
  {
    when: 'domain.certificate is not an ACM ARN',
    build: alb({
      domain: {
        name: 'api.example.com',
        hostedZone: ZONE,
        certificate: 'arn:aws:iam::123456789012:server-certificate/api',
      },
    }),
    path: 'Test/Web',
    prop: 'domain.certificate',
    says: [
      'got "arn:aws:iam::123456789012:server-certificate/api"',
      'arn:aws:acm:<region>:<account>:certificate/<id>',
    ],
  },
  {
    when: 'domain.disableExecuteApiEndpoint is given on the load balancer pattern',
    build: alb({
      domain: { name: 'api.example.com', hostedZone: ZONE, disableExecuteApiEndpoint: true } as never,
    }),
    path: 'Test/Web',
    prop: 'domain.disableExecuteApiEndpoint',
    says: ['applies to the API Gateway pattern only'],
  },
  {
    when: 'domain has a key it does not know (certificateArn)',
    build: api({ domain: { name: 'api.example.com', certificateArn: CERT } as never }),
    path: 'Test/Api',
    prop: 'domain.certificateArn',
    says: ['is not a domain option', 'name, hostedZone, certificate, disableExecuteApiEndpoint'],
  },
  {
    when: 'loadBalancer.certificateArn is given next to domain',
    build: alb({
      loadBalancer: { certificateArn: CERT },
      domain: { name: 'api.example.com', hostedZone: ZONE },
    }),
    path: 'Test/Web',
    prop: 'loadBalancer.certificateArn',
    says: ['give the certificate once, as domain.certificate'],
  },
  {
    when: 'a secret is not an ARN',
    build: api({ service: { secrets: { DB_PASSWORD: 'hunter2' } } }),
    path: 'Test/Api/Service',
    prop: 'secrets.DB_PASSWORD',
    says: ["got 'hunter2'", 'the ARN of a Secrets Manager secret or an SSM parameter'],
  },
  {
    when: "an environment variable is named '1BAD'",
    build: alb({ service: { environment: { '1BAD': 'x' } } }),
    path: 'Test/Web/Service',
    prop: 'environment',
    says: ["'1BAD' is not allowed", 'letters, digits and underscores, not starting with a digit'],
  },
  {
    when: 'image.directory is a folder that does not exist',
    build: api({ service: { image: { directory: '/nonexistent/wharf-app' } } }),
    path: 'Test/Api/Service',
    prop: 'image.directory',
    says: ['no such folder: /nonexistent/wharf-app'],
  },
  {
    when: 'image.file names a Dockerfile the folder does not have',
    build: alb({
      service: { image: { directory: 'test/fixtures/apps/asset-image/app', file: 'Dockerfile.dev' } },
    }),
    path: 'Test/Web/Service',
    prop: 'image.file',
    says: ['no Dockerfile at', 'test/fixtures/apps/asset-image/app/Dockerfile.dev'],
  },
  {
    when: 'image.platform is linux/amd64 while cpuArchitecture is ARM64',
    build: alb({
      service: {
        cpuArchitecture: 'ARM64',
        image: { directory: 'test/fixtures/apps/asset-image/app', platform: 'linux/amd64' },
      },
    }),
    path: 'Test/Web/Service',
    prop: 'image.platform',
    says: ["got 'linux/amd64' with cpuArchitecture 'ARM64'", "allowed: 'linux/arm64'"],
  },
  {
    when: "layout is neither 'nested' nor 'flat'",
    build: api({ layout: 'stacked' as 'flat' }),
    path: 'Test/Api',
    prop: 'layout',
    says: ['got "stacked"', '"nested", "flat"'],
  },
];

/** Runs `build` in a fresh stack and returns the stack and what it threw. */
function attempt(build: (stack: Stack) => void): { stack: Stack; error: unknown } {
  const stack = new Stack(new App(), 'Test');
  try {
    build(stack);
  } catch (error) {
    return { stack, error };
  }
  return { stack, error: undefined };
}

const nestedStacksIn = (stack: Stack) => stack.node.findAll().filter((c) => NestedStack.isNestedStack(c));

describe('pattern props validation', () => {
  it.each(CASES)('throws when $when', ({ build, path, prop, says }) => {
    const { error } = attempt(build);
    expect(isWharfError(error), `threw ${String(error)}`).toBe(true);
    const e = error as PropsValidationError;
    expect(e.code).toBe('WHARF_PROPS_INVALID');
    expect(e.source).toBe('user');
    expect(e.prop).toBe(prop);
    expect(e.constructPath).toBe(path);
    expect(e.message.startsWith(`${path}: invalid prop '${prop}': `)).toBe(true);
    for (const fragment of says) expect(e.message).toContain(fragment);
  });

  it.each(CASES)('creates no nested stack when $when', ({ build }) => {
    const { stack, error } = attempt(build);
    expect(error).toBeDefined();
    expect(nestedStacksIn(stack)).toEqual([]);
  });

  // The pattern checks clusterName with every other prop, before any nested stack exists.
  describe('an invalid cluster.clusterName', () => {
    const build = api({ cluster: { clusterName: 'bad name!' } });

    it('throws a PropsValidationError naming clusterName', () => {
      const { error } = attempt(build);
      expect(isWharfError(error)).toBe(true);
      expect((error as PropsValidationError).prop).toBe('clusterName');
      expect((error as PropsValidationError).message).toContain('letters, numbers, hyphens and underscores');
    });

    it('is rejected before any nested stack is created', () => {
      const { stack } = attempt(build);
      expect(nestedStacksIn(stack)).toEqual([]);
    });
  });

  it('accepts the defaults of both patterns', () => {
    expect(attempt(api({})).error).toBeUndefined();
    expect(attempt(alb({})).error).toBeUndefined();
  });
});
