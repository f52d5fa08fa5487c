// @ts-check
// The wharf dev dashboard page: one EventSource for the cloud's changes, DOM built with
// createElement and textContent only (nothing the server sends is parsed as HTML), and two
// actions posted back to the same origin.

const SVG_NS = 'http://www.w3.org/2000/svg';
const MAX_ROWS = 300;
const CHIP_W = 66;
const CHIP_H = 16;

/** @type {any} */
let live;
/** @type {Map<number, any>} */
const requests = new Map();
/** @type {{ kind: 'task' | 'request', id: string } | undefined} */
let selected;
/** @type {EventSource | undefined} */
let logStream;

/**
 * @param {string} tag
 * @param {Record<string, string | number | boolean | undefined>} [attrs]
 * @param {...(Node | string | undefined)} children
 * @returns {HTMLElement}
 */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') el.textContent = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined) el.append(child);
  return el;
}

/** @param {number | undefined} ms */
function clock(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** @param {string} id */
function short(id) {
  return id.slice(0, 8);
}

/** Re-renders `container` with `build()` and puts the focus back on the element with the same key. */
function rerender(/** @type {HTMLElement} */ container, /** @type {() => Node[]} */ build) {
  const active = /** @type {HTMLElement | null} */ (document.activeElement);
  const key = active && container.contains(active) ? active.dataset.key : undefined;
  container.replaceChildren(...build());
  if (key)
    /** @type {HTMLElement | null} */ (container.querySelector(`[data-key="${CSS.escape(key)}"]`))?.focus();
}

// ---- connection ----------------------------------------------------------------------------

function connect() {
  const status = /** @type {HTMLElement} */ (document.getElementById('connection'));
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => {
    status.dataset.state = 'live';
    status.textContent = 'live';
  });
  events.addEventListener('error', () => {
    status.dataset.state = 'reconnecting';
    status.textContent = 'reconnecting…';
  });
  events.addEventListener('snapshot', (event) => {
    const snapshot = JSON.parse(/** @type {MessageEvent} */ (event).data);
    renderHeader(snapshot);
    for (const record of snapshot.requests) addRequest(record);
    renderRate(snapshot.aggregates);
    applyStatus(snapshot.live);
  });
  events.addEventListener('status', (event) =>
    applyStatus(JSON.parse(/** @type {MessageEvent} */ (event).data)),
  );
  events.addEventListener('requests', (event) => {
    const batch = JSON.parse(/** @type {MessageEvent} */ (event).data);
    for (const record of batch.records) addRequest(record);
    renderRate(batch.aggregates);
  });
}

/** @param {any} snapshot */
function renderHeader(snapshot) {
  /** @type {HTMLElement} */ (document.getElementById('run')).textContent =
    `· local cloud ${snapshot.runId} · runtime ${snapshot.runtime.name}`;
  const list = /** @type {HTMLElement} */ (document.getElementById('endpoints'));
  list.replaceChildren(
    ...snapshot.endpoints.map((/** @type {any} */ e) =>
      h(
        'li',
        {},
        `${e.kind === 'cloud-map' ? 'Cloud Map API' : `${e.kind} ${e.name}`}: `,
        h('a', { href: e.url, text: e.url }),
      ),
    ),
  );
}

/** @param {any} next */
function applyStatus(next) {
  live = next;
  renderServices();
  renderCloudMap();
  renderChips();
  renderRequests();
  if (selected?.kind === 'task') renderTaskFacts(selected.id);
}

// ---- architecture --------------------------------------------------------------------------

async function loadDiagram() {
  const response = await fetch('/api/diagram.svg');
  const text = await response.text();
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg') return;
  const container = /** @type {HTMLElement} */ (document.getElementById('diagram'));
  container.replaceChildren(document.importNode(svg, true));
  renderChips();
}

/** All tasks of the status, each with its service name. */
function allTasks() {
  if (!live) return [];
  return [
    ...live.status.services.flatMap((/** @type {any} */ s) =>
      s.tasks.map((/** @type {any} */ t) => ({ ...t, service: s.serviceName })),
    ),
    ...live.status.standaloneTasks.map((/** @type {any} */ t) => ({ ...t, service: t.group })),
  ];
}

/** @param {string} taskId */
function stateOf(taskId) {
  return live?.tasks[taskId]?.state ?? 'provisioning';
}

