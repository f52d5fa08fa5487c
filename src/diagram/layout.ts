/**
 * Places a {@link DiagramModel} on a plane, left to right: the internet, then regional services
 * (API Gateway, Cloud Map), then the VPC box. Inside the VPC an ingress strip (VPC links, load
 * balancers, the internet gateway) faces one band per availability zone; each band holds the AZ's
 * subnets side by side (public first), with the tasks in the top rows and NAT gateways below them,
 * so a request edge runs straight from the ingress to the tasks and crosses no other box.
 *
 * Text sizes are estimated from character counts (no font metrics), generously, so labels fit
 * in any sans-serif font.
 */

import {
  type DiagramEdge,
  type DiagramEdgeKind,
  type DiagramGroup,
  type DiagramModel,
  type DiagramNode,
  INTERNET_NODE_ID,
  VPC_GROUP_ID,
} from './model.js';

/** An axis-aligned rectangle. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A node with its box. */
export interface PlacedNode extends Rect {
  readonly node: DiagramNode;
}

/** A group with its box. */
export interface PlacedGroup extends Rect {
  readonly group: DiagramGroup;
}

/** An edge label: lines centred on `cx`, the first baseline at `y`; `box` is what it covers. */
export interface PlacedLabel {
  readonly cx: number;
  /** Baseline of each line. */
  readonly baselines: readonly number[];
  readonly lines: readonly string[];
  readonly box: Rect;
}

/** An edge as a polyline (two points) with its label. */
export interface PlacedEdge {
  readonly edge: DiagramEdge;
  readonly points: readonly (readonly [number, number])[];
  readonly label?: PlacedLabel;
}

/** Everything the SVG renderer draws, in pixels. */
export interface DiagramLayout {
  readonly width: number;
  readonly height: number;
  readonly title: { readonly x: number; readonly y: number; readonly text: string };
  readonly groups: readonly PlacedGroup[];
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  /** The legend: one sample line per edge kind, at `x`, with its text. */
  readonly legend: readonly {
    readonly kind: DiagramEdgeKind;
    readonly x: number;
    readonly y: number;
    readonly text: string;
  }[];
  /** Notes under the legend: text and baseline. */
  readonly notes: readonly { readonly text: string; readonly y: number; readonly warning: boolean }[];
}

/** What each edge style means, as the legend says it. */
export const EDGE_LEGEND: Record<DiagramEdgeKind, string> = {
  request: 'request (port; security-group rule)',
  integration: 'API Gateway integration',
  discovery: 'Cloud Map lookup',
  egress: 'egress to the internet',
};

/** Font sizes in pixels. */
export const FONT = { title: 16, node: 13, detail: 11, label: 11, group: 12, note: 12 } as const;

/** Estimated width of `text` at `size` px (generous: wide sans-serif fonts fit). */
export function textWidth(text: string, size: number, bold = false): number {
  return Math.ceil([...text].length * size * (bold ? 0.63 : 0.56));
}

const MARGIN = 24;
const NODE_PAD = 10;
const NODE_MIN_W = 170;
const LINE = 14;
const GAP_MIN = 70;
const VPC_PAD = 16;
const VPC_HEADER = 30;
const AZ_PAD = 12;
const AZ_HEADER = 26;
const AZ_GAP = 18;
const SUBNET_PAD = 12;
const SUBNET_HEADER = 40;
const SUBNET_GAP = 22;
const ROW_GAP = 30;
const STACK_GAP = 40;
const LEGEND_H = 24;

function nodeSize(node: DiagramNode): { w: number; h: number } {
  const w = Math.max(
    NODE_MIN_W,
    textWidth(node.label, FONT.node, true) + 2 * NODE_PAD,
    ...node.details.map((d) => textWidth(d, FONT.detail) + 2 * NODE_PAD),
  );
  return { w, h: NODE_PAD + 16 + LINE * node.details.length + NODE_PAD - 2 };
}

