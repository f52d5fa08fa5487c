import { describe, expect, it } from 'vitest';
import { elbLogName, formatLogTime } from '../../../src/local/elb/access-log.js';
import { elbErrorPage } from '../../../src/local/elb/errors.js';
import {
  buildForwardedHeaders,
  forwardedHost,
  nextTraceHeader,
} from '../../../src/local/elb/forwarded-headers.js';
import { redirectLocation } from '../../../src/local/elb/listener-actions.js';

const NOW = Date.UTC(2026, 0, 1);
const ID = '1-6955b900-[0-9a-f]{24}';

describe('ALB error pages (aws-behavior.md §2.5)', () => {
  it.each([
    [502, 122],
    [503, 162],
    [504, 132],
  ])('the %i page is the CRLF template of %i bytes (the observed 502/503 lengths)', (status, length) => {
    expect(elbErrorPage(status)).toHaveLength(length);
  });

  it('writes the 503 page exactly as observed', () => {
    expect(elbErrorPage(503).toString('latin1')).toBe(
      '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n' +
        '<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n',
    );
  });
});

describe('X-Amzn-Trace-Id (aws-behavior.md §2.6)', () => {
  it.each<[string | undefined, RegExp]>([
    [undefined, new RegExp(`^Root=${ID}$`)],
    [
      'Root=1-5759e988-bd862e3fe1be46a994272793',
      new RegExp(`^Self=${ID};Root=1-5759e988-bd862e3fe1be46a994272793$`),
    ],
    [
      'Root=1-5759e988-bd862e3fe1be46a994272793;CalledFrom=app',
      new RegExp(`^Self=${ID};Root=1-5759e988-bd862e3fe1be46a994272793;CalledFrom=app$`),
    ],
    [
      'Self=1-67891233-12456789abcdef012345678;Root=1-5759e988-bd862e3fe1be46a994272793',
      new RegExp(`^Self=${ID};Root=1-5759e988-bd862e3fe1be46a994272793$`),
    ],
    ['CalledFrom=app', new RegExp(`^Root=${ID};CalledFrom=app$`)],
    [`Root=1-5759e988-bd862e3fe1be46a994272793;X=${'a'.repeat(7200)}`, new RegExp(`^Root=${ID}$`)],
  ])('%s → %s', (received, expected) => {
    expect(nextTraceHeader(received, NOW)).toMatch(expected);
  });
});

describe('Host and X-Forwarded-* (aws-behavior.md §2.4, §2.6)', () => {
  it.each([
    ['www.example.com:80', 80, 'www.example.com'],
    ['www.example.com', 443, 'www.example.com'],
    ['127.0.0.1:49152', 80, '127.0.0.1'],
    ['www.example.com', 8080, 'www.example.com:8080'],
    ['www.example.com:49152', 8080, 'www.example.com:8080'],
    ['[::1]:49152', 80, '[::1]'],
  ])('Host %s on listener port %i → %s', (received, port, expected) => {
    expect(forwardedHost(received, port, 'lb.example')).toBe(expected);
  });

  it('builds the upstream header list: client headers minus hop-by-hop, then Host and the X-Forwarded set', () => {
    const { headers } = buildForwardedHeaders(
      [
        'Host',
        'api.example.com',
        'Accept',
        '*/*',
        'Connection',
        'keep-alive',
        'X-Forwarded-For',
        '203.0.113.7',
        'X-Forwarded-For',
        '198.51.100.1',
        'X-Forwarded-Proto',
        'https',
        'Expect',
        '100-continue',
      ],
      'keep-alive',
      {
        clientIp: '192.0.2.10',
        proto: 'http',
        awsPort: 80,
        defaultHost: 'lb',
        dropInvalidHeaderFields: false,
        nowMs: NOW,
      },
    );
    expect(headers.slice(0, -1)).toEqual([
      'Accept',
      '*/*',
      'Host',
      'api.example.com',
      'X-Forwarded-For',
      '203.0.113.7, 198.51.100.1, 192.0.2.10',
      'X-Forwarded-Proto',
      'http',
      'X-Forwarded-Port',
      '80',
      'X-Amzn-Trace-Id',
    ]);
  });
});

describe('redirect Location (listener redirect action)', () => {
  const source = { protocol: 'http', host: 'www.example.com', port: 80, path: 'a/b', query: 'x=1' };

  it.each([
    [{ protocol: 'HTTPS', port: '443' }, 'https://www.example.com:443/a/b?x=1'],
    [{}, 'http://www.example.com:80/a/b?x=1'],
    [
      { host: 'new.#{host}', path: '/v2/#{path}', query: '#{query}&y=2' },
      'http://new.www.example.com:80/v2/a/b?x=1&y=2',
    ],
    [{ query: '' }, 'http://www.example.com:80/a/b'],
  ])('%j → %s', (parts, expected) => {
    expect(redirectLocation({ type: 'redirect', statusCode: 'HTTP_301', ...parts }, source)).toBe(expected);
  });
});

describe('access log helpers (aws-behavior.md §2.7)', () => {
  it('formats times with microseconds and names the load balancer app/<name>/<id>', () => {
    expect(formatLogTime(Date.UTC(2018, 6, 2, 22, 23, 0, 186) + 0.641)).toBe('2018-07-02T22:23:00.186641Z');
    expect(
      elbLogName(
        'arn:aws:elasticloadbalancing:us-east-2:123456789012:loadbalancer/app/my-lb/50dc6c495c0c9188',
        'my-lb',
      ),
    ).toBe('app/my-lb/50dc6c495c0c9188');
  });
});
