/**
 * Renders a {@link DiagramModel} as a Mermaid flowchart (left to right), with the VPC, its
 * availability zones and subnets as nested subgraphs, for Markdown files that render Mermaid.
 */

import type { DiagramEdge, DiagramGroup, DiagramModel, DiagramNode } from './model.js';

/** A Mermaid-safe identifier for a model id. */
export function mermaidId(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, '_');
}

/** Escapes text inside a quoted Mermaid label (quotes and angle brackets as entity codes). */
export function escapeMermaid(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function nodeLine(node: DiagramNode): string {
  const text = [node.label, ...node.details].map(escapeMermaid).join('<br/>');
  const id = mermaidId(node.id);
  if (node.kind === 'internet') return `${id}(["${text}"])`;
  if (node.kind === 'cloud-map') return `${id}[("${text}")]`;
  return `${id}["${text}"]`;
}

function edgeLine(edge: DiagramEdge): string {
  const arrow = edge.kind === 'discovery' || edge.kind === 'egress' ? '-.->' : '-->';
  const label = edge.labels.map(escapeMermaid).join('<br/>');
  return `${mermaidId(edge.from)} ${arrow}${label ? `|"${label}"|` : ''} ${mermaidId(edge.to)}`;
}

/** Renders the model as Mermaid `flowchart LR` text, notes as `%%` comments. */
export function renderMermaid(model: DiagramModel): string {
  const lines = ['flowchart LR', `  %% ${model.title}`];
  const emit = (parent: string | undefined, indent: string) => {
    for (const node of model.nodes.filter((n) => n.group === parent))
      lines.push(`${indent}${nodeLine(node)}`);
    for (const group of model.groups.filter((g) => g.parent === parent)) emitGroup(group, indent);
  };
  const emitGroup = (group: DiagramGroup, indent: string) => {
    const title = group.kind === 'az' ? `Availability zone ${group.label}` : group.label;
    const text = [title, ...group.details].map(escapeMermaid).join('<br/>');
    lines.push(`${indent}subgraph ${mermaidId(group.id)}["${text}"]`);
    emit(group.id, `${indent}  `);
    lines.push(`${indent}end`);
  };
  emit(undefined, '  ');
  for (const edge of model.edges) lines.push(`  ${edgeLine(edge)}`);
  const warned = model.edges.flatMap((e, i) => (e.warning ? [i] : []));
  if (warned.length > 0) lines.push(`  linkStyle ${warned.join(',')} stroke:#D13212,color:#D13212`);
  for (const warning of new Set(model.edges.flatMap((e) => (e.warning ? [e.warning] : []))))
    lines.push(`  %% warning: ${warning}`);
  for (const note of model.notes) lines.push(`  %% note: ${note}`);
  return `${lines.join('\n')}\n`;
}
