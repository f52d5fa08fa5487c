/**
 * `wharf init`'s choices: the pattern, the service name (checked like the constructs'
 * `serviceName`, or made from the folder's name) and the stack id.
 */

import { describe, expect, it } from 'vitest';
import { normalizeContainerOptions } from '../../src/constructs/container-options.js';
import {
  checkServiceName,
  parseInitPattern,
  serviceNameFromFolder,
  settleServiceName,
  stackIdOf,
} from '../../src/init/options.js';

describe('parseInitPattern', () => {
  it('defaults to api-gateway and accepts alb', () => {
    expect(parseInitPattern(undefined)).toBe('api-gateway');
    expect(parseInitPattern('alb')).toBe('alb');
  });
  it('rejects anything else, naming --pattern and the allowed values', () => {
    expect(() => parseInitPattern('nlb')).toThrow(
      "wharf init: --pattern 'nlb' is not allowed; allowed: api-gateway, alb.",
    );
  });
});

describe('checkServiceName', () => {
  const good = ['web', 'orders-api', 'orders_api', '2fa', 'A', 'a'.repeat(63)];
  const bad = ['', 'bad name', '-web', 'web-', 'web_', 'wéb', 'a/b', 'a'.repeat(64), "o'brien"];

  for (const name of good) {
    it(`accepts ${JSON.stringify(name)}, as the constructs do`, () => {
      expect(checkServiceName(name)).toBe(name);
      expect(normalizeContainerOptions('App/Service', { serviceName: name }).serviceName).toBe(name);
    });
  }
  for (const name of bad) {
    it(`rejects ${JSON.stringify(name)} with a usage error naming --name and the rule, as the constructs reject it`, () => {
      expect(() => checkServiceName(name)).toThrow(
        /^wharf init: --name .* allowed: 1-63 letters, digits, hyphens and underscores, starting and ending with a letter or digit\.$/,
      );
      expect(() => normalizeContainerOptions('App/Service', { serviceName: name })).toThrow(/serviceName/);
    });
  }
});

describe('serviceNameFromFolder', () => {
  const cases: Array<[string, string | undefined]> = [
    ['orders', 'orders'],
    ['My Orders API', 'my-orders-api'],
    ['orders_api', 'orders_api'],
    ['--orders--', 'orders'],
    ['.hidden', 'hidden'],
    ['émile', 'mile'],
    ['___', undefined],
    ['', undefined],
    [`a${'b'.repeat(70)}`, `a${'b'.repeat(62)}`],
  ];
  for (const [folder, name] of cases) {
    it(`makes ${JSON.stringify(name)} of the folder ${JSON.stringify(folder)}`, () => {
      expect(serviceNameFromFolder(folder)).toBe(name);
      if (name) expect(checkServiceName(name)).toBe(name);
    });
  }
});

describe('settleServiceName', () => {
  it('takes --name over the folder, the folder over the default web', () => {
    expect(settleServiceName('api', 'orders')).toEqual({ serviceName: 'api', nameSource: 'flag' });
    expect(settleServiceName(undefined, 'Orders')).toEqual({ serviceName: 'orders', nameSource: 'folder' });
    expect(settleServiceName(undefined, '$$$')).toEqual({ serviceName: 'web', nameSource: 'default' });
  });
  it('checks --name even when the folder would give a good one', () => {
    expect(() => settleServiceName('no good', 'orders')).toThrow(/--name "no good" is not allowed/);
  });
});

describe('stackIdOf', () => {
  const cases: Array<[string, string]> = [
    ['web', 'Web'],
    ['orders-api', 'OrdersApi'],
    ['orders__api', 'OrdersApi'],
    ['2fa', 'Service2fa'],
    ['API', 'API'],
  ];
  for (const [name, id] of cases) {
    it(`names the stack of ${name} ${id}, a valid CloudFormation stack name`, () => {
      expect(stackIdOf(name)).toBe(id);
      expect(id).toMatch(/^[A-Za-z][A-Za-z0-9-]*$/);
    });
  }
});
