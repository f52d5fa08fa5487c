/**
 * ALB access log entries, one line per request, handed to a sink.
 *
 * Fidelity (aws-behavior.md §2.7): the documented space-delimited fields in order, from `type` to
 * `classification_reason`, formatted like the documented example: times in ISO 8601 with
 * microseconds, processing times in seconds with 3 decimals (`-1` when the request was not
 * dispatched or got no answer), `-` for the target fields of requests that never reached a target,
 * `matched_rule_priority` the priority of the listener rule that matched, 0 when the default action
 * served, `-` for a request refused before the rules were evaluated (a malformed request: "for any
 * other error, it is set to -", aws-behavior-2.md §4.3). Health checks are not logged. For HTTPS
 * listeners the TLS fields show the connection's OpenSSL cipher name and protocol
 * (`ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2`, `TLS_AES_256_GCM_SHA384 TLSv1.3`). Not emulated: batching into 5-minute files in S3, the
 * fields AWS added after `classification_reason` (`conn_trace_id`, …), `error_reason` values.
 */

/** Receives one formatted access log line (no trailing newline). */
export type AccessLogSink = (line: string) => void;

/** The facts of one request that its log line shows. */
export interface AccessLogEntry {
  /** `http` or `https` (the listener protocol). */
  readonly type: string;
  /** HTTPS: the negotiated cipher (OpenSSL name) and protocol. @default - a typical TLS 1.2 pair */
  readonly tls?: { readonly cipher: string; readonly protocol: string };
  /** When the response was sent (ms since the epoch; fractions give microseconds). */
  readonly timeMs: number;
  /** `app/<name>/<id>`, see {@link elbLogName}. */
  readonly elb: string;
  /** `ip:port` of the client. */
  readonly client: string;
  /** `ip:port` of the target, when one was chosen. */
  readonly target?: string;
  /** Seconds, or -1. */
  readonly requestProcessingTime: number;
  readonly targetProcessingTime: number;
  readonly responseProcessingTime: number;
  readonly elbStatusCode: number;
  readonly targetStatusCode?: number;
  readonly receivedBytes: number;
  readonly sentBytes: number;
  /** `GET http://www.example.com:80/ HTTP/1.1` */
  readonly request: string;
  readonly userAgent?: string;
  readonly targetGroupArn?: string;
  readonly traceId?: string;
  readonly requestCreationTimeMs: number;
  /** `forward`, `redirect` or `fixed-response`. */
  readonly actionsExecuted: string;
  readonly redirectUrl?: string;
  readonly errorReason?: string;
  /**
   * The matched listener rule's priority (1–50,000), 0 when the default action served.
   * @default - `-` (the request was refused before the rules were evaluated)
   */
  readonly matchedRulePriority?: number;
}

/** `app/<name>/<id>` from a load balancer ARN (`…:loadbalancer/app/<name>/<id>`). */
export function elbLogName(loadBalancerArn: string, name: string): string {
  const marker = ':loadbalancer/';
  const at = loadBalancerArn.indexOf(marker);
  return at >= 0 ? loadBalancerArn.slice(at + marker.length) : `app/${name}/0000000000000000`;
}

/** `2018-07-02T22:23:00.186641Z` */
export function formatLogTime(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000);
  const iso = new Date(whole).toISOString();
  return `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

function seconds(value: number): string {
  return value < 0 ? '-1' : value.toFixed(3);
}

function quoted(value: string | undefined): string {
  return value ? `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"` : '"-"';
}

/** Formats one access log line in the ALB field order. */
export function formatAccessLogLine(entry: AccessLogEntry): string {
  const tls =
    entry.type !== 'https'
      ? '- -'
      : entry.tls
        ? `${entry.tls.cipher} ${entry.tls.protocol}`
        : 'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2';
  const target = entry.target ?? '-';
  const targetStatus = entry.targetStatusCode === undefined ? '-' : String(entry.targetStatusCode);
  return [
    entry.type,
    formatLogTime(entry.timeMs),
    entry.elb,
    entry.client,
    target,
    seconds(entry.requestProcessingTime),
    seconds(entry.targetProcessingTime),
    seconds(entry.responseProcessingTime),
    entry.elbStatusCode,
    targetStatus,
    entry.receivedBytes,
    entry.sentBytes,
    quoted(entry.request),
    quoted(entry.userAgent),
    tls,
    entry.targetGroupArn ?? '-',
    quoted(entry.traceId),
    '"-"',
    '"-"',
    entry.matchedRulePriority ?? '-',
    formatLogTime(entry.requestCreationTimeMs),
    quoted(entry.actionsExecuted),
    quoted(entry.redirectUrl),
    quoted(entry.errorReason),
    quoted(entry.target),
    quoted(entry.targetStatusCode === undefined ? undefined : targetStatus),
    '"-"',
    '"-"',
  ].join(' ');
}
