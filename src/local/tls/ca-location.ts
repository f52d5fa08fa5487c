/**
 * Where the local certificate authority lives, and what to tell a user so their clients trust it.
 * Pure: reads only the environment it is given.
 *
 * Fidelity: none to keep: on AWS, ACM certificates chain to public roots every client already
 * trusts; locally the leaf certificates chain to a CA Wharf makes once per user
 * (`certificate-authority.ts`), which a client trusts only when told to.
 */

import { homedir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from '../../io/shell-quote.js';

/** Environment variable that overrides the CA folder (tests, shared machines). */
export const CA_DIR_VARIABLE = 'WHARF_CA_DIR';

/** The files of the CA folder. */
export const CA_FILES = { certificate: 'ca.pem', key: 'ca.key' } as const;

/**
 * The CA folder: `$WHARF_CA_DIR`, else `$XDG_DATA_HOME/wharf/ca`, else `~/.local/share/wharf/ca`
 * (the XDG base directory default for user data).
 *
 * @example
 * caDirectory({ XDG_DATA_HOME: '/data' }, '/home/ana'); // '/data/wharf/ca'
 * caDirectory({}, '/home/ana'); // '/home/ana/.local/share/wharf/ca'
 */
export function caDirectory(
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir(),
): string {
  const override = env[CA_DIR_VARIABLE];
  if (override) return override;
  const data = env.XDG_DATA_HOME;
  // The XDG spec ignores a relative XDG_DATA_HOME.
  return join(data?.startsWith('/') ? data : join(home, '.local', 'share'), 'wharf', 'ca');
}

/**
 * How to reach a local HTTPS endpoint with curl, resolving its name to the loopback.
 *
 * @example
 * curlCommand('/home/ana/.local/share/wharf/ca/ca.pem', 'api.example.com', 8443);
 * // 'curl --cacert /home/ana/.local/share/wharf/ca/ca.pem --resolve api.example.com:8443:127.0.0.1 https://api.example.com:8443/'
 */
export function curlCommand(caFile: string, hostName: string, port: number, path = '/'): string {
  return `curl --cacert ${shellQuote(caFile)} --resolve ${hostName}:${port}:127.0.0.1 https://${hostName}:${port}${path}`;
}

/**
 * The lines `wharf dev` prints once when it serves HTTPS: where the CA is, and how to trust it
 * per client (curl), system-wide on Debian/Ubuntu, and on macOS.
 */
export function trustInstructions(caFile: string, created: boolean): string[] {
  const file = shellQuote(caFile);
  return [
    `${created ? 'Created' : 'Using'} the local certificate authority ${caFile} (its key stays next to it, readable by you only).`,
    'HTTPS endpoints below use certificates it signed. To trust it:',
    `  one command:      curl --cacert ${file} …`,
    `  Debian/Ubuntu:    sudo cp ${file} /usr/local/share/ca-certificates/wharf-local-ca.crt && sudo update-ca-certificates`,
    `  macOS:            sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${file}`,
    `  Node.js clients:  NODE_EXTRA_CA_CERTS=${file}`,
  ];
}
