/**
 * Access logging: renders a stage's `AccessLogSettings.Format` for one request.
 *
 * Fidelity (aws-behavior.md §1.9): `$context.*` variables are substituted in the template;
 * variables without a value, and variables the emulator does not know (`authorizer.*`, most of
 * `identity.*`, `awsEndpointRequestId`…), render as `-` (seen in REST API logs; assumed for HTTP
 * APIs, UNCONFIRMED). `requestTime` is CLF (`dd/MMM/yyyy:HH:mm:ss +0000`, UTC), `requestTimeEpoch`
 * is in milliseconds, `error.messageString` is the message in double quotes, `path` includes the
 * stage segment, `protocol` is the client's HTTP version. Values are inserted as they are, with no
 * escaping (as AWS does). `dataProcessed` is request + response body bytes (AWS's exact accounting
 * is undocumented). `$stageVariables.*` are not substituted.
 */

/** What a request exposes to access logging. */
export interface AccessLogRecord {
  readonly requestId: string;
  readonly apiId: string;
  readonly accountId: string | undefined;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  /** When the gateway received the request, ms since the epoch. */
  readonly requestTimeEpoch: number;
  readonly httpMethod: string;
  /** The request path as sent, stage segment included, no query. */
  readonly path: string;
  /** `HTTP/1.1` or the like. */
  readonly protocol: string;
  /** The Host header. */
  readonly domainName: string | undefined;
  readonly stageName: string | undefined;
  readonly routeKey: string | undefined;
  readonly status: number | undefined;
  /** Response body bytes sent to the client. */
  readonly responseLength: number;
  /** Request body bytes received. */
  readonly requestLength: number;
  readonly integrationStatus: number | undefined;
  readonly integrationLatencyMs: number | undefined;
  readonly integrationErrorMessage: string | undefined;
  /** The gateway error message (`Not Found`, `Service Unavailable`…), if the gateway answered. */
  readonly errorMessage: string | undefined;
  readonly responseLatencyMs: number | undefined;
}

type Value = string | number | undefined;
type Getter = (record: AccessLogRecord) => Value;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `dd/MMM/yyyy:HH:mm:ss +0000` in UTC, the CLF time of `$context.requestTime`. */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  return (
    `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

function domainPrefix(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host.startsWith('[') ? host : host.replace(/:\d+$/, '');
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

const VARIABLES: Readonly<Record<string, Getter>> = {
  requestId: (r) => r.requestId,
  extendedRequestId: (r) => r.requestId,
  apiId: (r) => r.apiId,
  accountId: (r) => r.accountId,
  'identity.sourceIp': (r) => r.sourceIp,
  'identity.userAgent': (r) => r.userAgent,
  requestTime: (r) => clfTime(r.requestTimeEpoch),
  requestTimeEpoch: (r) => r.requestTimeEpoch,
  httpMethod: (r) => r.httpMethod,
  path: (r) => r.path,
  protocol: (r) => r.protocol,
  domainName: (r) => r.domainName,
  domainPrefix: (r) => domainPrefix(r.domainName),
  stage: (r) => r.stageName,
  routeKey: (r) => r.routeKey,
  status: (r) => r.status,
  responseLength: (r) => r.responseLength,
  dataProcessed: (r) => r.requestLength + r.responseLength,
  integrationStatus: (r) => r.integrationStatus,
  'integration.status': (r) => r.integrationStatus,
  integrationLatency: (r) => r.integrationLatencyMs,
  'integration.latency': (r) => r.integrationLatencyMs,
  integrationErrorMessage: (r) => r.integrationErrorMessage,
  'integration.error': (r) => r.integrationErrorMessage,
  'error.message': (r) => r.errorMessage,
  'error.messageString': (r) => (r.errorMessage === undefined ? undefined : `"${r.errorMessage}"`),
  responseLatency: (r) => r.responseLatencyMs,
};

/** The `$context.` variable names the emulator fills in; any other renders as `-`. */
export const ACCESS_LOG_VARIABLES: readonly string[] = Object.keys(VARIABLES);

const UNKNOWN: Getter = () => undefined;
const VARIABLE = /\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g;

/** An access-log format split once into literal text and variables. */
export class AccessLogFormat {
  private readonly literals: string[] = [];
  private readonly getters: Getter[] = [];

  constructor(readonly format: string) {
    let last = 0;
    for (const found of format.matchAll(VARIABLE)) {
      const index = found.index ?? 0;
      this.literals.push(format.slice(last, index));
      this.getters.push(VARIABLES[found[1] as string] ?? UNKNOWN);
      last = index + found[0].length;
    }
    this.literals.push(format.slice(last));
  }

  /** The log line for one request. */
  render(record: AccessLogRecord): string {
    let line = this.literals[0] as string;
    for (let i = 0; i < this.getters.length; i++) {
      const value = (this.getters[i] as Getter)(record);
      line += value === undefined || value === '' ? '-' : String(value);
      line += this.literals[i + 1] as string;
    }
    return line;
  }
}

/** The value of `$context.<name>` for one request; `undefined` for names the emulator does not fill. */
export function accessLogValue(record: AccessLogRecord, name: string): string | number | undefined {
  return (VARIABLES[name] ?? UNKNOWN)(record);
}