function labelSize(lines: readonly string[]): { w: number; h: number } {
  return { w: Math.max(0, ...lines.map((l) => textWidth(l, FONT.label))) + 8, h: lines.length * LINE + 4 };
}

/** Lays the model out; deterministic for a given model. */
export function layoutDiagram(model: DiagramModel): DiagramLayout {
  const size = new Map(model.nodes.map((n) => [n.id, nodeSize(n)]));
  const groupById = new Map(model.groups.map((g) => [g.id, g]));
  const sizeOf = (id: string) => size.get(id) ?? { w: NODE_MIN_W, h: 40 };
  const placed = new Map<string, { x: number; y: number; w: number; h: number }>();

  const inSubnet = (n: DiagramNode) => n.group !== undefined && groupById.get(n.group)?.kind === 'subnet';
  const internet = model.nodes.filter((n) => n.kind === 'internet');
  // Custom domains get a column of their own between the internet and the regional services.
  const domains = model.nodes.filter((n) => n.kind === 'domain');
  const regional = model.nodes.filter(
    (n) => n.group === undefined && n.kind !== 'internet' && n.kind !== 'domain',
  );
  const strip = model.nodes
    .filter((n) => n.group !== undefined && !inSubnet(n))
    .sort((a, b) => Number(a.kind === 'internet-gateway') - Number(b.kind === 'internet-gateway'));
  const ingress = strip.filter((n) => n.kind === 'vpc-link' || n.kind === 'load-balancer');
  const hasVpc = groupById.has(VPC_GROUP_ID);

  // Gaps wide enough for the labels of the edges that cross them.
  const edgeLabelWidth = (test: (e: DiagramEdge) => boolean) =>
    Math.max(0, ...model.edges.filter(test).map((e) => labelSize(e.labels).w));
  const regionalIds = new Set(regional.map((n) => n.id));
  const stripIds = new Set(strip.map((n) => n.id));
  const domainIds = new Set(domains.map((n) => n.id));
  const gap1 = Math.max(GAP_MIN, edgeLabelWidth((e) => e.from === INTERNET_NODE_ID) + 40);
  const gapDomain = Math.max(GAP_MIN, edgeLabelWidth((e) => domainIds.has(e.from)) + 40);
  const gap2 = Math.max(
    GAP_MIN,
    edgeLabelWidth((e) => (regionalIds.has(e.from) || regionalIds.has(e.to)) && e.from !== INTERNET_NODE_ID) +
      40,
  );
  const gap3 = Math.max(GAP_MIN, edgeLabelWidth((e) => stripIds.has(e.from) && !stripIds.has(e.to)) + 40);

  const top = MARGIN + 40;
  let x = MARGIN;
  const internetX = x;
  const internetW = Math.max(0, ...internet.map((n) => sizeOf(n.id).w));
  if (internet.length > 0) x += internetW + gap1;
  const domainX = x;
  const domainW = Math.max(0, ...domains.map((n) => sizeOf(n.id).w));
  if (domains.length > 0) x += domainW + gapDomain;
  const regionalX = x;
  const regionalW = Math.max(0, ...regional.map((n) => sizeOf(n.id).w));
  if (regional.length > 0) x += regionalW + gap2;
  const vpcX = x;
  const stripX = hasVpc ? vpcX + VPC_PAD : vpcX;
  const stripW = Math.max(0, ...strip.map((n) => sizeOf(n.id).w));
  const bandsX = strip.length > 0 ? stripX + stripW + gap3 : stripX;
  const bandsTop = hasVpc ? top + VPC_HEADER + VPC_PAD : top;

  // Subnet columns: public subnets first, aligned across AZs.
  const azs = model.groups.filter((g) => g.kind === 'az');
  const subnetsOf = (az: DiagramGroup) =>
    model.groups.filter((g) => g.kind === 'subnet' && g.parent === az.id);
  const publicCount = Math.max(0, ...azs.map((az) => subnetsOf(az).filter((s) => s.public).length));
  const column = new Map<string, number>();
  for (const az of azs) {
    const subnets = subnetsOf(az);
    subnets
      .filter((s) => s.public)
      .forEach((s, i) => {
        column.set(s.id, i);
      });
    subnets
      .filter((s) => !s.public)
      .forEach((s, i) => {
        column.set(s.id, publicCount + i);
      });
  }
  const columns = Math.max(0, ...[...column.values()].map((c) => c + 1));
  const nodesOf = (subnetId: string) => {
    const list = model.nodes.filter((n) => n.group === subnetId);
    return [
      ...list.filter((n) => n.kind === 'tasks'),
      ...list.filter((n) => n.kind === 'nat-gateway'),
      ...list.filter((n) => n.kind !== 'tasks' && n.kind !== 'nat-gateway'),
    ];
  };
  const colW = Array.from({ length: columns }, () => 0);
  for (const subnet of model.groups.filter((g) => g.kind === 'subnet')) {
    const c = column.get(subnet.id) ?? 0;
    colW[c] = Math.max(
      colW[c] ?? 0,
      NODE_MIN_W,
      textWidth(subnet.label, FONT.group, true),
      ...subnet.details.map((d) => textWidth(d, FONT.detail)),
      ...nodesOf(subnet.id).map((n) => sizeOf(n.id).w),
    );
  }
  const colX: number[] = [];
  let cx = bandsX + AZ_PAD + SUBNET_PAD;
  for (let c = 0; c < columns; c++) {
    colX.push(cx);
    cx += (colW[c] ?? 0) + 2 * SUBNET_PAD + SUBNET_GAP;
  }
  const bandW = Math.max(
    cx - SUBNET_GAP - SUBNET_PAD + AZ_PAD - bandsX,
    ...azs.map((az) => textWidth(az.label, FONT.group, true) + 2 * AZ_PAD),
  );

  const groups: PlacedGroup[] = [];
  let bandY = bandsTop;
  for (const az of azs) {
    const subnets = subnetsOf(az);
    // Rows: tasks first, then NAT gateways, then anything else, aligned across the AZ's subnets.
    const taskRows = Math.max(
      0,
      ...subnets.map((s) => nodesOf(s.id).filter((n) => n.kind === 'tasks').length),
    );
    const natRows = Math.max(
      0,
      ...subnets.map((s) => nodesOf(s.id).filter((n) => n.kind === 'nat-gateway').length),
    );
    const rowOf = new Map<string, number>();
    let rows = taskRows + natRows;
    for (const s of subnets) {
      const list = nodesOf(s.id);
      list
        .filter((n) => n.kind === 'tasks')
        .forEach((n, i) => {
          rowOf.set(n.id, i);
        });
      list
        .filter((n) => n.kind === 'nat-gateway')
        .forEach((n, i) => {
          rowOf.set(n.id, taskRows + i);
        });
      const others = list.filter((n) => n.kind !== 'tasks' && n.kind !== 'nat-gateway');
      others.forEach((n, i) => {
        rowOf.set(n.id, taskRows + natRows + i);
      });
      rows = Math.max(rows, taskRows + natRows + others.length);
    }
    const rowH = Array.from({ length: rows }, () => 0);
    for (const [id, row] of rowOf) rowH[row] = Math.max(rowH[row] ?? 0, sizeOf(id).h);
    const rowY: number[] = [];
    let ry = bandY + AZ_HEADER + SUBNET_HEADER;
    for (let r = 0; r < rows; r++) {
      rowY.push(ry);
      ry += (rowH[r] ?? 0) + ROW_GAP;
    }
    const innerH = rows > 0 ? ry - ROW_GAP - (bandY + AZ_HEADER) + SUBNET_PAD : SUBNET_HEADER + 10;
    for (const s of subnets) {
      const c = column.get(s.id) ?? 0;
      groups.push({
        group: s,
        x: (colX[c] ?? 0) - SUBNET_PAD,
        y: bandY + AZ_HEADER,
        w: (colW[c] ?? 0) + 2 * SUBNET_PAD,
        h: innerH,
      });
      for (const n of nodesOf(s.id)) {
        const row = rowOf.get(n.id) ?? 0;
        const h = sizeOf(n.id).h;
        placed.set(n.id, {
          x: colX[c] ?? 0,
          y: (rowY[row] ?? 0) + ((rowH[row] ?? h) - h) / 2,
          w: colW[c] ?? 0,
          h,
        });
      }
    }
    const bandH = AZ_HEADER + innerH + AZ_PAD;
    groups.push({ group: az, x: bandsX, y: bandY, w: bandW, h: bandH });
    bandY += bandH + AZ_GAP;
  }
  const bandsBottom = azs.length > 0 ? bandY - AZ_GAP : bandsTop;

  // Ingress strip: one ingress node stretches over the rows of the tasks it reaches.
  const targetsOf = (id: string) =>
    model.edges
      .filter((e) => e.from === id && e.kind === 'request')
      .map((e) => placed.get(e.to))
      .filter((r) => r !== undefined);
  let sy = bandsTop;
  const only = ingress.length === 1 ? ingress[0] : undefined;
  const onlyTargets = only ? targetsOf(only.id) : [];
  for (const n of strip) {
    const natural = sizeOf(n.id);
    if (n === only && onlyTargets.length > 0) {
      const y0 = Math.min(...onlyTargets.map((r) => r.y));
      const y1 = Math.max(...onlyTargets.map((r) => r.y + r.h));
      const h = Math.max(natural.h, y1 - y0);
      const y = Math.max(sy, (y0 + y1) / 2 - h / 2);
      placed.set(n.id, { x: stripX, y, w: stripW, h });
      sy = y + h + STACK_GAP;
    } else {
      placed.set(n.id, { x: stripX, y: sy, w: stripW, h: natural.h });
      sy += natural.h + STACK_GAP;
    }
  }
  const stripBottom = strip.length > 0 ? sy - STACK_GAP : bandsTop;

  // Regional column, centred on the ingress it feeds; then the internet, centred on its targets.
  const centerOf = (ids: readonly string[]): number | undefined => {
    const rects = ids.map((id) => placed.get(id)).filter((r) => r !== undefined);
    if (rects.length === 0) return undefined;
    return (Math.min(...rects.map((r) => r.y)) + Math.max(...rects.map((r) => r.y + r.h))) / 2;
  };
  const regionalH = regional.reduce((sum, n) => sum + sizeOf(n.id).h, 0) + STACK_GAP * (regional.length - 1);
  const regionalCenter =
    centerOf(model.edges.filter((e) => regionalIds.has(e.from) && !regionalIds.has(e.to)).map((e) => e.to)) ??
    bandsTop + regionalH / 2;
  let ry = Math.max(top, regionalCenter - regionalH / 2);
  for (const n of [...regional].sort(
    (a, b) => Number(a.kind === 'cloud-map') - Number(b.kind === 'cloud-map'),
  )) {
    const s = sizeOf(n.id);
    placed.set(n.id, { x: regionalX, y: ry, w: regionalW, h: s.h });
    ry += s.h + STACK_GAP;
  }
  // Each domain centred on the ingress it fronts, below the one before it.
  let dy = top;
  for (const n of domains) {
    const s = sizeOf(n.id);
    const center = centerOf(model.edges.filter((e) => e.from === n.id).map((e) => e.to)) ?? dy + s.h / 2;
    const y = Math.max(dy, center - s.h / 2);
    placed.set(n.id, { x: domainX, y, w: domainW, h: s.h });
    dy = y + s.h + STACK_GAP;
  }
  for (const n of internet) {
    const s = sizeOf(n.id);
    const center = centerOf(model.edges.filter((e) => e.from === n.id).map((e) => e.to)) ?? top + s.h / 2;
    placed.set(n.id, { x: internetX, y: Math.max(top, center - s.h / 2), w: internetW, h: s.h });
  }

  // The VPC box around the strip and the bands.
  const contentBottom = Math.max(bandsBottom, stripBottom);
  if (hasVpc) {
    const vpc = groupById.get(VPC_GROUP_ID) as DiagramGroup;
    const right = Math.max(
      azs.length > 0 ? bandsX + bandW : stripX + stripW,
      vpcX + textWidth(vpc.label, FONT.group, true) + 2 * VPC_PAD,
    );
    groups.unshift({
      group: vpc,
      x: vpcX,
      y: top,
      w: right + VPC_PAD - vpcX,
      h: contentBottom + VPC_PAD - top,
    });
  }

  const nodes: PlacedNode[] = model.nodes
    .filter((n) => placed.has(n.id))
    .map((n) => ({ node: n, ...(placed.get(n.id) as Rect) }));
  const detours = { count: 0 };
  const edges = model.edges
    .map((edge) => routeEdge(edge, placed, { gap3Left: stripX + stripW, gap3Right: bandsX }, detours))
    .filter((e) => e !== undefined);

  let bottom = Math.max(
    contentBottom + (hasVpc ? VPC_PAD : 0),
    ...nodes.map((n) => n.y + n.h),
    ...edges.map((e) => (e.label ? e.label.box.y + e.label.box.h : 0)),
  );
  const legendY = bottom + 32;
  let legendX = MARGIN;
  const legend = (Object.keys(EDGE_LEGEND) as DiagramEdgeKind[])
    .filter((kind) => model.edges.some((e) => e.kind === kind))
    .map((kind) => {
      const item = { kind, x: legendX, y: legendY, text: EDGE_LEGEND[kind] };
      legendX += 44 + textWidth(item.text, FONT.note) + 24;
      return item;
    });
  bottom = legend.length > 0 ? legendY + LEGEND_H : bottom + 16;
  const warnings = [...new Set(model.edges.flatMap((e) => (e.warning ? [e.warning] : [])))];
  const notes = [
    ...warnings.map((text) => ({ text: `⚠ ${text}`, warning: true })),
    ...model.notes.map((text) => ({ text, warning: false })),
  ].map((note, i) => ({ ...note, y: bottom + 18 + i * 18 }));
  if (notes.length > 0) bottom += 8 + notes.length * 18;

  const right = Math.max(
    ...groups.map((g) => g.x + g.w),
    ...nodes.map((n) => n.x + n.w),
    ...edges.map((e) => (e.label ? e.label.box.x + e.label.box.w : 0)),
    MARGIN + textWidth(model.title, FONT.title, true),
    ...notes.map((n) => MARGIN + textWidth(n.text, FONT.note)),
    legendX,
  );
  return {
    width: Math.ceil(right + MARGIN),
    height: Math.ceil(bottom + MARGIN),
    title: { x: MARGIN, y: MARGIN + 18, text: model.title },
    groups,
    nodes,
    edges,
    legend,
    notes,
  };
}

