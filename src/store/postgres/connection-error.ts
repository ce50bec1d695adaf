import { AppError, ErrorCode } from '../../errors/app-error.js';

/** Where a database URL points, for messages: never the password. */
export interface PostgresTarget {
  /** host:port, or the socket directory for a unix-socket URL. */
  address: string;
  database: string;
  user: string;
  /** The URL's password, kept only to scrub it from any text we pass on. */
  password: string;
}

export function describeTarget(databaseUrl: string): PostgresTarget {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    // The URL parser's error carries the input (with its password), so it is not passed on as cause.
    throw new AppError(
      ErrorCode.invalidArgument,
      'DATABASE_URL is not a valid URL: expected postgres://user:password@host:5432/database',
      { cause: new Error('invalid database URL') },
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new AppError(
      ErrorCode.invalidArgument,
      `DATABASE_URL must start with postgres:// or postgresql://, not ${url.protocol}//`,
      { cause: new Error('unsupported database URL scheme') },
    );
  }
  const socketDir = url.searchParams.get('host');
  const host = url.hostname || socketDir || 'localhost';
  return {
    address: host.startsWith('/') ? host : `${host}:${url.port || '5432'}`,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres',
    user: decodeURIComponent(url.username) || 'the current OS user',
    password: decodeURIComponent(url.password),
  };
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOENT', // unix socket path missing
]);

/** SQLSTATEs that mean the server or the session went away, not that the statement was wrong. */
function isLostConnectionState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}

function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node reports a failed connect to a name with several addresses as an AggregateError.
  const inner = (err as { errors?: unknown }).errors;
  return Array.isArray(inner) ? errorCodeOf(inner[0]) : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Turns a failure to reach, log in to or stay connected to PostgreSQL into an AppError that says what to
 * do. Returns undefined for every other error (a failing statement), which callers pass on unchanged.
 */
export function toConnectionError(err: unknown, target: PostgresTarget): AppError | undefined {
  if (err instanceof AppError) return err;
  const code = errorCodeOf(err);
  const scrub = (text: string): string => (target.password ? text.split(target.password).join('***') : text);
  const detail = scrub(messageOf(err));
  const fix = 'set DATABASE_URL to postgres://user:password@host:5432/database, or unset it to use the embedded database';
  let message: string | undefined;
  if (code && networkCodes.has(code)) {
    message = `cannot reach PostgreSQL at ${target.address}: ${code} — is it running? ${fix}`;
  } else if (/timeout/i.test(detail) && /connect/i.test(detail)) {
    message = `cannot reach PostgreSQL at ${target.address}: connection timed out — is it running and reachable? ${fix}`;
  } else if (code === '28P01' || code === '28000') {
    message = `PostgreSQL at ${target.address} refused user "${target.user}": ${detail} — check the user and password in DATABASE_URL`;
  } else if (code === '3D000') {
    message = `PostgreSQL at ${target.address} has no database "${target.database}" — create it (createdb ${target.database}) or fix DATABASE_URL`;
  } else if ((code && isLostConnectionState(code)) || /connection terminated|not queryable/i.test(detail)) {
    message = `lost the connection to PostgreSQL at ${target.address}: ${detail}`;
  } else if (/SASL|password/i.test(detail)) {
    message = `cannot log in to PostgreSQL at ${target.address} as "${target.user}": ${detail} — check the password in DATABASE_URL`;
  }
  return message === undefined ? undefined : new AppError(ErrorCode.unavailable, message, { cause: err });
}
