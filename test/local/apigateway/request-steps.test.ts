import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERRORS } from '../../../src/local/apigateway/errors.js';
import { classifyUpstreamError, clientResponseHeaders } from '../../../src/local/apigateway/proxy.js';
import type { RequestContext } from '../../../src/local/apigateway/request-context.js';
import {
  checkDeclaredLength,
  checkHeaderSize,
  checkHost,
  MAX_PAYLOAD_BYTES,
  MAX_REQUEST_HEADER_BYTES,
} from '../../../src/local/apigateway/request-steps.js';

/** A context with just what the size checks read. */
function ctxWith(url: string, rawHeaders: string[], headers: Record<string, string> = {}): RequestContext {
  const req = { url, rawHeaders, headers } as unknown as IncomingMessage;
  return { req, httpMethod: 'GET' } as unknown as RequestContext;
}

describe('request size limits (aws-behavior.md §1.6)', () => {
  // "GET /x HTTP/1.1" is 15 bytes; the header name "x-pad" 5 more.
  const padTo = (total: number) => ctxWith('/x', ['x-pad', 'a'.repeat(total - 15 - 5)]);

  it('accepts a request line + headers of exactly 10,240 bytes and refuses 10,241 with 431', () => {
    expect(checkHeaderSize(padTo(MAX_REQUEST_HEADER_BYTES), undefined as never)).toBeUndefined();
    expect(checkHeaderSize(padTo(MAX_REQUEST_HEADER_BYTES + 1), undefined as never)).toBe(
      GATEWAY_ERRORS.REQUEST_HEADERS_TOO_LARGE,
    );
  });

  it('refuses a declared Content-Length over 10 MB with 413 and accepts exactly 10 MB', () => {
    const declared = (n: number) => ctxWith('/', [], { 'content-length': String(n) });
    expect(checkDeclaredLength(declared(MAX_PAYLOAD_BYTES), undefined as never)).toBeUndefined();
    expect(checkDeclaredLength(declared(MAX_PAYLOAD_BYTES + 1), undefined as never)).toBe(
      GATEWAY_ERRORS.REQUEST_TOO_LARGE,
    );
  });
});

describe('the Host names the API (aws-behavior.md §1.3, RFC 9112 §3.2)', () => {
  it.each([
    [['Host', 'api.example.com'], undefined],
    [['host', '127.0.0.1:3000', 'Accept', '*/*'], undefined],
    [['Host', 'a;for=6.6.6.6'], undefined],
    [[], 400],
    [['Host', ''], 400],
    [['Host', '"a'], 400],
    [['Host', 'a', 'HOST', 'a'], 400],
  ])('checkHost(%j) answers %s (undefined: goes on)', (rawHeaders, expected) => {
    expect(checkHost(ctxWith('/', rawHeaders), undefined as never)?.status).toBe(expected);
  });
});

describe('backend response headers (aws-behavior.md §1.4)', () => {
  it('passes backend headers through, drops hop-by-hop ones and those named in Connection, adds apigw-requestid', () => {
    expect(
      clientResponseHeaders(
        [
          'Server',
          'uvicorn',
          'Connection',
          'keep-alive, X-Internal',
          'X-Internal',
          'secret',
          'Transfer-Encoding',
          'chunked',
          'Set-Cookie',
          'a=1',
          'Set-Cookie',
          'b=2',
        ],
        'K2ZEDjwtIAMEcig=',
      ),
    ).toEqual([
      'Server',
      'uvicorn',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'apigw-requestid',
      'K2ZEDjwtIAMEcig=',
    ]);
  });
});

describe('backend failures (aws-behavior.md §1.5)', () => {
  it.each([
    ['UND_ERR_HEADERS_TIMEOUT', 503],
    ['UND_ERR_BODY_TIMEOUT', 503],
    ['UND_ERR_CONNECT_TIMEOUT', 503],
    ['ECONNREFUSED', 503],
    ['ECONNRESET', 503],
    ['UND_ERR_SOCKET', 503],
    ['HPE_INVALID_CONSTANT', 500],
  ])('maps %s to %i', (code, status) => {
    expect(classifyUpstreamError(Object.assign(new Error('x'), { code })).response.status).toBe(status);
  });

  it('marks only connection refused as a reason to drop the pool', () => {
    expect(classifyUpstreamError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).refused).toBe(true);
    expect(classifyUpstreamError(Object.assign(new Error('x'), { code: 'ECONNRESET' })).refused).toBe(false);
  });
});
