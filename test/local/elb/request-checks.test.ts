/**
 * Requests the ALB answers itself (aws-behavior.md §2.5): 16 K per request line and per header
 * line → 400, TRACE → 405, HTTP/1.1 without Host → 400 (RFC 9112 §3.2).
 */

import { describe, expect, it } from 'vitest';
import {
  MAX_HEADER_LINE_BYTES,
  MAX_REQUEST_LINE_BYTES,
  refusedRequestStatus,
} from '../../../src/local/elb/request-checks.js';

describe('requests the ALB refuses itself (§2.5)', () => {
  const host = ['Host', 'shop.example.com'];

  it('serves a plain request', () => {
    expect(refusedRequestStatus('GET', '/', '1.1', host)).toBeUndefined();
  });

  it('refuses a request line of 16 K + 1 bytes and accepts 16 K ("GET " + url + " HTTP/1.1")', () => {
    const url = (lineBytes: number) => `/${'a'.repeat(lineBytes - 'GET  HTTP/1.1'.length - 1)}`;
    expect(refusedRequestStatus('GET', url(MAX_REQUEST_LINE_BYTES), '1.1', host)).toBeUndefined();
    expect(refusedRequestStatus('GET', url(MAX_REQUEST_LINE_BYTES + 1), '1.1', host)).toBe(400);
  });

  it('refuses a header line ("name: value") of 16 K + 1 bytes and accepts 16 K', () => {
    const header = (lineBytes: number) => ['X-Pad', 'a'.repeat(lineBytes - 'X-Pad: '.length)];
    expect(
      refusedRequestStatus('GET', '/', '1.1', [...host, ...header(MAX_HEADER_LINE_BYTES)]),
    ).toBeUndefined();
    expect(refusedRequestStatus('GET', '/', '1.1', [...host, ...header(MAX_HEADER_LINE_BYTES + 1)])).toBe(
      400,
    );
  });

  it('refuses TRACE with 405', () => {
    expect(refusedRequestStatus('TRACE', '/', '1.1', host)).toBe(405);
  });

  it('refuses HTTP/1.1 without Host, serves HTTP/1.0 and 0.9 without it', () => {
    expect(refusedRequestStatus('GET', '/', '1.1', ['Accept', '*/*'])).toBe(400);
    expect(refusedRequestStatus('GET', '/', '1.1', ['hOsT', 'a'])).toBeUndefined();
    expect(refusedRequestStatus('GET', '/', '1.0', [])).toBeUndefined();
    expect(refusedRequestStatus('GET', '/', '0.9', [])).toBeUndefined();
  });
});
