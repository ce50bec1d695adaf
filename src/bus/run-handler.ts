import type { BusMessage, MessageHandler } from './bus.js';

export interface Delivery {
  id: string;
  payload: Uint8Array;
  deliveryCount: number;
}

/**
 * Calls the handler with one batch and returns the ids it acked, even when it rejects: a message acked
 * before the failure is done, the rest stay pending and come back after ackWaitMs.
 */
export async function runHandler(
  topic: string,
  deliveries: readonly Delivery[],
  handler: MessageHandler,
  onError: (error: unknown) => void,
): Promise<string[]> {
  const acked: string[] = [];
  let settled = false;
  const messages: BusMessage[] = deliveries.map(({ id, payload, deliveryCount }) => {
    let done = false;
    return {
      id,
      topic,
      payload,
      deliveryCount,
      ack: () => {
        // After the handler settled its acks have been sent: a late ack cannot be honoured.
        if (done || settled) return;
        done = true;
        acked.push(id);
      },
    };
  });
  try {
    await handler(messages);
  } catch (error) {
    onError(error);
  }
  settled = true;
  return acked;
}
