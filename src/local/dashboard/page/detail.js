// @ts-check
// The detail panel: a request (access-log record, line, the task's log lines around it) or a task
// (facts, history, its log stream: follow, search).

import { allTasks, clock, h, short, state, stateOf } from './common.js';

/** @type {EventSource | undefined} */
let logStream;

/** @param {string} title */
function openDetail(title) {
  const panel = /** @type {HTMLElement} */ (document.getElementById('detail'));
  panel.hidden = false;
  document.body.classList.add('detail-open');
  /** @type {HTMLElement} */ (document.getElementById('detail-title')).textContent = title;
  logStream?.close();
  logStream = undefined;
  const body = /** @type {HTMLElement} */ (document.getElementById('detail-body'));
  body.replaceChildren();
  return body;
}

/** @param {number} seq */
export async function selectRequest(seq) {
  state.selected = { kind: 'request', id: String(seq) };
  const body = openDetail(`Request ${seq}`);
  const response = await fetch(`/api/requests/${seq}`);
  if (!response.ok) {
    body.append(h('p', { text: await response.text() }));
    return;
  }
  const { request, logs } = await response.json();
  body.append(
    h('h3', { text: 'Access log record' }),
    h(
      'dl',
      { class: 'fields' },
      ...Object.entries(request.fields).flatMap(([k, v]) => [
        h('dt', { text: k }),
        h('dd', { text: v ?? '-' }),
      ]),
    ),
  );
  if (request.line)
    body.append(h('h3', { text: 'Access log line' }), h('pre', { class: 'line', text: request.line }));
  body.append(
    h('h3', {
      text: request.taskId ? `Log lines of task ${short(request.taskId)} around it` : 'No task served it',
    }),
    logList(logs),
  );
  /** @type {HTMLElement} */ (document.getElementById('detail-close')).focus();
}

/** @param {any[]} lines */
function logList(lines) {
  return h('ol', { class: 'log' }, ...lines.map((l) => logLine(l)));
}

/** @param {any} l */
function logLine(l) {
  return h('li', { class: l.stream }, h('time', { text: clock(l.timeMs) }), ` ${l.container} `, l.line);
}

/** @param {string} taskId */
export function selectTask(taskId) {
  state.selected = { kind: 'task', id: taskId };
  const body = openDetail(`Task ${taskId}`);
  const search = h('input', {
    type: 'search',
    id: 'log-search',
    'aria-label': 'Search the log',
    placeholder: 'search',
  });
  const follow = h('input', { type: 'checkbox', id: 'log-follow', checked: true });
  const list = h('ol', { class: 'log', id: 'log-lines', 'aria-live': 'off' });
  body.append(
    h('div', { id: 'task-facts' }),
    h('div', { class: 'filters' }, h('label', {}, 'Search ', search), h('label', {}, follow, ' Follow')),
    h('div', { class: 'scroll log-box' }, list),
  );
  renderTaskFacts(taskId);
  const open = () => {
    logStream?.close();
    const q = /** @type {HTMLInputElement} */ (search).value;
    const follows = /** @type {HTMLInputElement} */ (follow).checked;
    list.replaceChildren();
    if (!follows) {
      fetch(`/api/tasks/${taskId}/logs?q=${encodeURIComponent(q)}`)
        .then((r) => r.json())
        .then((answer) => list.replaceChildren(...answer.lines.map(logLine)));
      return;
    }
    logStream = new EventSource(`/api/tasks/${taskId}/logs?follow=1&q=${encodeURIComponent(q)}`);
    logStream.addEventListener('lines', (event) => {
      const lines = JSON.parse(/** @type {MessageEvent} */ (event).data);
      list.append(...lines.map(logLine));
      while (list.children.length > 2000) list.firstElementChild?.remove();
      const box = list.parentElement;
      if (box) box.scrollTop = box.scrollHeight;
    });
  };
  /** @type {number | undefined} */
  let debounce;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = window.setTimeout(open, 250);
  });
  follow.addEventListener('change', open);
  open();
  /** @type {HTMLElement} */ (document.getElementById('detail-close')).focus();
}

/** @param {string} taskId */
export function renderTaskFacts(taskId) {
  const facts = document.getElementById('task-facts');
  const task = allTasks().find((t) => t.taskId === taskId);
  if (!facts || !task) return;
  const shown = stateOf(taskId);
  const history = (state.live.tasks[taskId]?.transitions ?? []).map(
    (/** @type {any} */ t) => `${clock(t.timeMs)} ${t.state} (${t.lastStatus})`,
  );
  facts.replaceChildren(
    h(
      'dl',
      { class: 'fields', 'data-state': shown },
      h('dt', { text: 'Service' }),
      h('dd', { text: task.service }),
      h('dt', { text: 'State' }),
      h('dd', {}, h('span', { class: `badge st-${shown}`, text: shown })),
      h('dt', { text: 'Last / desired status' }),
      h('dd', { text: `${task.lastStatus} / ${task.desiredStatus}` }),
      h('dt', { text: 'Health' }),
      h('dd', { text: task.healthStatus }),
      h('dt', { text: 'Containers' }),
      h('dd', {
        text: task.containers
          .map(
            (/** @type {any} */ c) =>
              `${c.name}${c.essential ? ' (essential)' : ''}: ${c.healthStatus}${c.exitCode !== undefined && c.exitCode !== null ? `, exit ${c.exitCode}` : ''}${c.reason ? `, ${c.reason}` : ''}`,
          )
          .join('; '),
      }),
      h('dt', { text: 'Stopped reason' }),
      h('dd', { class: 'reason', text: task.stoppedReason ?? '—' }),
      h('dt', { text: 'History' }),
      h(
        'dd',
        {},
        h(
          'ol',
          { class: 'history' },
          ...history.map((/** @type {string} */ line) => h('li', { text: line })),
        ),
      ),
    ),
  );
}

export function closeDetail() {
  logStream?.close();
  logStream = undefined;
  state.selected = undefined;
  /** @type {HTMLElement} */ (document.getElementById('detail')).hidden = true;
  document.body.classList.remove('detail-open');
}
