/**
 * Choosing a runtime: Docker when its daemon answers within 2 s, else local processes, but only
 * for the user's own task definitions (a CDK app, `allowProcessFallback`): a template's commands
 * never run on the host unless `--runtime process` was given.
 */

import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { isWharfError } from '../../../src/errors.js';
import { selectRuntime } from '../../../src/local/runtime/select.js';
import { buildBusyboxImage, requireDocker } from '../../support/docker.js';

const hasDocker = await requireDocker();
const NO_DAEMON = '/tmp/wharf-no-such-docker.sock';

describe('selectRuntime', () => {
  it('auto chooses processes for a CDK app when no daemon answers, and says why', async () => {
    const selected = await selectRuntime('auto', {
      runId: 't',
      docker: new Docker({ socketPath: NO_DAEMON }),
      allowProcessFallback: true,
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
      allowProcessFallback: true,
    }).catch((e: unknown) => e);
    expect(isWharfError(error) && error.code).toBe('WHARF_DOCKER_UNAVAILABLE');
  });

  it('auto without a daemon rejects for a template (no fallback), naming --runtime process as the consent', async () => {
    const error = await selectRuntime('auto', {
      runId: 't',
      docker: new Docker({ socketPath: NO_DAEMON }),
      processReady: true,
    }).catch((e: unknown) => e);
    expect(isWharfError(error) && error.code).toBe('WHARF_DOCKER_UNAVAILABLE');
    expect((error as Error).message).toContain(
      `No Docker daemon at ${NO_DAEMON} (connect ENOENT ${NO_DAEMON})`,
    );
    expect((error as Error).message).toMatch(
      /does not fall back to the process runtime for a --template input.*give --runtime process to consent/,
    );
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
    'auto falls back to processes for a CDK app when an image cannot be pulled and every container has a local command',
    async () => {
      const selected = await selectRuntime('auto', {
        runId: 't',
        images: ['wharf-test/not-here:0'],
        imageContainers: { 'wharf-test/not-here:0': 'web' },
        allowProcessFallback: true,
      });
      expect(selected.runtime.name).toBe('process');
      expect(selected.reason).toMatch(
        /^Docker daemon at \S+ answered, but: Image 'wharf-test\/not-here:0' of container 'web' is not on this machine and could not be pulled: .*; every container has a local command, so the process runtime runs them$/,
      );
      await selected.runtime.close();
    },
  );

  it.skipIf(!hasDocker)(
    'auto rejects for a template when an image cannot be pulled, naming --runtime process as the consent',
    async () => {
      const error = await selectRuntime('auto', {
        runId: 't',
        images: ['wharf-test/not-here:0'],
        imageContainers: { 'wharf-test/not-here:0': 'web' },
      }).catch((e: unknown) => e);
      expect(isWharfError(error) && error.code).toBe('WHARF_IMAGE_UNAVAILABLE');
      expect((error as Error).message).toMatch(
        /^Image 'wharf-test\/not-here:0' of container 'web' is not on this machine and could not be pulled: .*give --runtime process to consent/,
      );
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
