// @ts-check
// The request list: newest first, filtered by status class and path, a row opens the detail.

import { clock, h, short } from './common.js';
import { selectRequest } from './detail.js';

const MAX_ROWS = 300;
/** @type {Map<number, any>} */
const requests = new Map();

/** @param {any} record */
export function addRequest(record) {
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

export function renderRequests() {
  for (const row of /** @type {NodeListOf<HTMLElement>} */ (
    document.querySelectorAll('#request-table tbody tr')
  ))
    row.hidden = !matchesFilter(row);
}

/** @param {any[]} aggregates */
export function renderRate(aggregates) {
  const last = aggregates[aggregates.length - 1];
  const out = /** @type {HTMLElement} */ (document.getElementById('request-rate'));
  if (!last) return;
  out.textContent = `${last.count} req in the second at ${clock(last.second)} (${last.sampled} listed) · mean ${Math.round(last.latencySumMs / Math.max(1, last.count))} ms · max ${Math.round(last.latencyMaxMs)} ms`;
}
