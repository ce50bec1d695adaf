import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Env the CLI reads here: SLIPWAY_TOKEN, SLIPWAY_CONFIG_DIR, XDG_CONFIG_HOME, HOME. */
export type CliEnv = Record<string, string | undefined>;

/**
 * Where `slipway login` (and the first `slipway up`) keep API tokens, one per server, readable by
 * the user only — as `gh` and `glab` do: `$SLIPWAY_CONFIG_DIR/credentials.json`, else
 * `$XDG_CONFIG_HOME/slipway/`, else `~/.config/slipway/`.
 */
export function credentialsFile(env: CliEnv): string {
  const dir = env['SLIPWAY_CONFIG_DIR'] || join(env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config'), 'slipway');
  return join(dir, 'credentials.json');
}

/** A server's key in the file: its origin, with localhost and 127.0.0.1 as one. */
export function serverKey(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.hostname === '127.0.0.1' || url.hostname === '[::1]') url.hostname = 'localhost';
  return url.origin;
}

interface CredentialsFile {
  servers: Record<string, { token: string }>;
}

function parseCredentials(text: string): CredentialsFile {
  const parsed = JSON.parse(text) as Partial<CredentialsFile>;
  return { servers: typeof parsed.servers === 'object' && parsed.servers !== null ? parsed.servers : {} };
}

/** SLIPWAY_TOKEN, else the token saved for this server; undefined when there is none. */
export function resolveToken(serverUrl: string, env: CliEnv): string | undefined {
  if (env['SLIPWAY_TOKEN']) return env['SLIPWAY_TOKEN'];
  try {
    return parseCredentials(readFileSync(credentialsFile(env), 'utf8')).servers[serverKey(serverUrl)]?.token;
  } catch {
    return undefined;
  }
}

/** Saves (or replaces) the token of one server; the file is written whole and made private to the user. */
export async function saveToken(serverUrl: string, token: string, env: CliEnv): Promise<string> {
  const file = credentialsFile(env);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let current: CredentialsFile = { servers: {} };
  try {
    current = parseCredentials(await readFile(file, 'utf8'));
  } catch {
    // Missing or unreadable: start anew.
  }
  current.servers[serverKey(serverUrl)] = { token };
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
  return file;
}

/**
 * fetch for the CLI's API clients: adds `Authorization: Bearer` with the token for the URL's server
 * (resolveToken) unless the call sets its own. The environment is read here, at the CLI edge.
 */
export function cliFetch(input: string, init: RequestInit = {}): Promise<Response> {
  const token = resolveToken(input, process.env);
  if (!token) return fetch(input, init);
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}