/** Draws an edge: horizontal where the two boxes share a band of height, else centre to centre of the facing sides. */
function routeEdge(
  edge: DiagramEdge,
  placed: ReadonlyMap<string, Rect>,
  gap3: { gap3Left: number; gap3Right: number },
  detours: { count: number },
): PlacedEdge | undefined {
  const a = placed.get(edge.from);
  const b = placed.get(edge.to);
  if (!a || !b) return undefined;
  const rightward = b.x >= a.x + a.w;
  const leftward = a.x >= b.x + b.w;
  let points: [number, number][];
  if (rightward || leftward) {
    const [left, right] = rightward ? [a, b] : [b, a];
    const overlapTop = Math.max(a.y, b.y) + 8;
    const overlapBottom = Math.min(a.y + a.h, b.y + b.h) - 8;
    const x1 = left.x + left.w;
    const x2 = right.x;
    if (overlapTop <= overlapBottom) {
      const small = a.h <= b.h ? a : b;
      const y = Math.min(overlapBottom, Math.max(overlapTop, small.y + small.h / 2));
      points = [
        [x1, y],
        [x2, y],
      ];
    } else {
      // Leave through the top or bottom of the source, near the side facing the target.
      const below = b.y > a.y;
      const sx = rightward ? a.x + a.w - 24 : a.x + 24;
      points = [
        [sx, below ? a.y + a.h : a.y],
        [rightward ? b.x : b.x + b.w, b.y + b.h / 2],
      ];
      return withLabel(edge, points, gap3);
    }
    if (leftward) points.reverse();
  } else if (edge.kind === 'request') {
    // Task to task in one column (a caller to a private service): around the right side, so
    // the line and its label cross none of the boxes stacked between them.
    return sideRoute(edge, a, b, detours.count++);
  } else {
    const [upper, lower] = a.y <= b.y ? [a, b] : [b, a];
    points = [
      [upper.x + upper.w / 2, upper.y + upper.h],
      [lower.x + lower.w / 2, lower.y],
    ];
    if (upper !== a) points.reverse();
  }
  return withLabel(edge, points, gap3);
}

