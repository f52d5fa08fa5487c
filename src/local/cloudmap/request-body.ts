/**
 * Decoding an AWS JSON 1.1 request body for the Cloud Map endpoint, without trusting its shape.
 *
 * Fidelity (aws-behavior.md §4.4): a body that is not JSON, or not a JSON object, is a
 * `SerializationException` (the AWS JSON protocol's error for a body it cannot read); valid JSON
 * nested deeper than any Cloud Map request is an `InvalidInput` (the service's own error for a
 * request it cannot accept). The deepest Cloud Map request is 4 levels (`ListNamespaces`:
 * object → `Filters` list → filter object → `Values` list); bodies nested deeper than
 * {@link MAX_JSON_DEPTH} are refused before `JSON.parse`, by one loop over the text, so no code
 * later (error messages, the response encoder) recurses on an untrusted depth. AWS's own depth
 * limit and wording are not documented.
 */

import { jsonDepth } from '../../template/document-guards.js';

/** Deepest nesting of objects and lists accepted in a request body. */
export const MAX_JSON_DEPTH = 10;

/** A decoded body, or the AWS error it earns. */
export type DecodedBody =
  | { readonly ok: true; readonly input: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly type: 'SerializationException' | 'InvalidInput';
      readonly message: string;
    };

/**
 * Decodes a request body: empty → `{}`; a JSON object nested at most {@link MAX_JSON_DEPTH}
 * deep → that object; anything else → the error to answer with. Messages never quote the body.
 */
export function decodeRequestBody(body: Buffer): DecodedBody {
  if (body.length === 0) return { ok: true, input: {} };
  const text = body.toString('utf8');
  if (jsonDepth(text, MAX_JSON_DEPTH).overAt !== undefined) {
    return {
      ok: false,
      type: 'InvalidInput',
      message: `Request body nests JSON more than ${MAX_JSON_DEPTH} levels deep; Cloud Map requests nest at most 4.`,
    };
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return { ok: false, type: 'SerializationException', message: 'Request body is not valid JSON.' };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, type: 'SerializationException', message: 'Request body must be a JSON object.' };
  }
  return { ok: true, input: input as Record<string, unknown> };
}
