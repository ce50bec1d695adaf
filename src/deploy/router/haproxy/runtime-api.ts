import { connect } from 'node:net';
import { AppError, ErrorCode } from '../../../errors/app-error.js';

/** HAProxy's CLI reads a line into one buffer (bufsize 16 KiB); batches stay well below it. */
const maxBatchChars = 8_000;

/** What `set server addr` and `set map`/`set weight` answer on success; anything else is an error. */
const successOutput = [/^$/, /^no need to change/, /changed from/];

/** Sends one command (e.g. `show servers state svc0`) to the admin socket and returns its output. */
export function sendCommand(socketPath: string, command: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let output = '';
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk: string) => {
      output += chunk;
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(new AppError(ErrorCode.unavailable, `haproxy runtime API at ${socketPath} failed: ${err.message}`, { cause: err }));
    });
    socket.on('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(output);
    });
  });
}

/**
 * Runs commands in order, several per connection (`;`-separated, applied one after another by HAProxy),
 * and fails with HAProxy's own words when any of them did not apply.
 */
export async function runCommands(socketPath: string, commands: readonly string[]): Promise<void> {
  for (const batch of toBatches(commands)) {
    const output = await sendCommand(socketPath, batch.join('; '));
    const errors = output.split('\n').map((l) => l.trim()).filter((l) => !successOutput.some((ok) => ok.test(l)));
    if (errors.length > 0) {
      throw new AppError(ErrorCode.internal, `haproxy refused runtime commands: ${errors.join(' | ')} (commands: ${batch.join('; ')})`, { details: { commands: batch, output } });
    }
  }
}

function toBatches(commands: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const command of commands) {
    if (current.length > 0 && chars + command.length + 2 > maxBatchChars) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(command);
    chars += command.length + 2;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
