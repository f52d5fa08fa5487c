// @ts-check
// The architecture: the drawing of `wharf diagram`, with a live box per task.

import { allTasks, short, state, stateOf } from './common.js';
import { selectTask } from './detail.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHIP_W = 66;
const CHIP_H = 16;

export async function loadDiagram() {
  const response = await fetch('/api/diagram.svg');
  const text = await response.text();
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg') return;
  const container = /** @type {HTMLElement} */ (document.getElementById('diagram'));
  container.replaceChildren(document.importNode(svg, true));
  renderChips();
}

export function renderChips() {
  const svg = document.querySelector('#diagram svg');
  if (!svg || !state.live) return;
  const tasks = allTasks();
  for (const node of svg.querySelectorAll('g.node[data-kind="tasks"]')) {
    const [, service, ...rest] = (node.getAttribute('data-id') ?? '').split(':');
    const subnet = rest.join(':');
    const box = node.querySelector('rect');
    if (!box) continue;
    for (const old of node.querySelectorAll('.chip')) old.remove();
    for (const detail of node.querySelectorAll('text.detail')) detail.setAttribute('visibility', 'hidden');
    const x = Number(box.getAttribute('x'));
    const y = Number(box.getAttribute('y'));
    const w = Number(box.getAttribute('width'));
    const perRow = Math.max(1, Math.floor((w - 16) / (CHIP_W + 4)));
    const mine = tasks.filter(
      (t) => t.service === service && (t.subnetId ?? 'none') === subnet && t.lastStatus !== 'STOPPED',
    );
    mine.forEach((task, i) => {
      const shown = stateOf(task.taskId);
      const g = document.createElementNS(SVG_NS, 'g');
      g.setAttribute('class', `chip st-${shown}`);
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      g.setAttribute('data-task-id', task.taskId);
      g.setAttribute('data-state', shown);
      g.setAttribute('data-key', `chip-${task.taskId}`);
      g.setAttribute('aria-label', `task ${short(task.taskId)} ${shown}`);
      const cx = x + 12 + (i % perRow) * (CHIP_W + 4);
      const cy = y + 28 + Math.floor(i / perRow) * (CHIP_H + 4);
      const rect = document.createElementNS(SVG_NS, 'rect');
      for (const [k, v] of Object.entries({ x: cx, y: cy, width: CHIP_W, height: CHIP_H, rx: 3 }))
        rect.setAttribute(k, String(v));
      const label = document.createElementNS(SVG_NS, 'text');
      label.setAttribute('x', String(cx + 5));
      label.setAttribute('y', String(cy + 12));
      label.textContent = short(task.taskId);
      const title = document.createElementNS(SVG_NS, 'title');
      title.textContent = `task ${task.taskId}: ${shown}`;
      g.append(title, rect, label);
      g.addEventListener('click', () => selectTask(task.taskId));
      g.addEventListener('keydown', (event) => {
        if (
          /** @type {KeyboardEvent} */ (event).key === 'Enter' ||
          /** @type {KeyboardEvent} */ (event).key === ' '
        ) {
          event.preventDefault();
          selectTask(task.taskId);
        }
      });
      node.append(g);
    });
  }
}
