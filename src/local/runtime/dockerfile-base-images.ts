/**
 * The registry images a Dockerfile builds on: the images of its `FROM` lines, without `scratch`
 * and without earlier stages named with `AS`. `wharf dev` asks for them before it chooses a
 * runtime, as it does for the images of registry containers, so an image that is neither on this
 * machine nor pullable is known before anything starts (and `--runtime auto` can fall back to the
 * process runtime for the user's own app, saying why) instead of failing the build.
 *
 * Fidelity: Docker's variable substitution in `FROM` (`$NAME`, `${NAME}`, `${NAME:-default}`) from
 * the `ARG`s declared before the first `FROM`, overridden by the build arguments. A reference that
 * still holds an unknown variable is left out (BuildKit decides it). Not reproduced: `--build-context`
 * names, `${NAME:+word}`.
 * @see https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact
 */

import { dockerfileInstructions } from './build-output.js';
import { standInRecipe } from './stand-in-rootfs.js';

/**
 * The images a Dockerfile starts from, in order, each once.
 *
 * @param buildArgs the build's `--build-arg` values (they override the `ARG` defaults)
 * @example dockerfileBaseImages('FROM node:22-alpine AS build\nFROM build\n') // ['node:22-alpine']
 * @example dockerfileBaseImages('ARG V=22\nFROM node:${V}-alpine\n', { V: '20' }) // ['node:20-alpine']
 * @example dockerfileBaseImages('FROM scratch\n') // []
 */
export function dockerfileBaseImages(
  dockerfile: string,
  buildArgs: Readonly<Record<string, string>> = {},
): string[] {
  const args = new Map<string, string | undefined>();
  const stages = new Set<string>();
  const images: string[] = [];
  let seenFrom = false;
  for (const { text } of dockerfileInstructions(dockerfile)) {
    const [keyword = '', ...words] = text.split(/\s+/);
    const instruction = keyword.toUpperCase();
    if (instruction === 'ARG' && !seenFrom) {
      for (const word of words) {
        const [name = '', ...value] = word.split('=');
        args.set(name, buildArgs[name] ?? (value.length > 0 ? unquote(value.join('=')) : undefined));
      }
      continue;
    }
    if (instruction !== 'FROM') continue;
    seenFrom = true;
    const operands = words.filter((word) => !word.startsWith('--'));
    const image = substitute(operands[0] ?? '', args);
    const alias = operands[1]?.toUpperCase() === 'AS' ? operands[2]?.toLowerCase() : undefined;
    if (
      image &&
      image.toLowerCase() !== 'scratch' &&
      !stages.has(image.toLowerCase()) &&
      !images.includes(image)
    ) {
      images.push(image);
    }
    if (alias) stages.add(alias);
  }
  return images;
}

/** `text` with its variables replaced; `undefined` when one has no value. */
function substitute(text: string, args: ReadonlyMap<string, string | undefined>): string | undefined {
  let unknown = false;
  const result = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const value = args.get(braced ?? bare ?? '');
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      unknown = true;
      return '';
    },
  );
  return unknown ? undefined : result;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/**
 * Why a base image is missing and how to get it: pull it, or (for `node:<tag>` and `busybox:<tag>`,
 * when Wharf's scripts are at hand) make Wharf's offline stand-in under that name.
 *
 * @param standInScript the stand-in script (absolute), when this Wharf has it
 * @example baseImageUnavailable('node:22-alpine', '/srv/app/Dockerfile', 'no such host', '/w/scripts/build-stand-in-images.ts')
 */
export function baseImageUnavailable(
  image: string,
  dockerfile: string,
  reason: string,
  standInScript?: string,
): string {
  const pull = `Pull it where a registry is reachable ('docker pull ${image}') or load it ('docker load')`;
  const standIn =
    standInScript && standInRecipe(image)
      ? `, or, without registry access, make Wharf's offline stand-in under that name: 'npx tsx ${standInScript} ${image}'`
      : '';
  return `Base image '${image}' (FROM in ${dockerfile}) is not on this machine and could not be pulled: ${reason}. ${pull}${standIn}.`;
}
