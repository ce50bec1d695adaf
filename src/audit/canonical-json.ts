import { AppError, ErrorCode } from '../errors/app-error.js';

/**
 * One JSON text per value, so a hash over it is reproducible: object keys sorted (by UTF-16 code
 * unit, as Array.prototype.sort does), no whitespace, undefined object members left out, strings and
 * numbers spelt as JSON.stringify spells them. The same value read back from jsonb (keys reordered,
 * whitespace dropped) gives the same text. Only JSON values are accepted: a Date, a bigint, NaN or a
 * class instance is refused rather than silently changed, because the verifier would then disagree.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw notJson(`the number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) throw notJson(`a ${value.constructor?.name ?? 'non-plain'} object`);
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw notJson(`a ${typeof value}`);
  }
}

function notJson(what: string): AppError {
  return new AppError(ErrorCode.internal, `canonicalJson got ${what}, which is not a JSON value: convert it (e.g. a Date to its ISO string) first`);
}
