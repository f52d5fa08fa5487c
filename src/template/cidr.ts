/**
 * `Fn::Cidr` subnetting math: split an IPv4 or IPv6 block into consecutive equal blocks.
 *
 * CloudFormation's `Fn::Cidr [ipBlock, count, cidrBits]` returns `count` blocks of `2^cidrBits`
 * addresses each (prefix length `32 - cidrBits` for IPv4, `128 - cidrBits` for IPv6), starting at
 * the network address of `ipBlock`. `count` is 1–256.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-cidr.html
 */

/** Why a `Fn::Cidr` call cannot be answered (turned into a template error by the caller). */
export class CidrError extends Error {}

interface Block {
  readonly version: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

function parseBlock(text: string): Block {
  const [address, prefixText, extra] = text.split('/');
  const version = address.includes(':') ? 6 : 4;
  const parsed = version === 4 ? parseIpv4(address) : parseIpv6(address);
  const width = version === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (parsed === undefined || extra !== undefined || !/^\d+$/.test(prefixText ?? '') || prefix > width) {
    throw new CidrError(`'${text}' is not a CIDR block such as 10.0.0.0/16 or 2001:db8::/56`);
  }
  const hostBits = BigInt(width - prefix);
  return { version, address: (parsed >> hostBits) << hostBits, prefix };
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run of zero groups as `::`. */
function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - i * 16)) & 0xffffn));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.length < 2) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/**
 * The address `offset` places after the network address of `ipBlock`.
 *
 * @throws {@link CidrError} when the block is malformed or the offset does not fit in it.
 * @example
 * addressInBlock('2600:1f18:1:200::/64', 4n); // '2600:1f18:1:200::4'
 */
export function addressInBlock(ipBlock: string, offset: bigint): string {
  const block = parseBlock(ipBlock);
  const width = block.version === 4 ? 32 : 128;
  if (offset < 0n || offset >= 1n << BigInt(width - block.prefix)) {
    throw new CidrError(`offset ${offset} is outside ${ipBlock}`);
  }
  return (block.version === 4 ? formatIpv4 : formatIpv6)(block.address + offset);
}

/**
 * Splits `ipBlock` into `count` consecutive blocks of `2^cidrBits` addresses.
 *
 * @throws {@link CidrError} when the block is malformed, `count` is not 1–256, `cidrBits` does not
 *   fit the block, or the blocks do not all fit inside it.
 * @example
 * cidrSubnets('10.0.0.0/16', 2, 8); // ['10.0.0.0/24', '10.0.1.0/24']
 */
export function cidrSubnets(ipBlock: string, count: number, cidrBits: number): string[] {
  const block = parseBlock(ipBlock);
  const width = block.version === 4 ? 32 : 128;
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    throw new CidrError(`count must be an integer from 1 to 256, got ${count}`);
  }
  const prefix = width - cidrBits;
  if (!Number.isInteger(cidrBits) || cidrBits < 0 || prefix < block.prefix) {
    throw new CidrError(
      `cidrBits must be an integer from 0 to ${width - block.prefix} for ${ipBlock} (each block is /${width}-cidrBits), got ${cidrBits}`,
    );
  }
  const size = 1n << BigInt(cidrBits);
  if (BigInt(count) * size > 1n << BigInt(width - block.prefix)) {
    throw new CidrError(`${count} blocks of /${prefix} do not fit in ${ipBlock}`);
  }
  const format = block.version === 4 ? formatIpv4 : formatIpv6;
  return Array.from({ length: count }, (_, i) => `${format(block.address + BigInt(i) * size)}/${prefix}`);
}
