import { describe, expect, it } from 'vitest';
import { guardRequest } from '../../../src/local/dashboard/request-guard.js';

const PORT = 4321;
const OWN = `127.0.0.1:${PORT}`;

describe('guardRequest: the dashboard answers only its own address and its own page', () => {
  it.each([
    ['GET', OWN, undefined],
    ['HEAD', OWN, undefined],
    ['GET', OWN, 'https://elsewhere.example'],
    ['POST', OWN, `http://${OWN}`],
  ])('allows %s with Host %s and Origin %s', (method, host, origin) => {
    expect(guardRequest({ method, host, origin }, PORT)).toEqual({ allowed: true });
  });

  it.each([
    ['a rebound DNS name', `attacker.example:${PORT}`],
    ['localhost (another name for the same address)', `localhost:${PORT}`],
    ['another port', '127.0.0.1:1'],
    ['no port', '127.0.0.1'],
    ['no Host at all', undefined],
  ])('refuses a GET with 421 when the Host is %s', (_what, host) => {
    const verdict = guardRequest({ method: 'GET', host, origin: undefined }, PORT);
    expect(verdict).toMatchObject({ allowed: false, status: 421 });
  });

  it.each([
    ['no Origin', undefined],
    ['another site', 'https://attacker.example'],
    ['the same host on https', `https://${OWN}`],
    ['localhost', `http://localhost:${PORT}`],
    ['an opaque origin', 'null'],
  ])('refuses a POST with 403 when it has %s', (_what, origin) => {
    const verdict = guardRequest({ method: 'POST', host: OWN, origin }, PORT);
    expect(verdict).toMatchObject({ allowed: false, status: 403 });
  });

  it('refuses other methods with 405', () => {
    expect(guardRequest({ method: 'DELETE', host: OWN, origin: `http://${OWN}` }, PORT)).toMatchObject({
      allowed: false,
      status: 405,
    });
  });

  it('does not echo the Host it refused', () => {
    const verdict = guardRequest({ method: 'GET', host: '<script>x</script>:1', origin: undefined }, PORT);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.message).not.toContain('script');
  });
});
