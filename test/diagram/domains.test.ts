/**
 * `wharf diagram` with custom domains and scaling: the domain (`https://api.example.com`, its
 * certificate and TLS policy) drawn in front of the HTTP API or the ALB, the HTTP→HTTPS redirect
 * on the way in, and each scaled service's range on its task boxes; in the model, the SVG and the
 * laid-out picture.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { layoutDiagram, overlaps } from '../../src/diagram/layout.js';
import { type DiagramModel, loadDiagramModel } from '../../src/diagram/model.js';
import { renderSvg } from '../../src/diagram/svg.js';
import { ROOT } from '../support/cli.js';

const ALB = join(ROOT, 'test/fixtures/domain/insight-diagram-alb.yml');
const API = join(ROOT, 'test/fixtures/domain/insight-diagram-api.yml');

const node = (model: DiagramModel, kind: string) => model.nodes.filter((n) => n.kind === kind);
const edgesBetween = (model: DiagramModel, fromKind: string, toKind: string) =>
  model.edges.filter(
    (e) =>
      model.nodes.find((n) => n.id === e.from)?.kind === fromKind &&
      model.nodes.find((n) => n.id === e.to)?.kind === toKind,
  );

/** A copy of `file` with each `[from, to]` replaced. */
function edited(file: string, ...edits: [string, string][]): string {
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
    text = text.replace(from, to);
  }
  const copy = join(mkdtempSync(join(tmpdir(), 'wharf-diagram-domains-')), 'template.yml');
  writeFileSync(copy, text);
  return copy;
}

describe('a public ALB on its own domain', () => {
  let model: DiagramModel;
  beforeAll(async () => {
    model = await loadDiagramModel({ template: ALB });
  });

  it('draws the domain with its certificate, TLS policy and alias record between the internet and the ALB', () => {
    expect(node(model, 'domain')).toEqual([
      {
        id: 'domain:api.example.com',
        kind: 'domain',
        label: 'https://api.example.com',
        details: [
          'certificate Certificate (ACM, DNS-validated)',
          'TLS policy ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
          'Route 53 alias in example.com',
        ],
      },
    ]);
    expect(edgesBetween(model, 'internet', 'domain').map((e) => e.labels)).toEqual([
      ['HTTPS :443', 'HTTP :80 → 301 to HTTPS'],
    ]);
    expect(edgesBetween(model, 'domain', 'load-balancer').map((e) => e.labels)).toEqual([
      ['HTTPS :443, HTTP :80', 'SG: tcp 443 from 0.0.0.0/0'],
    ]);
    expect(edgesBetween(model, 'internet', 'load-balancer')).toEqual([]);
  });

  it("shows the scaled service's range and targets on each of its task boxes", () => {
    expect(node(model, 'tasks').map((n) => n.details[1])).toEqual([
      '1–3 tasks · CPU 50 % · 100000 req/min per task',
      '1–3 tasks · CPU 50 % · 100000 req/min per task',
    ]);
  });

  it("finds the alias record when it points at the load balancer's dualstack name (§3.5)", async () => {
    const file = edited(ALB, [
      '        DNSName: !GetAtt LoadBalancer.DNSName\n',
      `        DNSName: !Sub 'dualstack.\${LoadBalancer.DNSName}'\n`,
    ]);
    const dualstack = await loadDiagramModel({ template: file });
    expect(node(dualstack, 'domain')[0]?.details).toContain('Route 53 alias in example.com');
  });

  it('counts a scaled service at its desired count moved into the range, as registering the scalable target does', async () => {
    const file = edited(
      ALB,
      ['      DesiredCount: 1\n', ''],
      [
        '  MinCapacity:\n    Type: Number\n    Default: 1\n',
        '  MinCapacity:\n    Type: Number\n    Default: 2\n',
      ],
    );
    const scaled = await loadDiagramModel({ template: file });
    expect(node(scaled, 'tasks').map((n) => n.label)).toEqual(['Fargate: burner ×1', 'Fargate: burner ×1']);
  });

  it('names the CloudFormation default when the HTTPS listener sets no SslPolicy, and drops the redirect line without one', async () => {
    const file = edited(
      ALB,
      ['      SslPolicy: ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09\n', ''],
      [
        [
          '        - Type: redirect',
          '          RedirectConfig:',
          '            Protocol: HTTPS',
          '            Port: "443"',
          '            Host: "#{host}"',
          '            Path: "/#{path}"',
          '            Query: "#{query}"',
          '            StatusCode: HTTP_301\n',
        ].join('\n'),
        '        - Type: forward\n          TargetGroupArn: !Ref WebTargets\n',
      ],
    );
    const plain = await loadDiagramModel({ template: file });
    expect(node(plain, 'domain')[0]?.details[1]).toBe(
      'TLS policy ELBSecurityPolicy-2016-08 (CloudFormation default)',
    );
    expect(edgesBetween(plain, 'internet', 'domain').map((e) => e.labels)).toEqual([['HTTPS :443']]);
  });

  it('lays the domain out in its own column, overlapping no other box, and renders it in the SVG', () => {
    const layout = layoutDiagram(model);
    const domain = layout.nodes.find((n) => n.node.kind === 'domain');
    const internet = layout.nodes.find((n) => n.node.kind === 'internet');
    const alb = layout.nodes.find((n) => n.node.kind === 'load-balancer');
    expect(domain && internet && alb).toBeTruthy();
    if (!domain || !internet || !alb) return;
    expect(internet.x + internet.w).toBeLessThan(domain.x);
    expect(domain.x + domain.w).toBeLessThan(alb.x);
    for (const other of layout.nodes) if (other !== domain) expect(overlaps(domain, other)).toBe(false);
    const svg = renderSvg(model);
    expect(svg).toContain('data-kind="domain"');
    expect(svg).toContain('https://api.example.com');
    expect(svg).toContain('1–3 tasks · CPU 50 %');
  });
});

