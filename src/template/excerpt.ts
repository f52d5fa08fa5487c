/**
 * How errors quote what a template holds: never more than a short, single-line excerpt, with
 * control and formatting characters escaped, so an error cannot reprint a file (a template that
 * names `/etc/passwd` or `/proc/self/environ`) or smuggle terminal escapes into a CI log.
 *
 * Only values of a template that parsed as a YAML or JSON mapping are quoted at all; the parser
 * never quotes text of a file that did not (see `yaml.ts`).
 */

/** The most characters of a template's own text an error message quotes. */
export const EXCERPT_CHARS = 60;

// Control characters, format characters (bidi overrides, zero-width), line and paragraph separators.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/**
 * A value from a template as a short, single-line, JSON-quoted excerpt for an error message:
 * escaped, and cut to `max` characters with `…`.
 *
 * @param max - the longest excerpt. @default 60
 * @example
 * excerpt('AWS::ECS::Service') // → '"AWS::ECS::Service"'
 * excerpt('x'.repeat(500))     // → '"xxxxxxxx…' (60 characters)
 */
export function excerpt(value: unknown, max = EXCERPT_CHARS): string {
  const json = escapeUnsafe(JSON.stringify(value) ?? String(value));
  const chars = Array.from(json);
  return chars.length <= max ? json : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * What a value is, for messages: `nothing`, `a list`, `a mapping`, or its type and an
 * {@link excerpt} (`the number 42`, `the string "abc"`).
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `the ${typeof value} ${excerpt(value)}`;
}
