import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { MessageHandler, Subscription } from '../bus.js';
import { runHandler } from '../run-handler.js';
import type { ResolvedSubscribeOptions } from '../subscribe-options.js';

/**
 * One client of a durable pull consumer: every client of the same durable shares its messages, and the
 * server redelivers any message not acked within the durable's ack_wait to whichever client pulls next.
 */
export async function startNatsConsumer(
  connection: NatsConnection,
  durable: Consumer,
  options: ResolvedSubscribeOptions,
  handler: MessageHandler,
): Promise<Subscription> {
  // The client keeps up to `batch` messages pulled ahead; they are delivered (their ack_wait runs) while
  // they wait, which is why ackWaitMs must cover about two batches of handling.
  const messages: ConsumerMessages = await durable.consume({ max_messages: options.batch });
  let closed = false;

  const loop = async (): Promise<void> => {
    const iterator = messages[Symbol.asyncIterator]();
    // A next() that lost the race below cannot be taken back: it is the next call's result.
    let waiting: Promise<IteratorResult<JsMsg>> | undefined;
    const next = () => {
      const result = waiting ?? iterator.next();
      waiting = undefined;
      return result;
    };
    while (!closed) {
      const first = await next();
      if (first.done) break;
      const batch: JsMsg[] = [first.value];
      // Take what has already arrived without waiting for more: buffered messages resolve within
      // microtasks, before setImmediate fires. (getPending() would be cheaper, but it overcounts once the
      // client has queued an internal callback, and waiting on that phantom message stalls the batch.)
      while (batch.length < options.batch) {
        const result = next();
        const settled = await Promise.race([result, setImmediatePromise()]);
        if (settled === undefined) {
          waiting = result;
          break;
        }
        if (settled.done) break;
        batch.push(settled.value);
      }
      if (closed) break;
      const deliveries = batch.map((m) => ({ id: String(m.seq), payload: m.data, deliveryCount: m.info.deliveryCount }));
      const acked = new Set(await runHandler(options.topic, deliveries, handler, options.onError));
      if (acked.size === 0) continue;
      for (const m of batch) if (acked.has(String(m.seq))) m.ack();
      // Acks are fire-and-forget publishes; a flush is one round trip after which the server has them all.
      await connection.flush().catch(options.onError);
    }
  };
  const running = loop().catch((error) => {
    if (!closed) options.onError(error);
  });
  let closing: Promise<void> | undefined;

  return {
    close: () => {
      closing ??= (async () => {
        closed = true;
        // Messages pulled but not handled are simply not acked: the server redelivers them after ack_wait.
        messages.stop();
        await running;
      })();
      return closing;
    },
  };
}
