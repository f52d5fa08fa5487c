/**
 * Responses the gateway itself generates (no backend response involved).
 *
 * Fidelity (aws-behavior.md §1.4, §1.5): status, a JSON body `{"message":"…"}`,
 * `content-type: application/json`, `content-length`, `date` (written by node:http) and
 * `apigw-requestid`, on keep-alive connections.
 * - 404 `Not Found` [DOC], 503 `Service Unavailable` on integration timeout [OBS] and 500
 *   `Internal Server Error` [OBS] have confirmed bodies.
 * - 429 `Too Many Requests` body is UNCONFIRMED (status is [DOC]).
 * - 503 for no instance / connection refused / blocked by a security group is UNCONFIRMED (§1.5 best guess).
 * - 413 `Request Entity Too Large` for a payload over 10 MB is UNCONFIRMED.
 * - 431 `Request Header Fields Too Large` for a request line + headers over 10,240 bytes is
 *   UNCONFIRMED (AWS documents the limit, not the answer; 431 is what RFC 6585 prescribes).
 * - 400 `Bad Request` for a request node:http cannot parse (smuggling attempts, bad framing), or
 *   whose target or `Host` cannot name a route of this API, is UNCONFIRMED (RFC 9112 §3.2 and
 *   §3.2.2 prescribe the 400; AWS documents neither the answer nor its body).
 * - 408 `Request Timeout` when the client stops sending its headers or body is UNCONFIRMED (the
 *   ALB's documented answer for the same case, §2.5; nginx's `client_body_timeout`).
 * - The integration timeout answers 503 `Service Unavailable` with that body, not 504: two
 *   observations of HTTP APIs agree (§1.5, cortexlabs/cortex#1225 with `apigw-requestid`, and
 *   aws-samples/aws-mcp-servers-samples#9); AWS's knowledge-center article on 504s is about REST
 *   APIs' 29-second timeout. The cortex transcript shows no `content-type` on that 503; the
 *   emulator sends `application/json` as on every other gateway response (§1.4).
 */

import { type ServerResponse, STATUS_CODES } from 'node:http';

/** The kinds of response the gateway generates, keyed by what went wrong. */
export type GatewayErrorKind =
  | 'NOT_FOUND'
  | 'THROTTLED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTEGRATION_FAILURE'
  | 'REQUEST_TOO_LARGE'
  | 'REQUEST_HEADERS_TOO_LARGE'
  | 'BAD_REQUEST'
  | 'REQUEST_TIMEOUT';

/** One gateway-generated response, its body pre-encoded. */
export interface GatewayError {
  readonly kind: GatewayErrorKind;
  readonly status: number;
  /** The `message` in the body; also `$context.error.message`. */
  readonly message: string;
  readonly body: Buffer;
  /** `content-length` value, pre-rendered. */
  readonly contentLength: string;
  /** The connection is closed after this response (a refused request or an idle client). */
  readonly closesConnection: boolean;
}

function gatewayError(kind: GatewayErrorKind, status: number, message: string): GatewayError {
  const body = Buffer.from(JSON.stringify({ message }));
  return {
    kind,
    status,
    message,
    body,
    contentLength: String(body.length),
    closesConnection: status === 400 || status === 408,
  };
}

/** Every gateway response, by kind. */
export const GATEWAY_ERRORS: Readonly<Record<GatewayErrorKind, GatewayError>> = {
  NOT_FOUND: gatewayError('NOT_FOUND', 404, 'Not Found'),
  THROTTLED: gatewayError('THROTTLED', 429, 'Too Many Requests'),
  SERVICE_UNAVAILABLE: gatewayError('SERVICE_UNAVAILABLE', 503, 'Service Unavailable'),
  INTEGRATION_FAILURE: gatewayError('INTEGRATION_FAILURE', 500, 'Internal Server Error'),
  REQUEST_TOO_LARGE: gatewayError('REQUEST_TOO_LARGE', 413, 'Request Entity Too Large'),
  REQUEST_HEADERS_TOO_LARGE: gatewayError(
    'REQUEST_HEADERS_TOO_LARGE',
    431,
    'Request Header Fields Too Large',
  ),
  BAD_REQUEST: gatewayError('BAD_REQUEST', 400, 'Bad Request'),
  REQUEST_TIMEOUT: gatewayError('REQUEST_TIMEOUT', 408, 'Request Timeout'),
};

/**
 * Writes a gateway response. When the request body was not read (or not to its end), node:http
 * discards the rest after the response, keeping the connection usable; `close` asks for
 * `Connection: close` instead (used when the client keeps streaming an oversize body), as do 400
 * and 408 always.
 */
export function sendGatewayError(
  res: ServerResponse,
  error: GatewayError,
  requestId: string,
  close = false,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (close || error.closesConnection) res.shouldKeepAlive = false;
  res.writeHead(error.status, [
    'content-type',
    'application/json',
    'content-length',
    error.contentLength,
    'apigw-requestid',
    requestId,
  ]);
  res.end(error.body);
}

/** The raw HTTP/1.1 bytes of a gateway response, for sockets node:http refused to parse. */
export function rawGatewayError(error: GatewayError, requestId: string, date: Date): string {
  return (
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
    'content-type: application/json\r\n' +
    `content-length: ${error.contentLength}\r\n` +
    `date: ${date.toUTCString()}\r\n` +
    `apigw-requestid: ${requestId}\r\n` +
    'connection: close\r\n\r\n' +
    error.body.toString()
  );
}
