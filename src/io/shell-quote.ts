/**
 * Quoting for the commands Wharf prints for a user to paste into a POSIX shell (build and push
 * lines, `cd` into a new project, `curl --cacert …`).
 */

/**
 * `text` as one shell word: as it is when it holds only characters no shell treats specially,
 * else single-quoted (`'` written as `'\''`).
 *
 * @example
 * shellQuote('app'); // 'app'
 * shellQuote('/home/me/My Wharf'); // "'/home/me/My Wharf'"
 * shellQuote("it's"); // "'it'\\''s'"
 */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
