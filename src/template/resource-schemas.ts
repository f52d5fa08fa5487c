/**
 * The `Fn::GetAtt` attributes of every CloudFormation resource type, read from the CloudFormation
 * resource provider schemas that AWS's validator (`@aws/cloudformation-validate`, bundled with
 * aws-cdk-lib; see `src/check/cfn-validate.ts`) carries.
 *
 * The validator keeps its data tables as zstd-compressed JSON documents inside its WebAssembly
 * module and has no API that returns them, so this module finds the document it needs by the
 * first key of its JSON: `getatt_attributes` (type → the attribute names `Fn::GetAtt` accepts,
 * which include every `readOnlyProperties` entry of the type's schema) with
 * `getatt_attribute_types` (type → attribute → the JSON type `Fn::GetAtt` returns). Decoding runs
 * on the first lookup only (tens of milliseconds), never at start-up: modelled attributes
 * (`physical-ids.ts`) are answered without it.
 *
 * If the validator is missing or its layout changes, lookups answer `unavailable` with the reason,
 * and callers degrade (an invented value and a warning) rather than fail.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Decompress } from 'fzstd';

/** The JSON type an attribute's `Fn::GetAtt` returns, as the schemas declare it. */
export type AttributeValueType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

/** What the schemas say about one resource type's attributes. */
export type AttributeSchemaLookup =
  | {
      readonly kind: 'found';
      /** Every attribute name `Fn::GetAtt` accepts for the type, with its value type. */
      readonly attributes: Readonly<Record<string, AttributeValueType>>;
    }
  /** The schemas have no such type (a SAM type, a third-party or private type, a typo). */
  | { readonly kind: 'unknown-type' }
  /** The schemas could not be read; `reason` says why. */
  | { readonly kind: 'unavailable'; readonly reason: string };

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const VALUE_TYPES = new Set<string>(['string', 'integer', 'number', 'boolean', 'array', 'object']);

/** The validator's WebAssembly module, as bytes. */
function validatorWasm(): Buffer {
  const require = createRequire(import.meta.url);
  const fromCdk = createRequire(require.resolve('aws-cdk-lib/package.json'));
  const folder = dirname(fromCdk.resolve('@aws/cloudformation-validate/package.json'));
  return readFileSync(join(folder, 'bindings_wasm_bg.wasm'));
}

/** Where the first block of the zstd frame at `start` ends (frame header, block header, block). */
function firstBlockEnd(bytes: Buffer, start: number): number {
  const descriptor = bytes[start + 4] ?? 0;
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryFlag = descriptor & 3;
  const header =
    5 +
    (singleSegment ? 0 : 1) +
    [0, 1, 2, 4][dictionaryFlag] +
    [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag];
  const at = start + header;
  const blockHeader = (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16);
  const blockType = (blockHeader >> 1) & 3;
  const blockSize = blockHeader >> 3;
  return Math.min(bytes.length, at + 3 + (blockType === 1 ? 1 : blockSize));
}

/**
 * Decompresses the zstd frame at `start` (the bytes up to `end` may run past its end); with
 * `prefixOnly`, decodes only the first block and returns the start of the text.
 */
function inflate(bytes: Buffer, start: number, end: number, prefixOnly: boolean): string {
  const chunks: Uint8Array[] = [];
  const stream = new Decompress((chunk) => {
    chunks.push(chunk);
  });
  const stop = prefixOnly ? firstBlockEnd(bytes, start) : end;
  const step = 1 << 16;
  for (let at = start; at < stop; at += step) {
    try {
      stream.push(bytes.subarray(at, Math.min(stop, at + step)));
    } catch (error) {
      // The bytes after the frame's last block are not zstd: what came before is the document
      // (the caller's JSON.parse tells a truncated one).
      if (chunks.length > 0) break;
      throw error;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The validator's JSON document whose text starts like `opening` (a string prefix, or a pattern
 * for the first characters), parsed.
 *
 * @throws Error when the validator cannot be read or has no such document.
 * @example
 * const table = validatorDocument('{"getatt_attributes":') as { getatt_attributes: Record<string, string[]> };
 */
export function validatorDocument(opening: string | RegExp): Record<string, unknown> {
  const bytes = validatorWasm();
  const starts: number[] = [];
  for (let at = bytes.indexOf(ZSTD_MAGIC); at >= 0; at = bytes.indexOf(ZSTD_MAGIC, at + 1)) starts.push(at);
  for (const [index, start] of starts.entries()) {
    let head: string;
    try {
      head = inflate(bytes, start, bytes.length, true);
    } catch {
      continue; // the magic number also occurs by chance in code and other data
    }
    if (typeof opening === 'string' ? !head.startsWith(opening) : !opening.test(head)) continue;
    const end = starts[index + 1] ?? bytes.length;
    return JSON.parse(inflate(bytes, start, end, false)) as Record<string, unknown>;
  }
  throw new Error(`the validator bundled with aws-cdk-lib has no table starting ${String(opening)}`);
}

interface GetAttTables {
  readonly names: Readonly<Record<string, readonly string[]>>;
  readonly types: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

let tables: GetAttTables | { readonly error: string } | undefined;

function loadTables(): GetAttTables | { readonly error: string } {
  if (tables) return tables;
  try {
    const document = validatorDocument('{"getatt_attributes":');
    const names = document.getatt_attributes;
    const types = document.getatt_attribute_types;
    if (typeof names !== 'object' || names === null || typeof types !== 'object' || types === null) {
      throw new Error('its GetAtt table has an unexpected shape');
    }
    tables = { names: names as GetAttTables['names'], types: types as GetAttTables['types'] };
  } catch (error) {
    tables = {
      error: `the CloudFormation resource schemas could not be read (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  return tables;
}

/**
 * The attributes `Fn::GetAtt` accepts for `type`, with their value types, from the resource
 * schemas. Decodes the schemas on the first call.
 *
 * @example
 * const lookup = attributeSchema('AWS::DynamoDB::Table');
 * // { kind: 'found', attributes: { Arn: 'string', StreamArn: 'string' } }
 */
export function attributeSchema(type: string): AttributeSchemaLookup {
  const loaded = loadTables();
  if ('error' in loaded) return { kind: 'unavailable', reason: loaded.error };
  if (!Object.hasOwn(loaded.names, type)) return { kind: 'unknown-type' };
  const declared = Object.hasOwn(loaded.types, type) ? loaded.types[type] : {};
  const attributes: Record<string, AttributeValueType> = {};
  for (const name of loaded.names[type]) {
    const declaredType = Object.hasOwn(declared, name) ? declared[name] : 'string';
    attributes[name] = (VALUE_TYPES.has(declaredType) ? declaredType : 'string') as AttributeValueType;
  }
  return { kind: 'found', attributes };
}

/**
 * Every resource type's `readOnlyProperties`, from the full provider schemas (about 6 MB of JSON
 * decoded on each call): for tests and tools that enumerate attributes, not for the evaluator.
 *
 * @example
 * readOnlyProperties().get('AWS::DynamoDB::Table'); // ['Arn', 'StreamArn']
 */
export function readOnlyProperties(): Map<string, readonly string[]> {
  const schemas = validatorDocument(/^\{"[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+":\{"type_name":/);
  const out = new Map<string, readonly string[]>();
  for (const [type, schema] of Object.entries(schemas)) {
    const names = (schema as { read_only_properties?: unknown }).read_only_properties;
    out.set(type, Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : []);
  }
  return out;
}
