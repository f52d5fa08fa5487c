// @ts-check
// Shared by the page's modules: its state and small DOM helpers (text goes in with textContent
// only: nothing the server sends is parsed as HTML).

/**
 * What the page knows: the last status pushed (`live`) and what the detail panel shows.
 * @type {{ live: any, selected: { kind: 'task' | 'request', id: string } | undefined }}
 */
export const state = { live: undefined, selected: undefined };

/**
 * @param {string} tag
 * @param {Record<string, string | number | boolean | undefined>} [attrs]
 * @param {...(Node | string | undefined)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
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
export function clock(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** @param {string} id */
export function short(id) {
  return id.slice(0, 8);
}

/** Re-renders `container` with `build()` and puts the focus back on the element with the same key. */
export function rerender(/** @type {HTMLElement} */ container, /** @type {() => Node[]} */ build) {
  const active = /** @type {HTMLElement | null} */ (document.activeElement);
  const key = active && container.contains(active) ? active.dataset.key : undefined;
  container.replaceChildren(...build());
  if (key)
    /** @type {HTMLElement | null} */ (container.querySelector(`[data-key="${CSS.escape(key)}"]`))?.focus();
}

/** All tasks of the status, each with its service name. */
export function allTasks() {
  if (!state.live) return [];
  return [
    ...state.live.status.services.flatMap((/** @type {any} */ s) =>
      s.tasks.map((/** @type {any} */ t) => ({ ...t, service: s.serviceName })),
    ),
    ...state.live.status.standaloneTasks.map((/** @type {any} */ t) => ({ ...t, service: t.group })),
  ];
}

/** @param {string} taskId */
export function stateOf(taskId) {
  return state.live?.tasks[taskId]?.state ?? 'provisioning';
}
