/**
 * Lazy, memoised evaluation with a cycle guard.
 *
 * Template values reference each other across stacks in both directions (a parent passes child A's
 * output into child B; a resource's `Ref` needs its own name property), so nothing is evaluated
 * in a fixed order: each value is computed the first time it is asked for and remembered. Asking
 * for a value while it is still being computed is a real reference cycle, reported with the chain
 * that led back to it.
 */

import { TemplateError, type TemplateLocation } from '../errors.js';

type Cell = { readonly state: 'pending' } | { readonly state: 'done'; readonly value: unknown };

const PENDING: Cell = { state: 'pending' };

/** A set of lazily computed, memoised values keyed by string, guarding against cycles. */
export class LazyValues {
  private readonly cells = new Map<string, Cell>();
  /** What is being computed right now, outermost first (for the cycle message). */
  private readonly active: { readonly key: string; readonly label: string }[] = [];

  /**
   * Returns the value under `key`, computing it with `compute` the first time.
   *
   * @param label - how to name this value in a cycle message, e.g. `service.yml: Parameters.VpcId`.
   * @param location - where to report a cycle that comes back to this value.
   * @throws {@link TemplateError} `WHARF_REFERENCE_CYCLE` when computing the value needs the value.
   *   An error thrown by `compute` is not remembered: asking again computes again.
   */
  get<T>(key: string, label: string, location: TemplateLocation, compute: () => T): T {
    const cell = this.cells.get(key);
    if (cell?.state === 'done') return cell.value as T;
    if (cell?.state === 'pending') {
      const start = this.active.findIndex((entry) => entry.key === key);
      const chain = [...this.active.slice(start).map((entry) => entry.label), label];
      throw new TemplateError(
        location,
        `values reference each other in a cycle: ${chain.join(' → ')}. CloudFormation rejects this too; break the cycle (for example, move one reference into a separate resource).`,
        { code: 'WHARF_REFERENCE_CYCLE' },
      );
    }
    this.cells.set(key, PENDING);
    this.active.push({ key, label });
    try {
      const value = compute();
      this.cells.set(key, { state: 'done', value });
      return value;
    } catch (error) {
      this.cells.delete(key);
      throw error;
    } finally {
      this.active.pop();
    }
  }
}
