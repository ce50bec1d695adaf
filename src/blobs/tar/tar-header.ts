import { AppError, ErrorCode } from '../../errors/app-error.js';
import { blockBytes } from './tar-entry.js';

/**
 * ustar (POSIX.1-1988) header blocks, plus the PAX extended header ('x') for what ustar cannot hold:
 * paths that do not split into a 155-byte prefix and a 100-byte name, long link targets, sizes of
 * 8 GiB and more. Fields this package does not use (uid, gid, mtime, owner names) are zero/empty, so an
 * archive of the same files is the same bytes.
 */
export interface HeaderFields {
  path: string;
  /** '0' file, '5' directory, '2' symlink, 'x' PAX extended header. */
  typeflag: string;
  mode: number;
  size: number;
  linkTarget?: string;
}

const maxOctalSize = 8 ** 11 - 1;

export function encodeHeaders(fields: HeaderFields): Buffer {
  const pax: Record<string, string> = {};
  const split = splitPath(fields.path);
  if (!split) pax['path'] = fields.path;
  const linkTarget = fields.linkTarget ?? '';
  if (Buffer.byteLength(linkTarget) > 100) pax['linkpath'] = linkTarget;
  if (fields.size > maxOctalSize) pax['size'] = String(fields.size);
  const header = encodeBlock({
    name: split?.name ?? truncate(fields.path, 100),
    prefix: split?.prefix ?? '',
    typeflag: fields.typeflag,
    mode: fields.mode,
    size: fields.size > maxOctalSize ? 0 : fields.size,
    linkTarget: pax['linkpath'] ? truncate(linkTarget, 100) : linkTarget,
  });
  if (Object.keys(pax).length === 0) return header;
  const records = Buffer.from(Object.entries(pax).map(([key, value]) => formatPaxRecord(key, value)).join(''));
  const paxHeader = encodeBlock({
    name: truncate(`PaxHeaders/${fields.path}`, 100),
    prefix: '',
    typeflag: 'x',
    mode: 0o644,
    size: records.length,
    linkTarget: '',
  });
  return Buffer.concat([paxHeader, records, Buffer.alloc(padBytes(records.length)), header]);
}

interface Block {
  name: string;
  prefix: string;
  typeflag: string;
  mode: number;
  size: number;
  linkTarget: string;
}

function encodeBlock(block: Block): Buffer {
  const buf = Buffer.alloc(blockBytes);
  buf.write(block.name, 0, 100);
  writeOctal(buf, 100, 8, block.mode & 0o7777);
  writeOctal(buf, 108, 8, 0);
  writeOctal(buf, 116, 8, 0);
  writeOctal(buf, 124, 12, block.size);
  writeOctal(buf, 136, 12, 0);
  buf.write(block.typeflag, 156, 1);
  buf.write(block.linkTarget, 157, 100);
  buf.write('ustar\u000000', 257, 8, 'latin1');
  buf.write(block.prefix, 345, 155);
  buf.write(`${computeChecksum(buf).toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return buf;
}

export interface DecodedHeader {
  path: string;
  typeflag: string;
  mode: number;
  size: number;
  linkTarget: string;
}

/** undefined for an all-zero block (the end of the archive). */
export function decodeHeader(block: Buffer, offset: number): DecodedHeader | undefined {
  if (block.every((byte) => byte === 0)) return undefined;
  const stored = parseOctal(block, 148, 8, offset, 'checksum');
  if (stored !== computeChecksum(block)) {
    throw invalidArchive(`header at byte ${offset} has a wrong checksum: this is not a tar archive, or it is corrupted`);
  }
  if (block.toString('latin1', 257, 262) !== 'ustar') {
    throw invalidArchive(`header at byte ${offset} is not a ustar header`);
  }
  const name = readString(block, 0, 100);
  const prefix = readString(block, 345, 155);
  return {
    path: prefix ? `${prefix}/${name}` : name,
    typeflag: block.toString('latin1', 156, 157).replace('\u0000', '0'),
    mode: parseOctal(block, 100, 8, offset, 'mode'),
    size: parseOctal(block, 124, 12, offset, 'size'),
    linkTarget: readString(block, 157, 100),
  };
}

/** `key=value` records of a PAX extended header. */
export function parsePaxRecords(data: Buffer, offset: number): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = space > at ? Number(data.toString('latin1', at, space)) : Number.NaN;
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) {
      throw invalidArchive(`PAX header at byte ${offset} has a malformed record`);
    }
    const record = data.toString('utf8', space + 1, at + length - 1);
    const equals = record.indexOf('=');
    if (equals <= 0) throw invalidArchive(`PAX header at byte ${offset} has a record without '='`);
    records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }
  return records;
}

export function padBytes(size: number): number {
  return (blockBytes - (size % blockBytes)) % blockBytes;
}

export function invalidArchive(message: string): AppError {
  return new AppError(ErrorCode.invalidArgument, `invalid archive: ${message}`);
}

function splitPath(path: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    const prefix = path.slice(0, slash);
    const name = path.slice(slash + 1);
    if (Buffer.byteLength(prefix) > 155) return undefined;
    if (name !== '' && Buffer.byteLength(name) <= 100) return { prefix, name };
  }
  return undefined;
}

function truncate(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  return bytes.length <= maxBytes ? text : bytes.subarray(0, maxBytes).toString('utf8').replace(/\uFFFD+$/, '');
}

function formatPaxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyBytes = Buffer.byteLength(body);
  let length = bodyBytes + String(bodyBytes).length;
  if (String(length).length + bodyBytes !== length) length = bodyBytes + String(length).length;
  return `${length}${body}`;
}

function computeChecksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < blockBytes; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  buf.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'latin1');
}

function parseOctal(block: Buffer, offset: number, length: number, headerOffset: number, field: string): number {
  const text = block.toString('latin1', offset, offset + length).replace(/[\u0000 ]+$/, '').trim();
  if (!/^[0-7]*$/.test(text)) {
    throw invalidArchive(`header at byte ${headerOffset} has a non-octal ${field} field (base-256 numbers are not supported)`);
  }
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function readString(block: Buffer, offset: number, length: number): string {
  const end = block.indexOf(0, offset);
  return block.toString('utf8', offset, end === -1 || end > offset + length ? offset + length : end);
}
