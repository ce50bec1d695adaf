import type { Bus, Subscription } from '../../bus/bus.js';
import { decodeDecision } from './decision-message.js';
import type { DecisionNotifier } from './decision-notifier.js';
import { decisionsTopic } from './decisions-topic.js';

export interface RelayDecisionsOptions {
  bus: Bus;
  notifier: DecisionNotifier;
  /**
   * This process's own consumer group, so that every replica sees every decision (a shared group
   * would split them). A group per process start is fine: only "something committed" is relayed, and
   * starting from the next message loses nothing because watchers read the store.
   */
  group: string;
  onError?: (error: unknown) => void;
}

/** Rings this process's watchers for decisions committed by other server replicas. */
export function relayDecisionsFromBus(options: RelayDecisionsOptions): Promise<Subscription> {
  return options.bus.subscribe(
    decisionsTopic,
    { group: options.group, consumer: 'relay', fromStart: false, ...(options.onError ? { onError: options.onError } : {}) },
    (messages) => {
      for (const message of messages) {
        try {
          const decision = decodeDecision(message.payload);
          options.notifier.notify({ sequence: decision.sequence, rolloutId: decision.rolloutId, service: decision.service });
        } catch (error) {
          // Unreadable: watchers still find the decision in the store at their next poll.
          options.onError?.(error);
        }
        message.ack();
      }
    },
  );
}