function renderChips() {
  const svg = document.querySelector('#diagram svg');
  if (!svg || !live) return;
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
      const state = stateOf(task.taskId);
      const g = document.createElementNS(SVG_NS, 'g');
      g.setAttribute('class', `chip st-${state}`);
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      g.setAttribute('data-task-id', task.taskId);
      g.setAttribute('data-state', state);
      g.setAttribute('data-key', `chip-${task.taskId}`);
      g.setAttribute('aria-label', `task ${short(task.taskId)} ${state}`);
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
      title.textContent = `task ${task.taskId}: ${state}`;
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

// ---- services ------------------------------------------------------------------------------

function renderServices() {
  const container = /** @type {HTMLElement} */ (document.getElementById('service-list'));
  rerender(container, () => live.status.services.map((/** @type {any} */ s) => serviceCard(s)));
}

/** @param {any} service */
function serviceCard(service) {
  const deploy = h('button', {
    type: 'button',
    'data-key': `deploy-${service.serviceName}`,
    text: 'Force new deployment',
  });
  deploy.addEventListener('click', () =>
    act(`/api/services/${encodeURIComponent(service.serviceName)}/force-new-deployment`, {}),
  );
  const deployments = h(
    'table',
    { class: 'deployments' },
    h('caption', { text: 'Deployments' }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Status', 'Task definition', 'Desired', 'Running', 'Pending', 'Failed', 'Rollout'].map((t) =>
          h('th', { text: t }),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...service.deployments.map((/** @type {any} */ d) =>
        h(
          'tr',
          { 'data-rollout': d.rolloutState },
          h('td', { text: d.status }),
          h('td', { text: d.taskDefinition.split('/').pop() }),
          h('td', { text: d.desiredCount }),
          h('td', { text: d.runningCount }),
          h('td', { text: d.pendingCount }),
          h('td', { text: d.failedTasks }),
          h('td', { text: `${d.rolloutState}${d.rolloutStateReason ? `: ${d.rolloutStateReason}` : ''}` }),
        ),
      ),
    ),
  );
  const tasks = h(
    'table',
    { class: 'tasks' },
    h('caption', { text: 'Tasks' }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[
          'Task',
          'State',
          'Last status',
          'Health',
          'Address',
          'Containers',
          'History',
          'Stopped reason',
          '',
        ].map((t) => h('th', { text: t })),
      ),
    ),
    h('tbody', {}, ...service.tasks.map((/** @type {any} */ t) => taskRow(t))),
  );
  const events = h(
    'ol',
    { class: 'events', 'aria-label': `Events of ${service.serviceName}` },
    ...service.events
      .slice(0, 30)
      .map((/** @type {any} */ e) => h('li', {}, h('time', { text: clock(e.createdAt) }), ' ', e.message)),
  );
  return h(
    'article',
    { class: 'service', 'data-service': service.serviceName },
    h(
      'div',
      { class: 'service-head' },
      h('h3', { text: service.serviceName }),
      h('p', {
        class: 'counts',
        text: `desired ${service.desiredCount} · running ${service.runningCount} · pending ${service.pendingCount}`,
      }),
      deploy,
    ),
    deployments,
    tasks,
    h('h4', { text: 'Events (newest first)' }),
    events,
  );
}

/** @param {any} task */
function taskRow(task) {
  const state = stateOf(task.taskId);
  const open = h('button', {
    type: 'button',
    class: 'link',
    'data-key': `task-${task.taskId}`,
    text: short(task.taskId),
    title: task.taskId,
  });
  open.addEventListener('click', () => selectTask(task.taskId));
  const stop = h('button', {
    type: 'button',
    'data-key': `stop-${task.taskId}`,
    text: 'Stop',
    disabled: task.desiredStatus === 'STOPPED',
  });
  stop.addEventListener('click', () => act(`/api/tasks/${task.taskId}/stop`, {}));
  const history = (live.tasks[task.taskId]?.transitions ?? []).map((/** @type {any} */ t) => t.state);
  return h(
    'tr',
    { 'data-task-id': task.taskId, 'data-state': state },
    h('td', {}, open),
    h('td', {}, h('span', { class: `badge st-${state}`, text: state })),
    h('td', { text: task.lastStatus }),
    h('td', { text: task.healthStatus }),
    h('td', { text: task.privateIp ?? '' }),
    h('td', {
      text: task.containers
        .map((/** @type {any} */ c) => `${c.name}: ${c.healthStatus ?? 'UNKNOWN'}`)
        .join(', '),
    }),
    h('td', {
      class: 'history',
      text: history
        .filter((/** @type {string} */ s, /** @type {number} */ i) => s !== history[i - 1])
        .join(' → '),
    }),
    h('td', { class: 'reason', text: task.stoppedReason ?? '' }),
    h('td', {}, stop),
  );
}

/** @param {string} url @param {unknown} body */
async function act(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({ message: `HTTP ${response.status}` }));
  const status = /** @type {HTMLElement} */ (document.getElementById('action-status'));
  status.dataset.ok = String(response.ok);
  status.textContent = answer.message;
}

// ---- Cloud Map -----------------------------------------------------------------------------

