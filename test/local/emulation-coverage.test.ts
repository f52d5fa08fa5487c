/**
 * The coverage table of `wharf dev` (src/local/emulation-coverage.ts) against the CloudFormation
 * resource specification, and the README block generated from it.
 *
 * The specification is the AWS service spec database that the CDK toolkit ships
 * (`@aws-cdk/aws-service-spec`, a dependency of `@aws-cdk/toolkit-lib`): every property of
 * `AWS::ECS::TaskDefinition`, its `ContainerDefinition` and `AWS::ECS::Service` must have a row,
 * so a property AWS adds makes this test fail instead of being ignored without a word.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PROPERTY_COVERAGE } from '../../src/local/emulation-coverage.js';
import {
  BLOCK_END,
  BLOCK_START,
  renderEmulationCoverage,
  replaceCoverageBlock,
} from '../../src/local/emulation-coverage-markdown.js';
import {
  buildLocalModel,
  EMULATED_TYPES,
  EMULATED_WITH_LIMITS,
  NOT_EMULATED,
} from '../../src/local/model.js';
import { resolveApp } from '../../src/template/evaluate.js';
import { loadTemplateFile } from '../../src/template/load.js';
import { ROOT } from '../support/cli.js';

interface SpecType {
  readonly type: string;
  readonly element?: SpecType;
  readonly reference?: { readonly $ref: string };
}
interface SpecShape {
  readonly $id: string;
  readonly properties: Record<string, { readonly type: SpecType }>;
}
interface SpecDb {
  readonly schema: {
    readonly resource: { readonly entities: Record<string, SpecShape & { cloudFormationType: string }> };
    readonly typeDefinition: { readonly entities: Record<string, SpecShape> };
  };
}

const db = JSON.parse(
  gunzipSync(readFileSync(join(ROOT, 'node_modules/@aws-cdk/aws-service-spec/db.json.gz'))).toString('utf8'),
) as SpecDb;
const types = new Map(Object.values(db.schema.typeDefinition.entities).map((t) => [t.$id, t]));

function resourceShape(cloudFormationType: string): SpecShape {
  const shape = Object.values(db.schema.resource.entities).find(
    (e) => e.cloudFormationType === cloudFormationType,
  );
  if (!shape) throw new Error(`${cloudFormationType} is not in the service spec`);
  return shape;
}

/** The shape a property's value has (through lists), or undefined for scalars and maps. */
function shapeOf(type: SpecType): SpecShape | undefined {
  if (type.type === 'array' && type.element) return shapeOf(type.element);
  return type.type === 'ref' && type.reference ? types.get(type.reference.$ref) : undefined;
}

/** The shape at a table path (`A[].B`), walking the spec; undefined when a segment is unknown. */
function resolvePath(root: SpecShape, path: string): { found: boolean; shape?: SpecShape } {
  let shape: SpecShape | undefined = root;
  for (const segment of path.split('.')) {
    const property = shape?.properties[segment.replace(/\[\]$/, '')];
    if (!property) return { found: false };
    shape = shapeOf(property.type);
  }
  return { found: true, shape };
}

const RESOURCES = ['AWS::ECS::TaskDefinition', 'AWS::ECS::Service'] as const;

/** Every path that needs a row: each property, and the sub-properties of any property split into sub-rows. */
function uncovered(resourceType: (typeof RESOURCES)[number]): string[] {
  const paths = PROPERTY_COVERAGE.filter((e) => e.resourceType === resourceType).map((e) => e.property);
  const missing: string[] = [];
  const visit = (shape: SpecShape, prefix: string) => {
    for (const [name, property] of Object.entries(shape.properties)) {
      const list = property.type.type === 'array' ? '[]' : '';
      const path = `${prefix}${name}`;
      const under = paths.filter((p) => p.startsWith(`${path}.`) || p.startsWith(`${path}[].`));
      if (under.length > 0) {
        const child = shapeOf(property.type);
        if (child) visit(child, `${path}${list}.`);
      } else if (!paths.includes(path)) missing.push(path);
    }
  };
  visit(resourceShape(resourceType), '');
  return missing;
}

