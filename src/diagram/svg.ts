/**
 * Renders a {@link DiagramModel} as a standalone SVG (no scripts, no external fonts or images),
 * in AWS architecture-diagram colours: green VPC, dashed blue availability zones, green public and
 * teal private subnets, orange Fargate tasks, purple networking, pink API Gateway and Cloud Map.
 */

import { type DiagramLayout, FONT, layoutDiagram, type PlacedGroup, type PlacedNode } from './layout.js';
import type { DiagramEdgeKind, DiagramModel, DiagramNodeKind } from './model.js';

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const NODE_COLORS: Record<DiagramNodeKind, { stroke: string; fill: string }> = {
  internet: { stroke: '#545B64', fill: '#F2F3F3' },
  domain: { stroke: '#8C4FFF', fill: '#FFFFFF' },
  'http-api': { stroke: '#E7157B', fill: '#FDEDF5' },
  'cloud-map': { stroke: '#C925D1', fill: '#FAEEFB' },
  'vpc-link': { stroke: '#8C4FFF', fill: '#F3EEFF' },
  'load-balancer': { stroke: '#8C4FFF', fill: '#F3EEFF' },
  'nat-gateway': { stroke: '#8C4FFF', fill: '#FFFFFF' },
  'internet-gateway': { stroke: '#8C4FFF', fill: '#FFFFFF' },
  tasks: { stroke: '#ED7100', fill: '#FFF3E6' },
};

const EDGE_STYLES: Record<DiagramEdgeKind, { color: string; dash?: string }> = {
  request: { color: '#232F3E' },
  integration: { color: '#E7157B' },
  discovery: { color: '#C925D1', dash: '6 4' },
  egress: { color: '#7D8998', dash: '3 3' },
};

const WARNING = '#D13212';
const FONT_FAMILY = "'Helvetica Neue', Helvetica, Arial, 'DejaVu Sans', sans-serif";

function text(x: number, y: number, content: string, attrs: string): string {
  return `<text x="${round(x)}" y="${round(y)}" ${attrs}>${escapeXml(content)}</text>`;
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function renderGroup({ group, x, y, w, h }: PlacedGroup): string {
  const box = (stroke: string, fill: string, extra = '') =>
    `<rect x="${round(x)}" y="${round(y)}" width="${round(w)}" height="${round(h)}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="1.5"${extra}/>`;
  if (group.kind === 'vpc') {
    return [
      box('#248814', '#FFFFFF'),
      text(x + 12, y + 20, group.label, `class="group" fill="#248814"`),
      ...group.details.map((d, i) =>
        text(x + 20 + (group.label.length + i) * 8, y + 20, d, `class="detail" fill="#248814"`),
      ),
    ].join('\n');
  }
  if (group.kind === 'az') {
    return [
      box('#147EBA', 'none', ' stroke-dasharray="8 5"'),
      text(x + 12, y + 18, `Availability zone ${group.label}`, `class="group" fill="#147EBA"`),
    ].join('\n');
  }
  const [stroke, fill] = group.public ? ['#7AA116', '#F2F6E8'] : ['#00A4A6', '#E6F6F7'];
  return [
    box(stroke, fill),
    text(x + 10, y + 17, group.label, `class="group" fill="${group.public ? '#3F6B0A' : '#007A7C'}"`),
    ...group.details.map((d, i) => text(x + 10, y + 31 + i * 13, d, `class="detail" fill="#545B64"`)),
  ].join('\n');
}

function renderNode({ node, x, y, w, h }: PlacedNode): string {
  const colors = NODE_COLORS[node.kind];
  const rx = node.kind === 'internet' ? Math.min(h / 2, 24) : 6;
  return [
    `<g class="node" data-id="${escapeXml(node.id)}" data-kind="${node.kind}">`,
    `<rect x="${round(x)}" y="${round(y)}" width="${round(w)}" height="${round(h)}" rx="${round(rx)}" fill="${colors.fill}" stroke="${colors.stroke}" stroke-width="2"/>`,
    `<rect x="${round(x)}" y="${round(y + 6)}" width="4" height="${round(h - 12)}" fill="${colors.stroke}"/>`,
    text(x + 12, y + 21, node.label, `class="label"`),
    ...node.details.map((d, i) => text(x + 12, y + 37 + i * 14, d, `class="detail" fill="#414D5C"`)),
    '</g>',
  ].join('\n');
}

function renderLayout(layout: DiagramLayout): string {
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="${escapeXml(FONT_FAMILY)}" role="img" aria-label="${escapeXml(layout.title.text)}">`,
  );
  out.push(`<title>${escapeXml(layout.title.text)}</title>`);
  out.push(
    '<style>',
    `.title{font-size:${FONT.title}px;font-weight:bold;fill:#232F3E}`,
    `.group{font-size:${FONT.group}px;font-weight:bold}`,
    `.label{font-size:${FONT.node}px;font-weight:bold;fill:#232F3E}`,
    `.detail{font-size:${FONT.detail}px}`,
    `.edge-label{font-size:${FONT.label}px}`,
    `.note{font-size:${FONT.note}px}`,
    '</style>',
  );
  out.push('<defs>');
  for (const [kind, style] of Object.entries(EDGE_STYLES)) {
    out.push(
      `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${style.color}"/></marker>`,
    );
  }
  out.push('</defs>');
  out.push(`<rect width="100%" height="100%" fill="#FFFFFF"/>`);
  out.push(text(layout.title.x, layout.title.y, layout.title.text, 'class="title"'));
  for (const group of layout.groups) out.push(renderGroup(group));
  for (const { edge, points } of layout.edges) {
    const style = EDGE_STYLES[edge.kind];
    const d = points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${round(px)},${round(py)}`).join(' ');
    out.push(
      `<path class="edge" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}" d="${d}" fill="none" stroke="${style.color}" stroke-width="1.6"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} marker-end="url(#arrow-${edge.kind})"/>`,
    );
  }
  for (const node of layout.nodes) out.push(renderNode(node));
  // Labels last, on a white ground, so no line runs through their text.
  for (const { edge, label } of layout.edges) {
    if (!label) continue;
    label.lines.forEach((line, i) => {
      const baseline = label.baselines[i] ?? 0;
      const w = label.box.w;
      out.push(
        `<rect x="${round(label.cx - w / 2)}" y="${round(baseline - 11)}" width="${round(w)}" height="14" fill="#FFFFFF" fill-opacity="0.9"/>`,
        text(
          label.cx,
          baseline,
          line,
          `class="edge-label" text-anchor="middle" fill="${edge.warning && line.startsWith('SG:') ? WARNING : '#232F3E'}"`,
        ),
      );
    });
  }
  // Legend.
  for (const item of layout.legend) {
    const style = EDGE_STYLES[item.kind];
    const ly = item.y + 12;
    out.push(
      `<path d="M${item.x},${ly} L${item.x + 34},${ly}" stroke="${style.color}" stroke-width="1.6"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} marker-end="url(#arrow-${item.kind})"/>`,
      text(item.x + 44, ly + 4, item.text, 'class="note" fill="#414D5C"'),
    );
  }
  for (const note of layout.notes) {
    out.push(
      text(layout.title.x, note.y, note.text, `class="note" fill="${note.warning ? WARNING : '#414D5C'}"`),
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Renders the model as an SVG document. */
export function renderSvg(model: DiagramModel): string {
  return renderLayout(layoutDiagram(model));
}
