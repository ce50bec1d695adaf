import { AppError, ErrorCode } from '../errors/app-error.js';

/** Request headers as Node gives them (lower-case names) or as any plain object. */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The single value of header `name` (case-insensitive), or undefined when absent. A repeated header
 * is refused: for a signature or a token, picking one of two would let a sender choose.
 */
export function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: string | undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (found !== undefined || (typeof value !== 'string' && value.length !== 1)) {
      throw new AppError(ErrorCode.invalidArgument, `header ${name} was sent more than once; send it once`);
    }
    found = typeof value === 'string' ? value : value[0];
  }
  return found;
}
