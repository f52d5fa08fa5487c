/** Choosing a runtime: Docker when its daemon answers within 2 s, else local processes. */

import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { isWharfError } from '../../../src/errors.js';
import { selectRuntime } from '../../../src/local/runtime/select.js';
import { buildBusyboxImage, requireDocker } from '../../support/docker.js';

const hasDocker = await requireDocker();
const NO_DAEMON = '/tmp/wharf-no-such-docker.sock';

describe('selectRuntime', () => {
  it('auto chooses processes when no daemon answers, and says why', async () => {
    const selected = await selectRuntime('auto', {
      runId: 't',
      docker: new Docker({ socketPath: NO_DAEMON }),
    });
    expect(selected.runtime.name).toBe('process');
    expect(selected.reason).toBe(`no Docker daemon: connect ENOENT ${NO_DAEMON}`);
  });

  it('docker without a daemon rejects with WHARF_DOCKER_UNAVAILABLE and the fix', async () => {
    const error = await selectRuntime('docker', {
      runId: 't',
      docker: new Docker({ socketPath: NO_DAEMON }),
    }).catch((e: unknown) => e);
    expect(isWharfError(error) && error.code).toBe('WHARF_DOCKER_UNAVAILABLE');
    expect((error as Error).message).toMatch(/not available at .*ENOENT.*Start Docker.*--runtime process/);
  });

  it('auto without a daemon rejects when some container has no local command', async () => {
    const error = await selectRuntime('auto', {
      runId: 't',
      docker: new Docker({ socketPath: NO_DAEMON }),
      processReady: false,
    }).catch((e: unknown) => e);
    expect(isWharfError(error) && error.code).toBe('WHARF_DOCKER_UNAVAILABLE');
  });

  it('process is chosen when asked for, without probing Docker', async () => {
    const selected = await selectRuntime('process', {
      runId: 't',
      docker: new Docker({ socketPath: NO_DAEMON }),
    });
    expect(selected.runtime.name).toBe('process');
  });

  it.skipIf(!hasDocker)(
    'auto chooses Docker when the daemon answers and the images are present or pullable',
    async () => {
      const image = await buildBusyboxImage();
      const selected = await selectRuntime('auto', { runId: 't', images: [image] });
      expect(selected.runtime.name).toBe('docker');
      expect(selected.reason).toMatch(/^Docker daemon at \S+ answered$/);
      await selected.runtime.close();
    },
  );

  it.skipIf(!hasDocker)(
    'auto falls back to processes when an image cannot be pulled and every container has a local command',
    async () => {
      const selected = await selectRuntime('auto', {
        runId: 't',
        images: ['wharf-test/not-here:0'],
        imageContainers: { 'wharf-test/not-here:0': 'web' },
      });
      expect(selected.runtime.name).toBe('process');
      expect(selected.reason).toMatch(
        /^Docker daemon at \S+ answered, but: Image 'wharf-test\/not-here:0' of container 'web' is not on this machine and could not be pulled: .*; every container has a local command, so the process runtime runs them$/,
      );
      await selected.runtime.close();
    },
  );

  it.skipIf(!hasDocker)(
    'docker rejects with WHARF_IMAGE_UNAVAILABLE before anything starts when an image cannot be pulled',
    async () => {
      await expect(
        selectRuntime('docker', {
          runId: 't',
          images: ['wharf-test/not-here:0'],
          imageContainers: { 'wharf-test/not-here:0': 'web' },
        }),
      ).rejects.toMatchObject({ code: 'WHARF_IMAGE_UNAVAILABLE' });
    },
  );
});
