/**
 * The order in which several root templates of one app are created: every template that exports
 * a value before every template that imports it, as CloudFormation needs (an import resolves when
 * the importing stack is created, so the exporting stack must exist; `docs/reference/aws-behavior-2.md`
 * §13.2). Pure: the evaluator records the imports, this decides the order or finds a cycle.
 */

/** One `Fn::ImportValue` from one root template of the app to another. */
export interface CrossTemplateImport {
  /** Index of the importing template (in the order given). */
  readonly importer: number;
  /** Index of the exporting template. */
  readonly exporter: number;
  /** The export name. */
  readonly name: string;
  /** Where the import is written: file, resource or output, property path. */
  readonly file: string;
  readonly logicalId?: string;
  readonly propertyPath?: string;
}

/** The creation order, or the imports that form a cycle. */
export type ImportOrder =
  | { readonly order: readonly number[] }
  | { readonly cycle: readonly CrossTemplateImport[] };

/**
 * Orders `count` templates so that each comes after every template it imports from, keeping the
 * given order where the imports leave it free. Imports within one template are ignored.
 *
 * @returns `{ order }`, or `{ cycle }`: imports leading from a template back to itself, each the
 *   first import (in the order recorded) between its two templates.
 * @example
 * importOrder(2, [{ importer: 0, exporter: 1, name: 'net:VpcId', file: 'svc.yml' }]) // → { order: [1, 0] }
 */
export function importOrder(count: number, imports: readonly CrossTemplateImport[]): ImportOrder {
  const between = new Map<string, CrossTemplateImport>();
  for (const edge of imports) {
    if (edge.importer === edge.exporter) continue;
    const key = `${edge.importer}>${edge.exporter}`;
    if (!between.has(key)) between.set(key, edge);
  }
  const needs = Array.from({ length: count }, () => new Set<number>());
  for (const edge of between.values()) needs[edge.importer]?.add(edge.exporter);
  const order: number[] = [];
  const placed = new Set<number>();
  while (order.length < count) {
    const next = needs.findIndex(
      (exporters, index) => !placed.has(index) && [...exporters].every((e) => placed.has(e)),
    );
    if (next === -1) return { cycle: findCycle(needs, placed, between) };
    order.push(next);
    placed.add(next);
  }
  return { order };
}

function findCycle(
  needs: readonly Set<number>[],
  placed: ReadonlySet<number>,
  between: ReadonlyMap<string, CrossTemplateImport>,
): CrossTemplateImport[] {
  // Every unplaced template still needs an unplaced one: walk until a template repeats.
  const start = needs.findIndex((_, index) => !placed.has(index));
  const path: number[] = [start];
  let current = start;
  for (;;) {
    const next = [...(needs[current] ?? [])].find((e) => !placed.has(e)) as number;
    const seen = path.indexOf(next);
    if (seen !== -1) {
      const loop = [...path.slice(seen), next];
      return loop.slice(0, -1).map((from, i) => between.get(`${from}>${loop[i + 1]}`) as CrossTemplateImport);
    }
    path.push(next);
    current = next;
  }
}
