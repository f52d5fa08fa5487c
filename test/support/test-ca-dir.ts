/**
 * Vitest global setup: one temporary folder for the local certificate authority (`WHARF_CA_DIR`)
 * of every test that starts `wharf dev` on a template with an HTTPS listener or a custom domain,
 * so no test writes a CA into the user's `~/.local/share/wharf/ca`. Tests about the CA itself pass
 * their own folder. The folder is removed when the run ends.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'wharf-test-ca-'));
  process.env.WHARF_CA_DIR = folder;
  return () => rmSync(folder, { recursive: true, force: true });
}