function renderCloudMap() {
  const container = /** @type {HTMLElement} */ (document.getElementById('cloud-map-list'));
  rerender(container, () =>
    live.status.cloudMap.map((/** @type {any} */ service) =>
      h(
        'table',
        { class: 'instances' },
        h('caption', { text: service.name }),
        h('thead', {}, h('tr', {}, ...['Instance', 'Health', 'Attributes'].map((t) => h('th', { text: t })))),
        h(
          'tbody',
          {},
          ...service.instances.map((/** @type {any} */ i) =>
            h(
              'tr',
              { 'data-instance-id': i.instanceId },
              h('td', { text: i.instanceId }),
              h('td', { text: i.health }),
              h(
                'td',
                {},
                h(
                  'ul',
                  { class: 'attributes' },
                  ...Object.entries(i.attributes).map(([k, v]) => h('li', { text: `${k}=${v}` })),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

// ---- requests ------------------------------------------------------------------------------

/** @param {any} record */
function addRequest(record) {
  if (requests.has(record.seq)) return;
  requests.set(record.seq, record);
  if (requests.size > MAX_ROWS) requests.delete(/** @type {number} */ (requests.keys().next().value));
  const body = /** @type {HTMLElement} */ (document.querySelector('#request-table tbody'));
  const row = h(
    'tr',
    {
      tabindex: 0,
      'data-seq': record.seq,
      'data-class': statusClass(record.status),
      'data-path': record.path,
    },
    h('td', { text: clock(record.timeMs) }),
    h('td', { text: record.method }),
    h('td', { text: record.path }),
    h('td', { class: `status c${statusClass(record.status)}`, text: record.status || '–' }),
    h('td', { text: `${Math.round(record.latencyMs)} ms` }),
    h('td', { text: record.taskId ? `${record.service}/${short(record.taskId)}` : '' }),
    h('td', { text: record.requestId ?? '' }),
  );
  row.addEventListener('click', () => selectRequest(record.seq));
  row.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') selectRequest(record.seq);
  });
  row.hidden = !matchesFilter(row);
  body.prepend(row);
  while (body.children.length > MAX_ROWS) body.lastElementChild?.remove();
}

/** @param {number} status */
function statusClass(status) {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : '0';
}

/** @param {HTMLElement} row */
function matchesFilter(row) {
  const wanted = /** @type {HTMLSelectElement} */ (document.getElementById('filter-status')).value;
  const path = /** @type {HTMLInputElement} */ (document.getElementById('filter-path')).value;
  return (!wanted || row.dataset.class === wanted) && (!path || (row.dataset.path ?? '').includes(path));
}

function renderRequests() {
  for (const row of /** @type {NodeListOf<HTMLElement>} */ (
    document.querySelectorAll('#request-table tbody tr')
  ))
    row.hidden = !matchesFilter(row);
}

/** @param {any[]} aggregates */
function renderRate(aggregates) {
  const last = aggregates[aggregates.length - 1];
  const out = /** @type {HTMLElement} */ (document.getElementById('request-rate'));
  if (!last) return;
  out.textContent = `${last.count} req in the second at ${clock(last.second)} (${last.sampled} listed) · mean ${Math.round(last.latencySumMs / Math.max(1, last.count))} ms · max ${Math.round(last.latencyMaxMs)} ms`;
}

// ---- detail panel --------------------------------------------------------------------------

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
async function selectRequest(seq) {
  selected = { kind: 'request', id: String(seq) };
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
function selectTask(taskId) {
  selected = { kind: 'task', id: taskId };
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
function renderTaskFacts(taskId) {
  const facts = document.getElementById('task-facts');
  const task = allTasks().find((t) => t.taskId === taskId);
  if (!facts || !task) return;
  const state = stateOf(taskId);
  const history = (live.tasks[taskId]?.transitions ?? []).map(
    (/** @type {any} */ t) => `${clock(t.timeMs)} ${t.state} (${t.lastStatus})`,
  );
  facts.replaceChildren(
    h(
      'dl',
      { class: 'fields', 'data-state': state },
      h('dt', { text: 'Service' }),
      h('dd', { text: task.service }),
      h('dt', { text: 'State' }),
      h('dd', {}, h('span', { class: `badge st-${state}`, text: state })),
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

function closeDetail() {
  logStream?.close();
  logStream = undefined;
  selected = undefined;
  /** @type {HTMLElement} */ (document.getElementById('detail')).hidden = true;
  document.body.classList.remove('detail-open');
}

// ---- start ---------------------------------------------------------------------------------

document.getElementById('detail-close')?.addEventListener('click', closeDetail);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') closeDetail();
});
document.getElementById('request-filter')?.addEventListener('input', renderRequests);
document.getElementById('request-filter')?.addEventListener('submit', (event) => event.preventDefault());
loadDiagram();
connect();
