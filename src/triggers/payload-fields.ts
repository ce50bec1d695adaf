import { AppError, ErrorCode } from '../errors/app-error.js';

/** The value at a dotted path of parsed JSON, or undefined when any step is missing or not an object. */
export function readField(payload: unknown, path: string): unknown {
  let value = payload;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function readString(payload: unknown, path: string): string | undefined {
  const value = readField(payload, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A field the event cannot be understood without: missing means the payload is not what it claims. */
export function requireString(payload: unknown, path: string, event: string): string {
  const value = readString(payload, path);
  if (value === undefined) {
    throw new AppError(ErrorCode.invalidArgument, `${event} payload has no ${path}: is the webhook sending JSON events of this provider?`);
  }
  return value;
}
