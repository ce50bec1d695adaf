import { type Track, tracks } from '../router.js';

/** One request as HAProxy logged it with render-config.ts's logFormat. */
export interface HaproxyLogLine {
  backend: string;
  /** `<NOSRV>` when no server was chosen. */
  server: string;
  status: number;
  /** Ta: request received to response end, ms. */
  activeMs: number;
  /** Tr: server response time, ms; -1 when the server never answered. */
  serverMs: number;
  /** Two letters, `--` for a normal end; otherwise who ended it and when (HAProxy's termination state). */
  terminationState: string;
  version?: string;
  track?: Track;
}

/** undefined for anything else HAProxy logs (server state changes, alerts). */
export function parseLogLine(line: string): HaproxyLogLine | undefined {
  const fields = line.trim().split(' ');
  if (fields.length !== 9 || fields[0] !== 'slipway') return undefined;
  const [, backend, server, status, active, serverMs, terminationState, version, track] = fields as [string, ...string[]];
  const numbers = [Number(status), Number(active), Number(serverMs)];
  if (numbers.some((n) => !Number.isInteger(n))) return undefined;
  return {
    backend: backend!,
    server: server!,
    status: numbers[0]!,
    activeMs: numbers[1]!,
    serverMs: numbers[2]!,
    terminationState: terminationState!,
    ...(version && version !== '-' ? { version } : {}),
    ...(track && (tracks as readonly string[]).includes(track) ? { track: track as Track } : {}),
  };
}

const sides: Record<string, string> = { C: 'client', S: 'server', P: 'proxy', R: 'resource limit', I: 'internal error', D: 'server down', L: 'local', K: 'killed', U: 'upgrade' };
const phases: Record<string, string> = { R: 'request', Q: 'queue', C: 'connect', H: 'response headers', D: 'data', L: 'last data', T: 'tarpit' };

/** A readable reason for an abnormal termination state, undefined for a normal one. */
export function describeTerminationState(state: string): string | undefined {
  const side = state[0];
  if (!side || side === '-') return undefined;
  const phase = phases[state[1] ?? ''];
  return `haproxy ended the request: ${sides[side] ?? side}${phase ? ` during ${phase}` : ''} (termination state ${state})`;
}
