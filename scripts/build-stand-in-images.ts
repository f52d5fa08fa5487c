/**
 * Makes the offline stand-in base images on a machine without registry access, so Dockerfiles
 * starting `FROM node:22-alpine` build unchanged (see `src/local/runtime/stand-in-image.ts`).
 *
 * ```sh
 * npx tsx scripts/build-stand-in-images.ts                 # the images the examples need
 * npx tsx scripts/build-stand-in-images.ts node:20-slim    # any node:<tag> or busybox:<tag>
 * npx tsx scripts/build-stand-in-images.ts --force         # also replace images Wharf did not make
 * ```
 *
 * Exit 0 when every image is there afterwards, 2 for an image without a recipe, 1 when Docker
 * refused.
 *
 * @module
 */

import { parseArgs } from 'node:util';
import { isWharfError } from '../src/errors.js';
import { ensureStandInBaseImage, STAND_IN_IMAGES } from '../src/local/runtime/stand-in-image.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  process.stdout.write(
    'Usage: npx tsx scripts/build-stand-in-images.ts [image…] [--force]\n' +
      `Makes stand-ins for node:<tag> and busybox:<tag> from this machine's files (default: ${STAND_IN_IMAGES.join(', ')}).\n` +
      'An image of that name that Wharf did not make is kept unless --force.\n',
  );
  process.exit(0);
}
const io = { notify: (m: { message: string }) => process.stderr.write(`${m.message}\n`) };
let exitCode = 0;
for (const image of positionals.length > 0 ? positionals : STAND_IN_IMAGES) {
  try {
    const started = Date.now();
    const result = await ensureStandInBaseImage(image, { force: values.force, io });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const said = {
      built: `made a stand-in in ${seconds} s`,
      current: 'stand-in already made from these files',
      'kept-real': 'a real image is present: kept',
    }[result.action];
    process.stdout.write(`${result.image}: ${said}\n`);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    exitCode = Math.max(exitCode, isWharfError(error) && error.code === 'WHARF_STAND_IN_UNKNOWN' ? 2 : 1);
  }
}
process.exitCode = exitCode;
