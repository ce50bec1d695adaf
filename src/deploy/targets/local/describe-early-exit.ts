import type { ReplicaFailure } from '../target.js';

export interface EarlyExit {
  replicaId: string;
  start: string;
  host: string;
  port: number;
  exitCode: number | null;
  exitSignal: string | null;
  stderrTail: string[];
}

/**
 * The message for a replica that exited before it was ever ready. The common causes get their own
 * words: the port was taken (the command ignores $PORT, or something else holds it) and command not
 * found (exit 127 from bash).
 */
export function describeEarlyExit(exit: EarlyExit): ReplicaFailure {
  const how =
    exit.exitSignal !== null
      ? `was killed by ${exit.exitSignal}`
      : exit.exitCode === null
        ? 'could not be started'
        : `exited with code ${exit.exitCode}`;
  const tail = exit.stderrTail.length > 0 ? `\nlast stderr lines:\n  ${exit.stderrTail.join('\n  ')}` : '\n(no stderr output)';
  const text = exit.stderrTail.join('\n');
  let hint = 'check the start command and its logs';
  if (/EADDRINUSE|address already in use/i.test(text)) {
    hint = `port already in use: ${exit.host}:${exit.port} (or the port the command chose) is held by another process; the start command must listen on $PORT (${exit.port})`;
  } else if (exit.exitCode === 127) {
    hint = 'command not found: check the start command and PATH';
  }
  return {
    exitCode: exit.exitCode,
    exitSignal: exit.exitSignal,
    stderrTail: exit.stderrTail,
    message: `replica ${exit.replicaId} ${how} before it was ever ready (start: ${JSON.stringify(exit.start)}): ${hint}${tail}`,
  };
}
