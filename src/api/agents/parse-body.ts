import type { z } from 'zod';
import { AppError, ErrorCode } from '../../errors/app-error.js';

/** Validates a request body (or params, query) at the API edge; problems become one invalid_argument. */
export function parseBody<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new AppError(ErrorCode.invalidArgument, `invalid ${what}: ${problems}`, { cause: parsed.error });
}
