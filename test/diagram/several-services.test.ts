import { beforeAll, describe, expect, it } from 'vitest';
import { describeRuleConditions } from '../../src/diagram/listener-rules.js';
import { renderMermaid } from '../../src/diagram/mermaid.js';
import { type DiagramModel, loadDiagramModel } from '../../src/diagram/model.js';

const API = 'test/fixtures/several-services/checks-api.yml';
const ALB = 'test/fixtures/several-services/checks-alb.yml';
const BLOCKED = 'test/fixtures/traps/private-service-callers-blocked/trips/template.yml';

const models = new Map<string, DiagramModel>();
beforeAll(async () => {
  for (const template of [API, ALB, BLOCKED]) models.set(template, await loadDiagramModel({ template }));
}, 60_000);
const model = (template: string) => models.get(template) as DiagramModel;

/** The request edges into the tasks of `service`, as `from → to: label | label`. */
function into(m: DiagramModel, service: string): string[] {
  return m.edges
    .filter((e) => e.kind === 'request' && e.to.startsWith(`tasks:${service}:`))
    .map(
      (e) =>
        `${e.from.split(':')[0]}:${e.from.startsWith('tasks:') ? e.from.split(':')[1] : ''} → ${e.labels.join(' | ')}`,
    );
}

describe('diagram of several services behind one ALB', () => {
  it('draws each forwarding rule to its service, labelled with its priority and conditions', () => {
    const m = model(ALB);
    expect(new Set(into(m, 'orders'))).toEqual(
      new Set(['alb: → rule 10: path /orders, /orders/* | HTTP :8080 | SG: tcp 8080 from ALB SG']),
    );
    expect(new Set(into(m, 'users'))).toEqual(
      new Set([
        'alb: → rule 20: host api.example.com · path /users/* | HTTP :8080 | SG: tcp 8080 from ALB SG',
      ]),
    );
    expect(new Set(into(m, 'web'))).toEqual(
      new Set(['alb: → default action | HTTP :8080 | SG: tcp 8080 from ALB SG']),
    );
  });

  it('lists a fixed-response rule on the load balancer, since it reaches no service', () => {
    const alb = model(ALB).nodes.find((n) => n.kind === 'load-balancer');
    expect(alb?.details).toContain('rule 30: header X-Maintenance on → fixed response 503');
  });

  it('draws one box per service and subnet with its share of the desired count', () => {
    const labels = model(ALB)
      .nodes.filter((n) => n.kind === 'tasks')
      .map((n) => n.label);
    expect(labels.toSorted()).toEqual(
      [
        'Fargate: inventory ×1',
        'Fargate: inventory ×1',
        'Fargate: orders ×1',
        'Fargate: orders ×1',
        'Fargate: users ×0',
        'Fargate: users ×1',
        'Fargate: web ×1',
        'Fargate: web ×1',
      ].toSorted(),
    );
  });
});

describe('diagram of several services behind one HTTP API', () => {
  it('draws one integration arrow to the shared VPC link, listing each integration’s routes', () => {
    const integrations = model(API).edges.filter((e) => e.kind === 'integration');
    expect(integrations.map((e) => e.labels)).toEqual([
      ['VPC_LINK integrations (2)', 'route ANY /orders/{proxy+}, GET /orders', 'route $default'],
    ]);
  });

  it('labels the VPC link’s edge to each service with the routes that reach it', () => {
    expect(new Set(into(model(API), 'orders'))).toEqual(
      new Set([
        'vpclink: → route ANY /orders/{proxy+}, GET /orders | HTTP :8080 | SG: tcp 8080 from VPC link SG',
      ]),
    );
    expect(new Set(into(model(API), 'users'))).toEqual(
      new Set(['vpclink: → route $default | HTTP :8080 | SG: tcp 8080 from VPC link SG']),
    );
  });

  it('draws the private service with its DNS name and an edge from its caller to each of its task boxes', () => {
    const m = model(API);
    const cloudMap = m.nodes.find((n) => n.kind === 'cloud-map' && n.details.includes('inventory.internal'));
    expect(cloudMap?.details).toContain('A records');
    expect(into(m, 'inventory')).toEqual([
      'tasks:orders → DNS A inventory.internal | HTTP :8080 | SG: tcp 8080 from orders SG',
      'tasks:orders → DNS A inventory.internal | HTTP :8080 | SG: tcp 8080 from orders SG',
    ]);
    expect(m.notes.join('\n')).not.toContain('inventory is not reached');
  });

  it('warns on the caller’s edge when the private service’s group does not admit it', () => {
    const edges = model(BLOCKED).edges.filter((e) => e.to.startsWith('tasks:inventory:'));
    expect(edges.length).toBeGreaterThan(0);
    for (const edge of edges) {
      expect(edge.labels).toContain('SG: nothing allows :8080');
      expect(edge.warning).toBe('no security group rule lets orders SG in on port 8080');
    }
  });

  it('writes the routes, rules and private edges into Mermaid', () => {
    const api = renderMermaid(model(API));
    expect(api).toMatch(
      /tasks_orders_\w+ -->\|"DNS A inventory\.internal<br\/>HTTP :8080<br\/>SG: tcp 8080 from orders SG"\| tasks_inventory_\w+/,
    );
    expect(renderMermaid(model(ALB))).toMatch(
      /alb_\w+ -->\|"rule 10: path \/orders, \/orders\/\*<br\/>HTTP :8080/,
    );
  });
});

describe('describeRuleConditions', () => {
  it('writes every condition type in one line', () => {
    expect(
      describeRuleConditions([
        { Field: 'path-pattern', Values: ['/legacy/*'] },
        { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET', 'HEAD'] } },
        { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Env', Values: ['beta'] } },
        { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '2' }, { Value: 'x' }] } },
        { Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8'] } },
      ]),
    ).toBe('path /legacy/* · method GET, HEAD · header X-Env beta · query v=2, x · source 10.0.0.0/8');
  });
});