/** Spacing of side routes: the `index`-th runs this much further right than the first. */
const SIDE_STEP = 10;

/** A request between two stacked boxes: out of the right side of one, down, into the other. */
function sideRoute(edge: DiagramEdge, a: Rect, b: Rect, index: number): PlacedEdge {
  const xr = Math.max(a.x + a.w, b.x + b.w) + 14 + index * SIDE_STEP;
  const [ya, yb] = [a.y + a.h / 2 + 6, b.y + b.h / 2 - 6];
  const points: [number, number][] = [
    [a.x + a.w, ya],
    [xr, ya],
    [xr, yb],
    [b.x + b.w, yb],
  ];
  if (edge.labels.length === 0) return { edge, points };
  const size = labelSize(edge.labels);
  const first = (ya + yb) / 2 - size.h / 2 + 11;
  return labelled(
    edge,
    points,
    xr + 6 + size.w / 2,
    edge.labels.map((_, i) => first + i * LINE),
  );
}

/** The edge with its label lines centred on `cx` at `baselines`, and the box behind them. */
function labelled(
  edge: DiagramEdge,
  points: [number, number][],
  cx: number,
  baselines: number[],
): PlacedEdge {
  const size = labelSize(edge.labels);
  const boxTop = Math.min(...baselines) - 11;
  const boxBottom = Math.max(...baselines) + 4;
  return {
    edge,
    points,
    label: {
      cx,
      baselines,
      lines: edge.labels,
      box: { x: cx - size.w / 2, y: boxTop, w: size.w, h: boxBottom - boxTop },
    },
  };
}

