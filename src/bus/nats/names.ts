import { createHash } from 'node:crypto';

/**
 * How topics map onto JetStream. One stream per topic prefix (the topic's first token), so
 * `telemetry.raw` and `telemetry.agg` share stream `<prefix>_telemetry` and its limits, while
 * `decisions` gets a stream of its own. Names are already checked: tokens of [A-Za-z0-9_-].
 */
export function natsSubject(prefix: string, topic: string): string {
  return `${prefix}.${topic}`;
}

export function natsStreamName(prefix: string, topic: string): string {
  return `${prefix}_${firstToken(topic)}`;
}

/** The subjects a topic's stream captures: the bare prefix topic and everything under it. */
export function natsStreamSubjects(prefix: string, topic: string): string[] {
  const root = `${prefix}.${firstToken(topic)}`;
  return [root, `${root}.>`];
}

/**
 * A group has one durable consumer per topic; topics of one stream need distinct names, and durable
 * names cannot contain dots. The hash keeps `a.b` and `a_b` apart; the readable part is for operators.
 */
export function natsDurableName(group: string, topic: string): string {
  const hash = createHash('sha256').update(topic).digest('hex').slice(0, 8);
  return `${group}__${topic.replaceAll('.', '_')}_${hash}`;
}

function firstToken(topic: string): string {
  const dot = topic.indexOf('.');
  return dot === -1 ? topic : topic.slice(0, dot);
}
