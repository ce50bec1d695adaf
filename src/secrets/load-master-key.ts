import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { decodeMasterKey, masterKeyBytes, masterKeyFormatHint } from './decode-master-key.js';

export interface LoadMasterKeyOptions {
  /** The configured key (config.masterKey, from SLIPWAY_MASTER_KEY); when set, no key file is read or made. */
  masterKey?: Uint8Array;
  /** Absolute path of the data directory that holds (or will hold) `master.key`. */
  dataDir: string;
}

export interface MasterKey {
  /** 32 bytes. */
  key: Buffer;
  /** `created`: a new key file was written just now — losing it loses every secret, so say so. */
  source: 'config' | 'file' | 'created';
  /** The key file, unless the key came from the configuration. */
  file?: string;
}

export const masterKeyFileName = 'master.key';

/**
 * The configured master key, or else the one in `<dataDir>/master.key`, which is generated on first
 * use (32 random bytes, base64, mode 0600). A key file readable by group or others is refused rather
 * than used: anyone who can read it can decrypt every secret.
 *
 * Servers sharing one PostgreSQL must share one key: configure it there (a generated file is per host).
 */
export async function loadMasterKey(options: LoadMasterKeyOptions): Promise<MasterKey> {
  if (options.masterKey) {
    if (options.masterKey.length !== masterKeyBytes) {
      throw new AppError(ErrorCode.invalidArgument, `SLIPWAY_MASTER_KEY ${masterKeyFormatHint}`);
    }
    return { key: Buffer.from(options.masterKey), source: 'config' };
  }
  const file = join(options.dataDir, masterKeyFileName);
  const existing = await readKeyFile(file);
  if (existing) return { key: existing, source: 'file', file };
  const created = await createKeyFile(file, options.dataDir);
  // Another process created it first: use theirs, or the two would encrypt with different keys.
  if (!created) return { key: (await readKeyFile(file))!, source: 'file', file };
  return { key: created, source: 'created', file };
}

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError(ErrorCode.unavailable, `cannot read the master key file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  // Windows has no such mode bits (Node reports 0o666 for every file).
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new AppError(
      ErrorCode.failedPrecondition,
      `the master key file ${file} is accessible to group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): run \`chmod 600 ${file}\` and start again`,
    );
  }
  const key = decodeMasterKey(await readFile(file, 'utf8'));
  if (!key) {
    throw new AppError(
      ErrorCode.failedPrecondition,
      `the master key file ${file} ${masterKeyFormatHint}; if it was damaged, restore it from a backup — a new key cannot decrypt the stored secrets`,
    );
  }
  return key;
}

/** Writes a new key beside the final name, then links it into place: never a half-written key file. */
async function createKeyFile(file: string, dataDir: string): Promise<Buffer | undefined> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(masterKeyBytes);
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  } finally {
    await rm(temporary, { force: true });
  }
}
