import { AppError, ErrorCode } from '../errors/app-error.js';

// Lowercase only: unquoted in a connection's startup options, a name is folded to lowercase anyway.
const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validates a schema name and returns it quoted for SQL. */
export function quoteSchemaName(schema: string): string {
  if (!schemaNamePattern.test(schema)) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `invalid schema name ${JSON.stringify(schema)}: use lowercase letters, digits and _ (no digit first), at most 63 characters`,
    );
  }
  return `"${schema}"`;
}
