import { beforeAll, describe, expect, it } from 'vitest';
import { DIAGRAM_FORMATS, diagram, parseDiagramFormat, renderDiagram } from '../../src/diagram/diagram.js';
import { layoutDiagram, overlaps, type Rect } from '../../src/diagram/layout.js';
import { renderMermaid } from '../../src/diagram/mermaid.js';
import { type DiagramModel, loadDiagramModel } from '../../src/diagram/model.js';
import { svgToPng } from '../../src/diagram/png.js';
import { escapeXml, renderSvg } from '../../src/diagram/svg.js';
import { UsageError } from '../../src/errors.js';
import { requireRsvg } from '../support/rsvg.js';

/** Checks that every tag is closed in order and attribute values are quoted; returns the error or undefined. */
function xmlProblem(xml: string): string | undefined {
  const stack: string[] = [];
  const body = xml.replace(/<style>[\s\S]*?<\/style>/, '');
  if (/&(?!amp;|lt;|gt;|quot;|#39;)/.test(body)) return 'unescaped &';
  for (const match of body.matchAll(/<(\/?)([a-zA-Z]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return `unexpected </${name}>`;
    } else stack.push(name as string);
  }
  const tags = body.match(/<[^>]*>/g) ?? [];
  const wellFormed = tags.every((t) => /^<\/?[a-zA-Z]+((?:\s+[\w:-]+="[^"<]*")*)\s*\/?>$/.test(t));
  if (!wellFormed)
    return `malformed tag: ${tags.find((t) => !/^<\/?[a-zA-Z]+((?:\s+[\w:-]+="[^"<]*")*)\s*\/?>$/.test(t))}`;
  return stack.length > 0 ? `unclosed <${stack.join('>, <')}>` : undefined;
}

const SOURCES: [string, Parameters<typeof loadDiagramModel>[0]][] = [
  ['examples/api-gateway-fargate', { dir: 'examples/api-gateway-fargate' }],
  ['examples/public-alb-fargate', { dir: 'examples/public-alb-fargate' }],
  ['seeds-like/api-gateway', { template: 'test/fixtures/seeds-like/api-gateway/parent.yml' }],
  ['seeds-like/alb', { template: 'test/fixtures/seeds-like/alb/parent.yml' }],
  ['several-services/checks-api', { template: 'test/fixtures/several-services/checks-api.yml' }],
  ['several-services/checks-alb', { template: 'test/fixtures/several-services/checks-alb.yml' }],
];

const models = new Map<string, DiagramModel>();
beforeAll(async () => {
  for (const [name, source] of SOURCES) models.set(name, await loadDiagramModel(source));
}, 180_000);
const model = (name: string) => models.get(name) as DiagramModel;

describe('diagram layout', () => {
  it.each(SOURCES.map(([name]) => name))(
    '%s: no two node boxes overlap, and no label covers a node',
    (name) => {
      const layout = layoutDiagram(model(name));
      expect(layout.nodes).toHaveLength(model(name).nodes.length);
      for (const [i, a] of layout.nodes.entries()) {
        for (const b of layout.nodes.slice(i + 1))
          expect(overlaps(a, b), `${a.node.id} / ${b.node.id}`).toBe(false);
      }
      const labels = layout.edges.flatMap((e) => (e.label ? [e.label.box] : []));
      expect(labels.length).toBe(model(name).edges.length);
      for (const label of labels) {
        for (const node of layout.nodes) expect(overlaps(label, node), node.node.id).toBe(false);
      }
      for (const [i, a] of labels.entries())
        for (const b of labels.slice(i + 1)) expect(overlaps(a, b)).toBe(false);
    },
  );

  it.each(SOURCES.map(([name]) => name))(
    '%s: every node lies inside its group, every group inside its parent and the picture',
    (name) => {
      const layout = layoutDiagram(model(name));
      const inside = (a: Rect, b: Rect | undefined) =>
        b !== undefined && a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
      const groupBox = new Map(layout.groups.map((g) => [g.group.id, g]));
      for (const node of layout.nodes) {
        if (node.node.group) expect(inside(node, groupBox.get(node.node.group)), node.node.id).toBe(true);
        expect(inside(node, { x: 0, y: 0, w: layout.width, h: layout.height })).toBe(true);
      }
      for (const group of layout.groups) {
        if (group.group.parent) expect(inside(group, groupBox.get(group.group.parent))).toBe(true);
      }
      // Subnets of one AZ do not overlap each other; AZ bands do not overlap.
      const boxes = layout.groups.filter((g) => g.group.kind !== 'vpc');
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          if (a.group.kind === b.group.kind)
            expect(overlaps(a, b), `${a.group.id} / ${b.group.id}`).toBe(false);
        }
      }
    },
  );

  it('stretches the one ingress so its edges to the tasks run horizontally', () => {
    const layout = layoutDiagram(model('examples/public-alb-fargate'));
    const toTasks = layout.edges.filter((e) => e.edge.to.startsWith('tasks:'));
    expect(toTasks).toHaveLength(2);
    for (const e of toTasks) expect(e.points[0]?.[1]).toBe(e.points[1]?.[1]);
  });
});

describe('diagram SVG', () => {
  it('has a well-formedness check that catches broken markup', () => {
    expect(xmlProblem('<svg><g></svg>')).toBe('unexpected </svg>');
    expect(xmlProblem('<svg><text>a & b</text></svg>')).toBe('unescaped &');
    expect(xmlProblem('<svg><g>')).toBe('unclosed <svg>, <g>');
  });

  it.each(SOURCES.map(([name]) => name))('%s: is well-formed and names every node and edge label', (name) => {
    const svg = renderSvg(model(name));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(xmlProblem(svg)).toBeUndefined();
    for (const node of model(name).nodes) expect(svg).toContain(`>${escapeXml(node.label)}</text>`);
    for (const edge of model(name).edges)
      for (const l of edge.labels) expect(svg).toContain(`>${escapeXml(l)}</text>`);
    expect(svg).toContain('Availability zone us-east-1a');
  });

  it('escapes text from the templates', () => {
    const evil: DiagramModel = {
      title: 'a <b> & "c"',
      nodes: [{ id: 'x"y', kind: 'tasks', label: '<script>alert(1)</script>', details: ["it's & <ok>"] }],
      groups: [],
      edges: [],
      notes: ['note with <tag> & ampersand'],
    };
    const svg = renderSvg(evil);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('it&#39;s &amp; &lt;ok&gt;');
    expect(svg).toContain('data-id="x&quot;y"');
    expect(xmlProblem(svg)).toBeUndefined();
  });

  it('colours security-group warnings red and lists them under the picture', () => {
    const svg = renderSvg(model('seeds-like/alb'));
    expect(svg).toContain('fill="#D13212">SG: all traffic from ALB SG</text>');
    expect(svg).toContain('⚠ ServiceSecurityGroup allows every protocol and port from ALB SG');
    expect(renderSvg(model('examples/public-alb-fargate'))).not.toContain('#D13212');
  });

  it.skipIf(!requireRsvg())('renders to PNG with rsvg-convert', () => {
    const png = svgToPng(renderSvg(model('seeds-like/api-gateway')));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('explains that PNG needs rsvg-convert when it is missing, how to install it, and what the caller offers instead', () => {
    expect(() => svgToPng('<svg/>', { command: 'wharf-no-such-rsvg-convert' })).toThrow(
      /^PNG output needs 'wharf-no-such-rsvg-convert' on PATH \(Debian\/Ubuntu: apt-get install librsvg2-bin; macOS: brew install librsvg\)\.$/,
    );
    expect(() =>
      svgToPng('<svg/>', { command: 'wharf-no-such-rsvg-convert', instead: 'Use .svg instead.' }),
    ).toThrow(/librsvg\)\. Use \.svg instead\.$/);
  });
});

describe('diagram Mermaid', () => {
  it('nests subnets in AZs in the VPC and links the API Gateway chain', () => {
    const text = renderMermaid(model('seeds-like/api-gateway'));
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    const lines = text.split('\n');
    const at = (prefix: string) => lines.findIndex((l) => l.trim().startsWith(prefix));
    expect(at('subgraph vpc["VPC 10.0.0.0/16"]')).toBeGreaterThan(0);
    expect(at('subgraph az_us_east_1a["Availability zone us-east-1a"]')).toBeGreaterThan(at('subgraph vpc['));
    expect(text).toMatch(
      / {6}subgraph subnet_subnet_\w+\["public subnet 10\.0\.0\.0\/18<br\/>PublicSubnetOne"\]/,
    );
    expect(text).toContain('internet -->|"HTTPS"| api_');
    expect(text).toMatch(/api_\w+ -->\|"VPC_LINK integration<br\/>route \$default"\| vpclink_\w+/);
    expect(text).toMatch(/vpclink_\w+ -\.->\|"DiscoverInstances<br\/>SRV records"\| cloudmap_srv_\w+/);
    expect(text).toMatch(
      /vpclink_\w+ -->\|"HTTP :80<br\/>SG: all traffic from VPC link SG"\| tasks_web_subnet_\w+/,
    );
    expect(text).toContain(
      '%% warning: ServiceSecurityGroup allows every protocol and port from VPC link SG',
    );
    expect(text).toMatch(/^ {2}linkStyle \d+,\d+ stroke:#D13212/m);
  });

  it('draws egress from the private tasks to the NAT gateway of their AZ', () => {
    const text = renderMermaid(model('examples/public-alb-fargate'));
    expect(text.match(/tasks_web_subnet_\w+ -\.->\|"egress"\| nat_nat_\w+/g)).toHaveLength(2);
    expect(text).toMatch(/internet -->\|"HTTP :80<br\/>SG: tcp 80 from 0\.0\.0\.0\/0"\| alb_/);
    expect(text).toContain('subgraph az_us_east_1b["Availability zone us-east-1b"]');
  });

  it('escapes quotes and angle brackets in labels', () => {
    const text = renderMermaid({
      title: 't',
      nodes: [{ id: 'a', kind: 'internet', label: 'say "hi" <b>', details: [] }],
      groups: [],
      edges: [],
      notes: [],
    });
    expect(text).toContain('a(["say #quot;hi#quot; #lt;b#gt;"])');
  });
});

describe('diagram formats', () => {
  it('accepts svg, png and mermaid and rejects anything else naming the allowed values', () => {
    expect(DIAGRAM_FORMATS).toEqual(['svg', 'png', 'mermaid']);
    expect(() => parseDiagramFormat('pdf')).toThrow(UsageError);
    expect(() => parseDiagramFormat('pdf')).toThrow(
      "diagram format 'pdf' is not supported; allowed: svg, png, mermaid.",
    );
    expect(renderDiagram(model('seeds-like/alb'), 'mermaid')).toMatch(/^flowchart LR/);
  });

  it('rejects an unknown format before loading anything', async () => {
    await expect(diagram({ template: 'missing.yml', format: 'dot' })).rejects.toThrow(
      /allowed: svg, png, mermaid/,
    );
  });
});
