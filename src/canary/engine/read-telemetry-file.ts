import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { parseNdjsonTelemetryLine } from './read-ndjson-telemetry.js';
import type { TelemetryRecord } from './telemetry-record.js';

export type TelemetryFormat = 'ndjson' | 'protobuf';

/** A reader turns a file into records in file order; it throws AppError naming file:line on bad input. */
export type TelemetryReader = (path: string) => AsyncIterable<TelemetryRecord>;

/**
 * Readers by format. Protobuf (length-delimited TelemetryEvent messages from proto/) is being added
 * separately: it plugs in here and nothing else changes.
 */
export const TELEMETRY_READERS: Partial<Record<TelemetryFormat, TelemetryReader>> = { ndjson: readNdjsonTelemetry };

const FORMAT_BY_EXTENSION: Record<string, TelemetryFormat> = { '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'ndjson', '.pb': 'protobuf', '.binpb': 'protobuf' };

export function detectTelemetryFormat(path: string): TelemetryFormat {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()] ?? 'ndjson';
}

export function readTelemetryFile(path: string, format: TelemetryFormat = detectTelemetryFormat(path)): AsyncIterable<TelemetryRecord> {
  const reader = TELEMETRY_READERS[format];
  if (reader === undefined) {
    throw new AppError(ErrorCode.invalidArgument, `${path}: ${format} telemetry cannot be read yet — record as ndjson (.ndjson) for now`);
  }
  return reader(path);
}

async function* readNdjsonTelemetry(path: string): AsyncIterable<TelemetryRecord> {
  // Opened first: readline over a stream that fails to open can leave `for await` pending forever.
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw describeReadError(path, error);
  });
  const stream = handle.createReadStream({ encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      const parsed = parseNdjsonTelemetryLine(line);
      if (!parsed.ok) throw new AppError(ErrorCode.invalidArgument, `${path}:${lineNumber}:1: ${parsed.message} — fix or remove the line`);
      if (parsed.record !== undefined) yield parsed.record;
    }
  } catch (error) {
    throw error instanceof AppError ? error : describeReadError(path, error);
  } finally {
    lines.close();
    await handle.close();
  }
}

function describeReadError(path: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  const what = code === 'ENOENT' ? 'telemetry file not found' : `cannot read telemetry file (${error instanceof Error ? error.message : String(error)})`;
  return new AppError(ErrorCode.invalidArgument, `${path}: ${what}`, { cause: error });
}
