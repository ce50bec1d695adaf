/**
 * logs/ — what jobs print: stored as offset-addressed chunks, appended idempotently by agents, fanned
 * out live to subscribers, streamed to browsers and `slipway logs -f` over SSE.
 *
 * Glossary
 * - log: the bytes one job printed (stdout and stderr interleaved, as the agent saw them), one per job.
 * - offset: a position in a job's log, in bytes from its first byte. Agents address chunks by offset;
 *   readers resume from one (the SSE event id).
 * - chunk: bytes an agent sends for offsets [offset, offset + length), up to ~256 KiB. Appending one is
 *   idempotent: stored bytes are never changed, only checked (a retry is acknowledged, different bytes
 *   are refused, a chunk past the end is refused with the length to resend from).
 * - length: bytes acknowledged to the agent. Stored length: bytes a reader can read — the same until
 *   the cap, then the kept bytes plus the marker.
 * - cap: the most bytes of one job's output kept (maxBytes, default 50 MiB). Reaching it stores the
 *   truncation marker once; later output is acknowledged and dropped, so agents never retry it forever.
 * - finished (complete): no more output will come (finishLog); readers at the end get an end event.
 * - scrollback: the stored part of a log a subscriber reads before it receives live bytes.
 * - hub: the in-process fan-out: publish after a commit, subscribe from an offset, close at the end.
 */
export { type AppendLogOptions, type AppendResult, type LogChunk, appendLogChunk } from './append-log-chunk.js';
export { type LogSlice, type ReadLogInput, readLog } from './read-log.js';
export { finishLog } from './finish-log.js';
export { type LogHead, getLogHead, readableLength } from './log-head.js';
export { defaultMaxLogBytes, maxLogChunkBytes } from './log-limits.js';
export { truncationMarker } from './truncation-marker.js';
export {
  type LogEvent,
  type LogHub,
  type LogHubOptions,
  type LogListener,
  type LogSubscription,
  createLogHub,
} from './create-log-hub.js';
export {
  type SseOutcome,
  type SseTarget,
  type StreamLogOptions,
  parseLastEventId,
  streamLogOverSse,
} from './stream-log-over-sse.js';
