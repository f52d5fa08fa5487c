/**
 * The HTTP pieces both ingress emulators share: request-targets (RFC 9112 §3.2), Host values
 * (RFC 9112 §3.2, RFC 3986 §3.2.2) and `Forwarded` values (RFC 7239 §4, aws-behavior.md §1.3).
 */

import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { forwardedNode, forwardedValue } from '../../../src/local/http/forwarded.js';
import { isHostFieldName, isLoopbackHost, isValidHost } from '../../../src/local/http/host.js';
import { applyOriginForm, classifyRequestTarget } from '../../../src/local/http/request-target.js';

describe('request-targets (RFC 9112 §3.2)', () => {
  it.each([
    ['/a?b=1', { form: 'origin' }],
    ['/', { form: 'origin' }],
    ['http://evil.example/x?q=1', { form: 'absolute', path: '/x?q=1', authority: 'evil.example' }],
    ['HTTPS://Evil.Example:8443', { form: 'absolute', path: '/', authority: 'Evil.Example:8443' }],
    ['http://h?q=1', { form: 'absolute', path: '/?q=1', authority: 'h' }],
    ['http://[::1]:80/p', { form: 'absolute', path: '/p', authority: '[::1]:80' }],
    ['*', { form: 'invalid' }],
    ['evil.example:443', { form: 'invalid' }],
    ['http://user@evil.example/x', { form: 'invalid' }],
    ['ftp://evil.example/x', { form: 'invalid' }],
    ['http:///x', { form: 'invalid' }],
    ['http://h/x#frag', { form: 'invalid' }],
    ['', { form: 'invalid' }],
  ])('classifies %j', (target, expected) => {
    expect(classifyRequestTarget(target)).toEqual(expected);
  });

  it('rewrites an absolute-form request to origin-form with one Host, the target authority', () => {
    const req = {
      url: 'http://evil.example/x',
      headers: { host: 'a' },
      rawHeaders: ['Host', 'a', 'Accept', '*/*', 'host', 'b'],
    } as unknown as IncomingMessage;
    applyOriginForm(req, { path: '/x', authority: 'evil.example' });
    expect([req.url, req.headers.host, req.rawHeaders]).toEqual([
      '/x',
      'evil.example',
      ['Host', 'evil.example', 'Accept', '*/*'],
    ]);
  });

  it('adds the Host an HTTP/1.0 absolute-form request did not send', () => {
    const req = {
      url: 'http://h/x',
      headers: {},
      rawHeaders: ['Accept', '*/*'],
    } as unknown as IncomingMessage;
    applyOriginForm(req, { path: '/x', authority: 'h' });
    expect(req.rawHeaders).toEqual(['Accept', '*/*', 'Host', 'h']);
  });
});

describe('Host values (RFC 9112 §3.2)', () => {
  it.each([
    'api.example.com',
    'API.Example.com.',
    '127.0.0.1:3000',
    '[::1]:8080',
    '[2001:db8::1]',
    'under_score',
    'a;for=6.6.6.6',
    'h:',
    'pct%2Dname',
  ])('accepts %j', (host) => {
    expect(isValidHost(host)).toBe(true);
  });

  it.each([undefined, '', '"a', 'a b', 'a/b', 'a@b', 'a:123456', '[::1', 'a\\b', 'pct%2', 'é.example'])(
    'refuses %j',
    (host) => {
      expect(isValidHost(host)).toBe(false);
    },
  );

  it.each([
    ['Host', true],
    ['host', true],
    ['HOST', true],
    ['hOsT', true],
    ['Hosts', false],
    ['Hos', false],
    ['Ho5t', false],
    ['Date', false],
  ])('isHostFieldName(%j) is %s', (name, expected) => {
    expect(isHostFieldName(name)).toBe(expected);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.0.0.1:4566', true],
    ['localhost:1', true],
    ['LocalHost', true],
    ['[::1]:4566', true],
    ['[::1]', true],
    ['127.0.0.2', false],
    ['localhost.evil.example', false],
    ['127.0.0.1.evil.example:80', false],
    ['evil.example', false],
    ['[::2]', false],
    [undefined, false],
  ])('isLoopbackHost(%j) is %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('Forwarded values (RFC 7239 §4, §6)', () => {
  it.each([
    ['api.example.com', 'api.example.com'],
    ['127.0.0.1:3000', '"127.0.0.1:3000"'],
    ['a;for=6.6.6.6', '"a;for=6.6.6.6"'],
    ['a,for=6.6.6.6', '"a,for=6.6.6.6"'],
    ['[::1]:80', '"[::1]:80"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
  ])('%j is sent as %s', (value, sent) => {
    expect(forwardedValue(value)).toBe(sent);
  });

  it('answers a repeated value from its one-entry cache, and a new value afresh', () => {
    expect([
      forwardedValue('h:1'),
      forwardedValue('h:1'),
      forwardedValue('h'),
      forwardedValue('h:1'),
    ]).toEqual(['"h:1"', '"h:1"', 'h', '"h:1"']);
  });

  it('brackets and quotes IPv6 nodes, leaves IPv4 nodes bare', () => {
    expect([forwardedNode('10.0.0.5'), forwardedNode('::1')]).toEqual(['10.0.0.5', '"[::1]"']);
  });
});
