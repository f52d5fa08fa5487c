/**
 * Wharf does not read Secrets Manager or SSM: a container's `Secrets` stay unset locally, and
 * `wharf dev` says so once per container, naming the `--pass-env` flags that would set them.
 */

import { describe, expect, it } from 'vitest';
import { unsetSecretWarnings } from '../../../src/local/ecs/resolve.js';
import { container, serviceConfig, taskDefinition } from './support.js';

const service = serviceConfig({
  taskDefinition: taskDefinition(1, [
    container({ name: 'app', secretNames: ['DB_PASSWORD', 'API_KEY'] }),
    container({ name: 'sidecar', secretNames: [] }),
  ]),
});

describe('unsetSecretWarnings', () => {
  it('warns once per container with Secrets not passed, naming the --pass-env flags', () => {
    expect(unsetSecretWarnings([service], new Set(['API_KEY']))).toEqual([
      "container 'app' of service web declares Secrets that Wharf does not read (Secrets Manager and SSM are " +
        'not emulated): DB_PASSWORD stay unset unless you pass a value from your environment with --pass-env DB_PASSWORD.',
    ]);
    expect(unsetSecretWarnings([service], new Set(['API_KEY', 'DB_PASSWORD']))).toEqual([]);
  });

  it('never quotes a secret name that is not a variable name (template text is not echoed)', () => {
    const odd = serviceConfig({
      taskDefinition: taskDefinition(1, [
        container({ name: 'app', secretNames: ['line\nbreak', 'OK_NAME'] }),
      ]),
    });
    const [warning] = unsetSecretWarnings([odd], new Set());
    expect(warning).toContain('OK_NAME, 1 name(s) that are not variable names stay unset');
    expect(warning).not.toContain('break');
  });
});
