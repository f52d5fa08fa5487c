import { main } from '../../src/cli/main.js';

/** What the CLI did, run in-process. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `wharf <args>` in this process (no spawn), capturing both streams: for exit codes and
 * messages of commands that end before they start servers or call AWS.
 */
export async function runMain(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    (text) => {
      stdout += text;
    },
    (text) => {
      stderr += text;
    },
  );
  return { code, stdout, stderr };
}
