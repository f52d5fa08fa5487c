/**
 * How target tracking computes a new desired count, and how several policies on one scalable
 * target combine. Pure: no clock, no I/O.
 *
 * Fidelity (docs/reference/aws-behavior-2.md §1.5): the start is the running task count, not
 * the desired count (it "prevents excessive (runaway) scaling"). AWS calls its formula
 * undocumented; the model is proportional, `ceil(running × metric / target)`, which rounds
 * conservatively as documented (up when adding, so fewer tasks are removed when scaling in).
 * From 0 running tasks a scale-out adds the minimum possible (1). With several policies, the
 * service scales out if any policy's AlarmHigh fires and in only if every policy with scale-in
 * enabled is ready to; the largest capacity wins. Clamping to [min, max] is `cooldowns.ts`'s.
 */

/** What one policy proposes in one evaluation. */
export interface PolicyProposal {
  readonly policyName: string;
  /** `out`: its AlarmHigh is in ALARM; `in`: its AlarmLow is; `none`: neither (or no data). */
  readonly direction: 'out' | 'in' | 'none';
  /** The desired count it computes (meaningful for `out` and `in`). */
  readonly capacity: number;
  /** `DisableScaleIn`: it never proposes `in`, and does not hold a scale-in back. */
  readonly disableScaleIn: boolean;
}

/**
 * The desired count one policy computes from the running count and its newest datapoint.
 *
 * @example targetTrackingCapacity(2, 93.1, 50) // 4: ceil(2 × 93.1 / 50)
 * @example targetTrackingCapacity(4, 20, 50) // 2: ceil(4 × 20 / 50)
 * @example targetTrackingCapacity(0, 300, 100) // 1: from zero, the minimum possible step
 */
export function targetTrackingCapacity(running: number, metric: number, targetValue: number): number {
  if (running <= 0) return metric > targetValue ? 1 : 0;
  if (targetValue <= 0) return running;
  // Rounded first so that 2 × 75 / 50 is 3, not 3.0000000000000004 rounded up to 4.
  return Math.ceil(Math.round(((running * metric) / targetValue) * 1e9) / 1e9);
}

/** The combined decision of several policies, before cooldowns and clamping. */
export interface CombinedProposal {
  readonly direction: 'out' | 'in' | 'none';
  readonly capacity: number;
  /** The policy whose capacity won. */
  readonly policyName?: string;
}

/**
 * Combines the policies' proposals: out if any proposes out (the largest capacity), else in if
 * every policy with scale-in enabled proposes in (the largest of their capacities), else none.
 *
 * @example combineProposals([{ policyName: 'cpu', direction: 'in', capacity: 2, disableScaleIn: false }, { policyName: 'mem', direction: 'none', capacity: 4, disableScaleIn: false }]) // { direction: 'none', … }: memory is not ready to scale in
 */
export function combineProposals(proposals: readonly PolicyProposal[]): CombinedProposal {
  const largest = (list: readonly PolicyProposal[]) =>
    list.reduce((best, next) => (next.capacity > best.capacity ? next : best));
  const out = proposals.filter((proposal) => proposal.direction === 'out');
  if (out.length > 0) {
    const winner = largest(out);
    return { direction: 'out', capacity: winner.capacity, policyName: winner.policyName };
  }
  const scaling = proposals.filter((proposal) => !proposal.disableScaleIn);
  if (scaling.length > 0 && scaling.every((proposal) => proposal.direction === 'in')) {
    const winner = largest(scaling);
    return { direction: 'in', capacity: winner.capacity, policyName: winner.policyName };
  }
  return { direction: 'none', capacity: 0 };
}
