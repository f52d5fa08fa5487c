import { describe, expect, it } from 'vitest';
import { AccessLogFormat, type AccessLogRecord, clfTime } from '../../../src/local/apigateway/access-log.js';

const record: AccessLogRecord = {
  requestId: 'K2ZEDjwtIAMEcig=',
  apiId: 'a1b2c3d4e5',
  accountId: '123456789012',
  sourceIp: '203.0.113.7',
  userAgent: 'curl/8.5.0',
  requestTimeEpoch: Date.UTC(2021, 4, 25, 15, 42, 46, 418),
  httpMethod: 'GET',
  path: '/prod/pets/1',
  protocol: 'HTTP/1.1',
  domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
  stageName: 'prod',
  routeKey: 'GET /pets/{id}',
  status: 200,
  responseLength: 42,
  requestLength: 0,
  integrationStatus: 200,
  integrationLatencyMs: 12,
  integrationErrorMessage: undefined,
  errorMessage: undefined,
  responseLatencyMs: 15,
};

describe('AccessLogFormat (aws-behavior.md §1.9)', () => {
  it('renders $context.requestTime as CLF dd/MMM/yyyy:HH:mm:ss +0000 and requestTimeEpoch in ms', () => {
    expect(clfTime(record.requestTimeEpoch)).toBe('25/May/2021:15:42:46 +0000');
    expect(new AccessLogFormat('$context.requestTimeEpoch').render(record)).toBe('1621957366418');
  });

  it("renders the console's CLF format", () => {
    const format = new AccessLogFormat(
      '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId',
    );
    expect(format.render(record)).toBe(
      '203.0.113.7 - - [25/May/2021:15:42:46 +0000] "GET GET /pets/{id} HTTP/1.1" 200 42 K2ZEDjwtIAMEcig=',
    );
  });

  it("renders the console's JSON format", () => {
    const format = new AccessLogFormat(
      '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod","routeKey":"$context.routeKey", "status":"$context.status","protocol":"$context.protocol", "responseLength":"$context.responseLength" }',
    );
    expect(JSON.parse(format.render(record))).toEqual({
      requestId: 'K2ZEDjwtIAMEcig=',
      ip: '203.0.113.7',
      requestTime: '25/May/2021:15:42:46 +0000',
      httpMethod: 'GET',
      routeKey: 'GET /pets/{id}',
      status: '200',
      protocol: 'HTTP/1.1',
      responseLength: '42',
    });
  });

  it('renders variables without a value, and unknown variables, as -', () => {
    const format = new AccessLogFormat(
      '$context.integrationErrorMessage|$context.error.messageString|$context.authorizer.claims.sub|$context.nope.',
    );
    expect(format.render(record)).toBe('-|-|-|-.');
  });

  it('renders the gateway error, integration and identity variables', () => {
    const format = new AccessLogFormat(
      '$context.error.message $context.error.messageString $context.integrationStatus $context.integration.latency ' +
        '$context.stage $context.path $context.apiId $context.accountId $context.domainPrefix $context.extendedRequestId ' +
        '$context.identity.userAgent $context.responseLatency $context.dataProcessed',
    );
    expect(
      format.render({ ...record, status: 503, errorMessage: 'Service Unavailable', requestLength: 8 }),
    ).toBe(
      'Service Unavailable "Service Unavailable" 200 12 prod /prod/pets/1 a1b2c3d4e5 123456789012 a1b2c3d4e5 ' +
        'K2ZEDjwtIAMEcig= curl/8.5.0 15 50',
    );
  });
});