describe('an HTTP API on its own domain', () => {
  let model: DiagramModel;
  beforeAll(async () => {
    model = await loadDiagramModel({ template: API });
  });

  it('draws internet → domain → HTTP API with the mapping, and says the execute-api endpoint is still open', () => {
    const [domain] = node(model, 'domain');
    expect(domain?.label).toBe('https://api.example.com');
    expect(domain?.details).toEqual([
      'custom domain, REGIONAL TLS_1_2',
      'certificate Certificate (ACM, DNS-validated)',
      'Route 53 alias',
    ]);
    expect(edgesBetween(model, 'internet', 'domain').map((e) => e.labels)).toEqual([['HTTPS :443']]);
    expect(edgesBetween(model, 'domain', 'http-api').map((e) => e.labels)).toEqual([
      ['API mapping (none) → stage $default'],
    ]);
    expect(edgesBetween(model, 'internet', 'http-api')).toEqual([]);
    expect(node(model, 'http-api')[0]?.details).toContain('execute-api endpoint also open');
  });

  it('says the execute-api endpoint is disabled when the API disables it', async () => {
    const file = edited(API, [
      '      Name: shop\n      ProtocolType: HTTP\n',
      '      Name: shop\n      ProtocolType: HTTP\n      DisableExecuteApiEndpoint: true\n',
    ]);
    const disabled = await loadDiagramModel({ template: file });
    expect(node(disabled, 'domain')[0]?.details).toContain('execute-api endpoint disabled');
    expect(node(disabled, 'http-api')[0]?.details).not.toContain('execute-api endpoint also open');
  });

  it('shows the range only on the scaled service', () => {
    const lines = node(model, 'tasks').map((n) => `${n.label}: ${n.details[1]}`);
    expect(lines.filter((l) => l.includes('tasks ·'))).toEqual([
      'Fargate: orders ×1: 2–10 tasks · CPU 50 %',
      'Fargate: orders ×1: 2–10 tasks · CPU 50 %',
    ]);
    expect(lines.filter((l) => l.startsWith('Fargate: users'))).toEqual([
      'Fargate: users ×1: private IP only',
      'Fargate: users ×0: private IP only',
    ]);
  });
});
