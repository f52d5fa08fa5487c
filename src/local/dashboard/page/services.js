// @ts-check
// Services (counts, deployments, tasks, events, the two actions) and Cloud Map instances.

import { clock, h, rerender, short, state, stateOf } from './common.js';
import { selectTask } from './detail.js';

export function renderServices() {
  const container = /** @type {HTMLElement} */ (document.getElementById('service-list'));
  rerender(container, () => state.live.status.services.map((/** @type {any} */ s) => serviceCard(s)));
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
  const shown = stateOf(task.taskId);
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
  const history = (state.live.tasks[task.taskId]?.transitions ?? []).map((/** @type {any} */ t) => t.state);
  return h(
    'tr',
    { 'data-task-id': task.taskId, 'data-state': shown },
    h('td', {}, open),
    h('td', {}, h('span', { class: `badge st-${shown}`, text: shown })),
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

export function renderCloudMap() {
  const container = /** @type {HTMLElement} */ (document.getElementById('cloud-map-list'));
  rerender(container, () =>
    state.live.status.cloudMap.map((/** @type {any} */ service) =>
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
