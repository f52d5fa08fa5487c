/**
 * The wire formats of the AWS query protocol (CloudFormation, STS) and of S3's REST XML: form
 * fields in, XML out.
 */

/** Escapes text for an XML element or attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** How {@link xmlElement} writes lists: query protocol `<member>` items, or repeated elements (S3). */
export type ListStyle = 'member' | 'flat';

/**
 * One XML element for `value`: objects become child elements, lists `<member>` items (or, with
 * `flat`, the element repeated once per item), dates ISO 8601, `undefined` nothing at all.
 */
export function xmlElement(name: string, value: unknown, lists: ListStyle = 'member'): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    if (lists === 'flat') return value.map((item) => xmlElement(name, item, lists)).join('');
    return `<${name}>${value.map((item) => xmlElement('member', item, lists)).join('')}</${name}>`;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => xmlElement(key, item, lists))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A query-protocol success response: `<XResponse><XResult>…</XResult><ResponseMetadata>…`. */
export function queryResponse(action: string, namespace: string, result: unknown, requestId: string): string {
  const body = result === undefined ? '' : xmlElement(`${action}Result`, result);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** A query-protocol error: `<ErrorResponse><Error><Type>…<Code>…<Message>…`. */
export function queryError(
  namespace: string,
  type: 'Sender' | 'Receiver',
  code: string,
  message: string,
  requestId: string,
): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

/**
 * Form fields of a query-protocol request as nested values: `Parameters.member.1.ParameterKey=A`
 * becomes `{ Parameters: [{ ParameterKey: 'A' }] }`, `Capabilities.member.1=X` `{ Capabilities: ['X'] }`.
 */
export function parseQueryForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split('.').filter((part) => part !== 'member' && part !== 'entry');
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const last = i === parts.length - 1;
      const index = /^\d+$/.test(part) ? Number(part) - 1 : undefined;
      const slot: string | number = index ?? part;
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[slot] = value;
        break;
      }
      const nextIsIndex = /^\d+$/.test(parts[i + 1]);
      if (container[slot] === undefined) container[slot] = nextIsIndex ? [] : {};
      node = container[slot] as Record<string, unknown> | unknown[];
    }
  }
  return root;
}
