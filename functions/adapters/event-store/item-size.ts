// DynamoDB's item size, as it bills and limits it: every attribute's name plus its value (UTF-8
// strings, numbers at about one byte per two digits plus one, binary as is).
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
export const MAX_ITEM_BYTES = 400 * 1024;

export type ItemValue = string | number | Uint8Array;

export function itemSize(item: Record<string, ItemValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += utf8(name) + valueSize(value);
  return bytes;
}

/** Write units an item costs: one per started kilobyte (standard table, non-transactional). */
export const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

function valueSize(value: ItemValue): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/[.-]|e.*$/gi, '')
      .replace(/^0+/, '').length;
    return Math.ceil(Math.max(digits, 1) / 2) + 1;
  }
  return value.byteLength;
}

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');
