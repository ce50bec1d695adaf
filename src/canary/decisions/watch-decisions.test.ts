import { afterEach, expect, it } from 'vitest';
import { createMemoryBus } from '../../bus/memory/bus.js';
import type { Db } from '../../store/db.js';
import { describeEachStore } from '../../test-support/test-store.js';
import type { DecisionRecord } from './decision.js';
import { createDecisionNotifier, type DecisionNotifier } from './decision-notifier.js';
import { listDecisions } from './list-decisions.js';
import { recordAndPublishDecision } from './record-and-publish-decision.js';
import { recordDecision } from './record-decision.js';
import { relayDecisionsFromBus } from './relay-decisions-from-bus.js';
import { createTestRollout, testClock, testDecision } from './test-support/decision-fixtures.js';
import { type WatchDecisionsOptions, watchDecisions } from './watch-decisions.js';

/** Runs a watch in the background, checking as decisions arrive that sequences only grow. */
function startWatch(db: Db, notifier: DecisionNotifier, options: WatchDecisionsOptions, pollIntervalMs: number) {
  const controller = new AbortController();
  const received: DecisionRecord[] = [];
  const done = (async () => {
    for await (const decision of watchDecisions({ db, notifier, pollIntervalMs, pageSize: 7 }, { ...options, signal: controller.signal })) {
      const last = received.at(-1);
      if (last && decision.sequence <= last.sequence) throw new Error(`sequence ${decision.sequence} after ${last.sequence}`);
      received.push(decision);
    }
  })();
  return { received, done, stop: () => controller.abort() };
}

async function pollUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describeEachStore('watchDecisions', (h) => {
  it('delivers the scrollback after a sequence, then decisions committed concurrently, with no gap or repeat', async () => {
    const notifier = createDecisionNotifier();
    const deps = { db: h.db, clock: testClock, notifier };
    const rollouts = [await createTestRollout(h.db, 'watch-svc'), await createTestRollout(h.db, 'watch-svc')];
    const early: DecisionRecord[] = [];
    for (let i = 0; i < 5; i++) early.push((await recordAndPublishDecision(deps, testDecision(rollouts[0]!, `${rollouts[0]}:early:${i}`))).decision);
    const cursor = early[1]!.sequence;
    // A long poll interval: live decisions must arrive through the notifier, not by polling.
    const watch = startWatch(h.db, notifier, { afterSequence: cursor, service: 'watch-svc' }, 60_000);
    stops.push(watch.stop);
    // Four writers at once (four connections on postgres), including duplicates of each other's keys.
    const writers = Array.from({ length: 4 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 10; i++) {
          const rollout = rollouts[(w + i) % 2]!;
          await recordAndPublishDecision(deps, testDecision(rollout, `${rollout}:live:${(w % 2) * 100 + i}`));
        }
      })(),
    );
    await Promise.all(writers);
    const expected = await listDecisions(h.db, { service: 'watch-svc', afterSequence: cursor, limit: 1000 });
    expect(expected.length).toBe(3 + 40 / 2);
    await pollUntil('every decision', () => watch.received.length >= expected.length);
    watch.stop();
    await watch.done;
    expect(watch.received.map((d) => d.sequence)).toEqual(expected.map((d) => d.sequence));
  });

  it('resumes after the last sequence seen without repeating one, and filters by rollout', async () => {
    const notifier = createDecisionNotifier();
    const [a, b] = [await createTestRollout(h.db), await createTestRollout(h.db)];
    for (let i = 0; i < 6; i++) {
      await recordDecision(h.db, testClock, testDecision(a, `${a}:${i}`));
      await recordDecision(h.db, testClock, testDecision(b, `${b}:${i}`));
    }
    const first = startWatch(h.db, notifier, { rolloutId: a }, 60_000);
    await pollUntil('six decisions of a', () => first.received.length === 6);
    first.stop();
    await first.done;
    expect(first.received.every((d) => d.rolloutId === a)).toBe(true);
    const lastSeen = first.received[3]!.sequence;
    // Written with recordDecision alone (no notice): the watcher finds them by polling.
    const second = startWatch(h.db, notifier, { rolloutId: a, afterSequence: lastSeen }, 20);
    stops.push(second.stop);
    await recordDecision(h.db, testClock, testDecision(a, `${a}:late`));
    await recordDecision(h.db, testClock, testDecision(b, `${b}:late`));
    await pollUntil('three decisions of a', () => second.received.length === 3);
    expect(second.received.map((d) => d.idempotencyKey)).toEqual([`${a}:4`, `${a}:5`, `${a}:late`]);
  });

  it('sees decisions of another process through the bus relay', async () => {
    const bus = createMemoryBus();
    const writerNotifier = createDecisionNotifier();
    const watcherNotifier = createDecisionNotifier();
    const relay = await relayDecisionsFromBus({ bus, notifier: watcherNotifier, group: `relay-${process.pid}` });
    const rollout = await createTestRollout(h.db);
    const watch = startWatch(h.db, watcherNotifier, { rolloutId: rollout }, 60_000);
    stops.push(watch.stop);
    await recordAndPublishDecision({ db: h.db, clock: testClock, notifier: writerNotifier, bus }, testDecision(rollout, `${rollout}:bus`));
    await pollUntil('the relayed decision', () => watch.received.length === 1);
    await relay.close();
    await bus.close();
  });

  it('ends when its signal aborts while it waits', async () => {
    const watch = startWatch(h.db, createDecisionNotifier(), { rolloutId: 'nothing-here' }, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    watch.stop();
    await watch.done;
    expect(watch.received).toEqual([]);
  });
});
