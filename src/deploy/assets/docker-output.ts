/**
 * Keeps Docker's build and push output out of Wharf's stdout and stderr while the toolkit
 * publishes images, and hands it over line by line instead.
 *
 * Why: the toolkit library (`@aws-cdk/toolkit-lib` 1.40) runs `docker build` and `docker push`
 * through cdk-assets with its output destination left at `stdio`, so cdk-assets copies every
 * chunk Docker prints to `process.stdout`/`process.stderr` (the toolkit offers no option to
 * change that). Unfiltered, that output tears the live view and breaks `--json` (stdout must hold
 * one JSON document). While {@link captureDockerOutput} is in effect, only writes made from
 * cdk-assets' subprocess helper are diverted; everything else (the progress view, messages) is
 * written as before.
 *
 * @module
 */

/** The cdk-assets module that copies a subprocess's output to this process's streams. */
const CDK_ASSETS_SHELL = /[\\/]@aws-cdk[\\/]cdk-assets-lib[\\/]lib[\\/]private[\\/]shell\.js:/;

type Write = typeof process.stdout.write;

let active: { readonly onLine: (line: string) => void; readonly restore: () => void } | undefined;

/**
 * Diverts the output cdk-assets copies from Docker to `onLine` (one call per non-blank line,
 * without the line break; `\r`-separated progress counts as line breaks) until the returned function is
 * called. Only one capture runs at a time: a second call replaces the first.
 *
 * @example
 * const stop = captureDockerOutput((line) => tracker.output(line));
 * try { await toolkit.deploy(cx, options); } finally { stop(); }
 */
export function captureDockerOutput(onLine: (line: string) => void): () => void {
  active?.restore();
  const pending = { stdout: '', stderr: '' };
  const streams = [
    ['stdout', process.stdout],
    ['stderr', process.stderr],
  ] as const;
  const originals = streams.map(([, stream]) => stream.write);
  // What `onLine` writes itself (a redrawn progress view, a --verbose message) goes out as usual.
  let delivering = false;
  const flush = (key: 'stdout' | 'stderr', final: boolean) => {
    const parts = pending[key].split(/\r\n|\r|\n/);
    pending[key] = final ? '' : (parts.pop() ?? '');
    delivering = true;
    try {
      for (const line of parts) if (line.trim() !== '') onLine(line);
    } finally {
      delivering = false;
    }
  };
  streams.forEach(([key, stream], index) => {
    const original = originals[index] as Write;
    stream.write = function write(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      if (delivering || !fromCdkAssets())
        return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      pending[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      flush(key, false);
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    } as Write;
  });
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    streams.forEach(([key, stream], index) => {
      stream.write = originals[index] as Write;
      flush(key, true);
    });
    if (active?.restore === restore) active = undefined;
  };
  active = { onLine, restore };
  return restore;
}

/** True when the current write comes from cdk-assets' subprocess helper. */
function fromCdkAssets(): boolean {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder);
  return CDK_ASSETS_SHELL.test(holder.stack ?? '');
}