describe('the coverage table of wharf dev', () => {
  it.each(RESOURCES)('has a row for every property of %s in the CloudFormation specification', (type) => {
    expect(uncovered(type)).toEqual([]);
  });

  it('names only properties the specification has, each once', () => {
    for (const entry of PROPERTY_COVERAGE) {
      const { found } = resolvePath(resourceShape(entry.resourceType), entry.property);
      expect(found, `${entry.resourceType} ${entry.property}`).toBe(true);
    }
    const keys = PROPERTY_COVERAGE.map((e) => `${e.resourceType} ${e.property}`);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  it('gives every row a one-line note, and a value test only to not-emulated rows', () => {
    for (const entry of PROPERTY_COVERAGE) {
      expect(entry.note.length, entry.property).toBeGreaterThan(5);
      expect(entry.note, entry.property).not.toContain('\n');
      if (entry.when) expect(entry.coverage, entry.property).toBe('not-emulated');
      if (entry.whenAbsent) expect(entry.coverage, entry.property).toBe('not-emulated');
    }
  });
});

describe('the README list of what wharf dev emulates', () => {
  it('is the block generated from the table (run `npm run docs:emulation` when this fails)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(BLOCK_START);
    expect(replaceCoverageBlock(readme, renderEmulationCoverage())).toBe(readme);
  });

  it('lists every not-emulated property of the table, with its note', () => {
    const block = renderEmulationCoverage();
    for (const entry of PROPERTY_COVERAGE.filter((e) => e.coverage === 'not-emulated')) {
      expect(block).toContain(`| \`${entry.property}\``);
      expect(block).toContain(entry.note);
    }
  });

  it('tells the truth about listener rules (emulated), private DNS namespaces, HTTPS listeners and custom domains (emulated)', () => {
    const block = renderEmulationCoverage();
    expect(EMULATED_TYPES.has('AWS::ElasticLoadBalancingV2::ListenerRule')).toBe(true);
    expect(NOT_EMULATED['AWS::ElasticLoadBalancingV2::ListenerRule']).toBeUndefined();
    expect(block).toContain('`AWS::ElasticLoadBalancingV2::ListenerRule`, ');
    expect(block).not.toContain("the listener's default actions serve every request");
    for (const [type, limit] of Object.entries(EMULATED_WITH_LIMITS)) {
      expect(EMULATED_TYPES.has(type), type).toBe(true);
      expect(block).toContain(`\`${type}\` (`);
      expect(block).toContain(limit.note);
    }
    expect(block).not.toContain('served as plain HTTP');
    for (const type of ['AWS::ApiGatewayV2::DomainName', 'AWS::ApiGatewayV2::ApiMapping']) {
      expect(EMULATED_TYPES.has(type), type).toBe(true);
      expect(NOT_EMULATED[type], type).toBeUndefined();
    }
    expect(block).toContain('`AWS::CertificateManager::Certificate` (');
  });

  it('refuses to rewrite a README without the markers', () => {
    expect(() => replaceCoverageBlock('# A README\n', 'x')).toThrow(BLOCK_START);
    expect(replaceCoverageBlock(`a\n${BLOCK_START}\nold\n${BLOCK_END}\nb`, 'new')).toBe(
      `a\n${BLOCK_START}\nnew\n${BLOCK_END}\nb`,
    );
  });
});

describe('warnings for emulated types with limits, and types that are not emulated', () => {
  const FIXTURE = join(ROOT, 'test/fixtures/any-ecs/partly-emulated.yml');

  it('warns once per private DNS namespace, not for the HTTP or HTTPS listener (served over TLS) or the listener rule (emulated)', () => {
    const model = buildLocalModel(resolveApp(loadTemplateFile(FIXTURE)));
    const about = (logicalId: string) =>
      model.warnings.filter((w) => w.startsWith(`${FIXTURE}: ${logicalId}: `));
    expect(about('LegacyRule')).toEqual([]);
    expect(about('Namespace')).toEqual([
      `${FIXTURE}: Namespace: AWS::ServiceDiscovery::PrivateDnsNamespace is partly emulated: its names resolve only inside Docker tasks (the local Cloud Map DNS server; process tasks cannot resolve them); the Cloud Map API and API Gateway's discovery work on both runtimes`,
    ]);
    expect(about('HttpsListener')).toEqual([]);
    expect(about('HttpListener')).toEqual([]);
    expect(model.warnings).toHaveLength(1);
    // Both listeners serve; the HTTPS one's certificate is an ARN from elsewhere, so it covers the
    // load balancer's DNS name (no alias record points at it).
    const [lb] = model.loadBalancers;
    expect(lb?.listeners.map((l) => [l.port, l.protocol, l.tls?.certificates[0]?.names])).toEqual([
      [80, 'HTTP', undefined],
      [443, 'HTTPS', [lb?.dnsName.toLowerCase()]],
    ]);
  });
});
