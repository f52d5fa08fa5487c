/**
 * Decoding Cloud Map request bodies (aws-behavior.md §4.4): SerializationException for what is
 * not a JSON object, InvalidInput for JSON nested deeper than any Cloud Map request.
 */

import { describe, expect, it } from 'vitest';
import { decodeRequestBody, MAX_JSON_DEPTH } from '../../../src/local/cloudmap/request-body.js';

const decode = (text: string) => decodeRequestBody(Buffer.from(text));

describe('Cloud Map request bodies', () => {
  it('refuses a body nested past the limit without parsing it (a million brackets)', () => {
    const refused = decode('['.repeat(1_000_000));
    expect(refused).toMatchObject({ ok: false, type: 'InvalidInput' });
  });

  it('decodes an empty body as {} and an object as itself', () => {
    expect(decode('')).toEqual({ ok: true, input: {} });
    expect(decode('{"Filters":[{"Name":"TYPE","Values":["HTTP"]}]}')).toEqual({
      ok: true,
      input: { Filters: [{ Name: 'TYPE', Values: ['HTTP'] }] },
    });
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1} with InvalidInput`, () => {
    const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
    expect(decode(nested(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(decode(nested(MAX_JSON_DEPTH + 1))).toMatchObject({ ok: false, type: 'InvalidInput' });
  });

  it.each(['{"a":', 'not json', '{"a":1}}', '[1]', 'null', '"s"', '42'])(
    'answers SerializationException for %j, quoting none of it',
    (text) => {
      const decoded = decode(text);
      expect(decoded).toMatchObject({ ok: false, type: 'SerializationException' });
      if (!decoded.ok && text.length > 2) expect(decoded.message).not.toContain(text);
    },
  );
});
