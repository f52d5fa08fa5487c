/**
 * The request and reply shapes every mocked service works with, the AWS error they throw, and the
 * two generic protocols: the query protocol (form in, XML out: CloudFormation, STS) and awsJson1_1
 * (`X-Amz-Target` + JSON: SSM, ECS, CloudWatch Logs).
 */

import type { IncomingHttpHeaders } from 'node:http';
import { checkRequest } from './request-validation.js';
import { parseQueryForm, queryError, queryResponse } from './xml.js';

/** An HTTP request, already routed to a service. */
export interface MockRequest {
  readonly method: string;
  /** The path, URL-decoded segments kept encoded (e.g. `/bucket/key`). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The SigV4 service name (`cloudformation`, `s3`, …). */
  readonly service: string;
  /** The access key id the request was signed with. */
  readonly accessKeyId?: string;
  readonly requestId: string;
}

/** An HTTP reply. */
export interface MockReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** A request a service understood: its action and input (for the call log) and how to answer it. */
export interface DecodedRequest {
  readonly action: string;
  readonly input: Record<string, unknown>;
  respond(): Promise<MockReply>;
}

/** Turns a routed request into a {@link DecodedRequest}. */
export type ServiceHandler = (request: MockRequest) => DecodedRequest;

/** An error the way AWS reports it: HTTP status, error code and message. */
export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

/** A `ValidationError` (HTTP 400), CloudFormation's usual complaint. */
export function validationError(message: string): AwsError {
  return new AwsError(400, 'ValidationError', message);
}

/** Thrown for an action a service does not implement; the server logs it. */
export class UnknownActionError extends AwsError {
  constructor(
    readonly service: string,
    readonly action: string,
  ) {
    super(400, 'InvalidAction', `mocked AWS: ${service} action '${action}' is not implemented`);
  }
}

/** An action of a query- or JSON-protocol service. */
export type Action = (input: Record<string, unknown>, request: MockRequest) => unknown;

/** A query-protocol service (`Action=…` form posts, XML answers), e.g. CloudFormation or STS. */
export function queryService(
  service: string,
  namespace: string,
  actions: Record<string, Action>,
  onUnknown: (error: UnknownActionError) => void,
): ServiceHandler {
  return (request) => {
    const form = parseQueryForm(
      request.method === 'GET' ? request.query.toString() : request.body.toString('utf8'),
    );
    const action = String(form.Action ?? '');
    const { Action: _action, Version: _version, ...input } = form;
    return {
      action,
      input,
      async respond() {
        try {
          const handler = actions[action];
          if (!handler) {
            const error = new UnknownActionError(service, action);
            onUnknown(error);
            throw error;
          }
          checkRequest(service, action, input);
          const result = await handler(input, request);
          return {
            status: 200,
            headers: { 'content-type': 'text/xml' },
            body: queryResponse(action, namespace, result ?? undefined, request.requestId),
          };
        } catch (error) {
          const aws = asAwsError(error);
          return {
            status: aws.status,
            headers: { 'content-type': 'text/xml' },
            body: queryError(namespace, aws.type, aws.code, aws.message, request.requestId),
          };
        }
      },
    };
  };
}

/** An awsJson1_1 service (`X-Amz-Target: <prefix>.<Action>`), e.g. SSM, ECS, CloudWatch Logs. */
export function jsonService(
  service: string,
  actions: Record<string, Action>,
  onUnknown: (error: UnknownActionError) => void,
): ServiceHandler {
  return (request) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = target.slice(target.lastIndexOf('.') + 1);
    let input: Record<string, unknown> = {};
    let unreadable: AwsError | undefined;
    try {
      input = request.body.length > 0 ? JSON.parse(request.body.toString('utf8')) : {};
    } catch {
      // What awsJson services answer a body that is not JSON (the message is AWS's, see
      // docs/reference/mock-aws-strictness.md); the action never runs.
      unreadable = new AwsError(
        400,
        'SerializationException',
        'Start of structure or map found where not expected.',
      );
    }
    if (!unreadable && (input === null || typeof input !== 'object' || Array.isArray(input))) {
      unreadable = new AwsError(
        400,
        'SerializationException',
        'Start of structure or map found where not expected.',
      );
      input = {};
    }
    return {
      action,
      input,
      async respond() {
        const headers = {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': request.requestId,
        };
        try {
          const handler = actions[action];
          if (!handler) {
            const error = new UnknownActionError(service, action);
            onUnknown(error);
            throw error;
          }
          if (unreadable) throw unreadable;
          checkRequest(service, action, input);
          const result = await handler(input, request);
          return { status: 200, headers, body: JSON.stringify(result ?? {}) };
        } catch (error) {
          const aws = asAwsError(error);
          const code = aws instanceof UnknownActionError ? 'UnknownOperationException' : aws.code;
          return {
            status: aws.status,
            headers: { ...headers, 'x-amzn-errortype': code },
            body: JSON.stringify({ __type: code, message: aws.message }),
          };
        }
      },
    };
  };
}

/** Any thrown value as an {@link AwsError} (a bug in the mock becomes a 500 `InternalFailure`). */
export function asAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return new AwsError(500, 'InternalFailure', `mocked AWS internal error: ${message}`, 'Receiver');
}

/** Seconds since the epoch, the way the JSON protocols send timestamps. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
