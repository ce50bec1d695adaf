import { AppError, ErrorCode } from '../errors/app-error.js';

/**
 * One token alphabet for every broker: Redis keys accept anything, but NATS subjects split on `.`, treat
 * `*` and `>` as wildcards and forbid whitespace, and its stream and consumer names forbid `.` too.
 */
const token = '[A-Za-z0-9_-]+';
const topicPattern = new RegExp(`^${token}(\\.${token})*$`);
const namePattern = new RegExp(`^${token}$`);
const maxTopicLength = 200;
const maxNameLength = 64;

/** Topics are dot-separated tokens of letters, digits, `_` and `-`: `telemetry.raw`, `decisions`. */
export function checkTopic(topic: unknown): string {
  if (typeof topic !== 'string' || topic.length === 0) {
    throw invalid(`bus topic must be a non-empty string, got ${describe(topic)}`);
  }
  if (topic.length > maxTopicLength || !topicPattern.test(topic)) {
    throw invalid(
      `bus topic ${JSON.stringify(topic)} is invalid: use at most ${maxTopicLength} characters, dot-separated tokens of ` +
        'letters, digits, "_" and "-" (e.g. "telemetry.raw"), with no empty token, space or wildcard',
    );
  }
  return topic;
}

/** Group, consumer and prefix names: one token of letters, digits, `_` and `-`, no dots. */
export function checkName(kind: 'group' | 'consumer' | 'prefix', name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw invalid(`bus ${kind} name must be a non-empty string, got ${describe(name)}`);
  }
  if (name.length > maxNameLength || !namePattern.test(name)) {
    throw invalid(
      `bus ${kind} name ${JSON.stringify(name)} is invalid: use at most ${maxNameLength} letters, digits, "_" or "-" (no dots or spaces)`,
    );
  }
  return name;
}

export function checkPayload(payload: unknown, where: string): Uint8Array {
  if (!(payload instanceof Uint8Array)) {
    throw invalid(`${where}: a bus payload must be a Uint8Array (e.g. a Buffer), got ${describe(payload)}`);
  }
  return payload;
}

export function checkPositiveInt(option: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(`bus option ${option} must be an integer from 1 to ${max}, got ${describe(value)}`);
  }
  return value;
}

function invalid(message: string): AppError {
  return new AppError(ErrorCode.invalidArgument, message);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}
