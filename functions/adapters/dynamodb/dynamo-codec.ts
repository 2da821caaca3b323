import type { AttributeValue } from '@aws-sdk/client-dynamodb';

// Plain JSON-like values <-> DynamoDB attribute values. @aws-sdk/util-dynamodb is not a
// dependency, and our records only hold strings, numbers, booleans, lists and maps, so
// this is the whole of what we need. Nested objects become native M / L attributes (not
// JSON strings) so an item reads naturally in the DynamoDB console.

export type Item = Record<string, AttributeValue>;

/** `undefined` means "leave the attribute out", as an optional field should be. */
export function toAttributeValue(value: unknown, path = 'value'): AttributeValue | undefined {
  if (value === undefined) return undefined;
  if (value === null) return { NULL: true };
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'boolean':
      return { BOOL: value };
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path} is not a finite number`);
      return { N: String(value) };
    case 'object':
      if (Array.isArray(value)) return { L: value.map((v, i) => toAttributeValue(v, `${path}[${i}]`) ?? { NULL: true }) };
      return { M: toAttributeMap(value as Record<string, unknown>, path) };
    default:
      throw new TypeError(`${path} has type ${typeof value}, which is not stored`);
  }
}

export function toAttributeMap(record: object, path = 'record'): Item {
  const out: Item = {};
  for (const [name, value] of Object.entries(record)) {
    const av = toAttributeValue(value, `${path}.${name}`);
    if (av !== undefined) out[name] = av;
  }
  return out;
}

export function fromAttributeValue(av: AttributeValue): unknown {
  if (av.S !== undefined) return av.S;
  if (av.N !== undefined) return Number(av.N);
  if (av.BOOL !== undefined) return av.BOOL;
  if (av.NULL !== undefined) return null;
  if (av.L !== undefined) return av.L.map(fromAttributeValue);
  if (av.M !== undefined) return fromAttributeMap(av.M);
  if (av.SS !== undefined) return [...av.SS];
  if (av.NS !== undefined) return av.NS.map(Number);
  throw new TypeError(`unsupported attribute value type: ${Object.keys(av).join(',')}`);
}

export function fromAttributeMap(item: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, av] of Object.entries(item)) out[name] = fromAttributeValue(av);
  return out;
}

/** A conditional write or delete refused because the item is not as the condition expects. */
export function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}
