/**
 * Cheap checks that run before (and right after) a template is parsed, so a hostile document is
 * refused with a limit error instead of exhausting the stack or the heap: nesting depth (scanned
 * from the raw text, before any recursive parser sees it) and YAML alias expansion (measured on
 * the parsed syntax tree, before aliases are turned into values). Pure functions: text or nodes
 * in, numbers out.
 */

import { CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, type Node } from 'yaml';

/** Where a scan stopped: the deepest point found, or the first point past `max`. */
export interface DepthScan {
  /** The depth reached (mappings and lists nested, the top level being 1). */
  readonly depth: number;
  /** Character offset of the first opening past `max`, when there is one. */
  readonly overAt?: number;
}

/**
 * Nesting depth of JSON text, counting `{` and `[` outside strings. Stops at the first opening
 * past `max`. Linear, no recursion; exact for valid JSON.
 *
 * @example
 * jsonDepth('{"a":[1,{"b":2}]}', 100) // → { depth: 3 }
 */
export function jsonDepth(text: string, max: number): DepthScan {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) return { depth, overAt: i };
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth = Math.max(0, depth - 1);
    }
  }
  return { depth: deepest };
}

/**
 * An estimate of the nesting depth of YAML text, from the `yaml` library's lexer (iterative and
 * linear; the composer that builds nodes is recursive). Flow collections (`[`, `{`) are counted
 * exactly; block collections by the columns of their indicators (`- `, `? `, `key:`), since a
 * nested block collection always starts to the right of its parent. Sequences written at their
 * parent key's column count once with it, so the estimate may be up to half the real depth; the
 * parsed value is measured exactly afterwards ({@link valueDepth}). Stops at the first point past
 * `max`.
 */
export function yamlDepthEstimate(text: string, max: number): DepthScan {
  const columns: number[] = []; // columns of the open block collections
  let flow = 0;
  let deepest = 0;
  let offset = 0;
  let column = 0;
  let entryColumn: number | undefined; // column where the current block entry's content starts
  const open = (at: number): number => {
    while (columns.length > 0 && (columns.at(-1) as number) > at) columns.pop();
    if (columns.at(-1) !== at) columns.push(at);
    return columns.length;
  };
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    const start = column;
    const startOffset = offset;
    if (type !== 'doc-mode' && type !== 'flow-error-end' && token !== CST.SCALAR) {
      offset += token.length;
      const newline = token.lastIndexOf('\n');
      column = newline < 0 ? column + token.length : token.length - newline - 1;
    }
    let depth = 0;
    switch (type) {
      case 'flow-map-start':
      case 'flow-seq-start':
        flow++;
        depth = columns.length + flow;
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
        flow = Math.max(0, flow - 1);
        break;
      case 'doc-start':
        columns.length = 0;
        flow = 0;
        entryColumn = undefined;
        break;
      case 'newline':
        entryColumn = undefined;
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
        if (flow === 0) {
          depth = open(start);
          entryColumn = undefined;
        }
        break;
      case 'map-value-ind':
        if (flow === 0) depth = open(entryColumn ?? start);
        break;
      case 'space':
      case 'comment':
      case 'doc-mode':
        break;
      default:
        if (flow === 0 && entryColumn === undefined && token !== CST.SCALAR) entryColumn = start;
    }
    if (depth > max) return { depth, overAt: startOffset };
    if (depth > deepest) deepest = depth;
  }
  return { depth: deepest };
}

/**
 * Exact nesting depth of a parsed value (objects and arrays; the top level is 1), without
 * recursion. Values shared through YAML aliases are walked once per reference, which is bounded
 * because {@link measureAliases} ran first.
 */
export function valueDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    if (depth > deepest) deepest = depth;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** What {@link measureAliases} found. */
export type AliasMeasure =
  | { readonly ok: true; readonly aliases: number; readonly expandedChars: number }
  | {
      readonly ok: false;
      readonly reason: 'aliases' | 'expanded' | 'circular' | 'unresolved';
      /** Offset of the node where the measure stopped. */
      readonly at: number;
      readonly aliases: number;
      readonly expandedChars: number;
    };

class Stop extends Error {
  constructor(
    readonly reason: 'aliases' | 'expanded' | 'circular' | 'unresolved',
    readonly at: number,
  ) {
    super(reason);
  }
}

/**
 * Measures what a parsed YAML document would be with every alias written out: the number of
 * aliases, and the size in characters (each scalar counts its source length, each collection and
 * entry a couple of characters of punctuation). Aliases of an anchor that holds aliases multiply,
 * as they would when unrolled; the measure stops as soon as either bound is passed, so a "billion
 * laughs" costs a few microseconds. An alias of an anchor that contains it (a circular document,
 * which `toJS` would turn into a cyclic object) is reported too.
 *
 * @param root - the document's contents (`doc.contents`).
 * @example
 * measureAliases(parseDocument('a: &x [1, 2]\nb: *x\n').contents, { aliases: 100, expandedChars: 1000 })
 * // → { ok: true, aliases: 1, expandedChars: … }
 */
export function measureAliases(
  root: unknown,
  limits: { readonly aliases: number; readonly expandedChars: number },
): AliasMeasure {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const inProgress = new Set<Node>();
  let aliases = 0;
  let expandedChars = 0;
  const startOf = (node: unknown) => (node as { range?: [number, number, number] }).range?.[0] ?? 0;
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 0;
    if (isAlias(node)) {
      aliases++;
      if (aliases > limits.aliases) throw new Stop('aliases', startOf(node));
      const target = anchors.get(node.source);
      if (!target) throw new Stop('unresolved', startOf(node));
      if (inProgress.has(target)) throw new Stop('circular', startOf(node));
      return sizes.get(target) ?? 0;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) {
      anchors.set(anchor, node as Node);
      inProgress.add(node as Node);
    }
    let total = 2;
    if (isScalar(node)) {
      const range = node.range;
      total = range ? Math.max(1, range[1] - range[0]) : String(node.value).length;
    } else if (isMap(node)) {
      for (const pair of node.items) total += size(pair.key) + size(pair.value) + 2;
    } else if (isSeq(node)) {
      for (const item of node.items)
        total += (isPair(item) ? size(item.key) + size(item.value) : size(item)) + 2;
    }
    if (total > limits.expandedChars) throw new Stop('expanded', startOf(node));
    if (anchor) {
      inProgress.delete(node as Node);
      sizes.set(node as Node, total);
    }
    return total;
  };
  try {
    expandedChars = size(root);
    return { ok: true, aliases, expandedChars };
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return {
      ok: false,
      reason: error.reason,
      at: error.at,
      aliases,
      expandedChars: limits.expandedChars + 1,
    };
  }
}