function withLabel(
  edge: DiagramEdge,
  points: [number, number][],
  gap3: { gap3Left: number; gap3Right: number },
): PlacedEdge {
  if (edge.labels.length === 0) return { edge, points };
  const [p, q] = points as [[number, number], [number, number]];
  const size = labelSize(edge.labels);
  const horizontal = p[1] === q[1];
  let cx = (p[0] + q[0]) / 2;
  const minX = Math.min(p[0], q[0]);
  const maxX = Math.max(p[0], q[0]);
  // Edges from the ingress strip into the AZ bands: label in the free gap before the bands.
  if (horizontal && minX <= gap3.gap3Left + 1 && maxX > gap3.gap3Right)
    cx = (gap3.gap3Left + gap3.gap3Right) / 2;
  const my = horizontal ? p[1] : (p[1] + q[1]) / 2;
  let baselines: number[];
  if (horizontal && edge.labels.length === 2) {
    // One line above the edge, one below it.
    baselines = [my - 5, my + 13];
  } else if (horizontal) {
    baselines = edge.labels.map((_, i) => my - 5 - (edge.labels.length - 1 - i) * LINE);
  } else {
    const first = my - size.h / 2 + 11;
    baselines = edge.labels.map((_, i) => first + i * LINE);
  }
  return labelled(edge, points, cx, baselines);
}

/** True when two rectangles share any area. */
export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
