// @ts-check
// The wharf dev dashboard page: one EventSource for the cloud's changes; each part of the page
// in its own module, built with createElement and textContent only; two actions posted back to
// the same origin.

import { loadDiagram, renderChips } from './architecture.js';
import { h, state } from './common.js';
import { closeDetail, renderTaskFacts } from './detail.js';
import { addRequest, renderRate, renderRequests } from './requests.js';
import { renderCloudMap, renderServices } from './services.js';

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
  state.live = next;
  renderServices();
  renderCloudMap();
  renderChips();
  renderRequests();
  if (state.selected?.kind === 'task') renderTaskFacts(state.selected.id);
}

document.getElementById('detail-close')?.addEventListener('click', closeDetail);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') closeDetail();
});
document.getElementById('request-filter')?.addEventListener('input', renderRequests);
document.getElementById('request-filter')?.addEventListener('submit', (event) => event.preventDefault());
loadDiagram();
connect();
