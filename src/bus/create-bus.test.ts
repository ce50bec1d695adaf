import { describe, expect, it } from 'vitest';
import type { BusKind } from './create-bus.js';
import { createBus } from './create-bus.js';

describe('createBus', () => {
  it('makes an in-process bus without a url', async () => {
    const bus = await createBus({ kind: 'memory' });
    const received: string[] = [];
    await bus.subscribe('decisions', { group: 'g', consumer: 'c' }, (messages) => {
      for (const message of messages) {
        received.push(message.id);
        message.ack();
      }
    });
    const { id } = await bus.publish('decisions', new Uint8Array([1]));
    await expect.poll(() => received).toEqual([id]);
    await bus.close();
  });

  it.each(['redis', 'nats'] as const)('asks for the url a %s bus needs', async (kind) => {
    await expect(createBus({ kind })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(`bus kind ${kind} needs a url`) });
  });

  it('names the kinds it knows when given another', async () => {
    await expect(createBus({ kind: 'kafka' as BusKind })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/use memory, redis or nats/) });
  });

  // Port 1 on loopback: refused at once, so the failure is immediate and needs no broker.
  it.each([
    ['redis', 'redis://127.0.0.1:1'],
    ['nats', 'nats://127.0.0.1:1'],
  ] as const)('fails with unavailable when the %s broker cannot be reached', async (kind, url) => {
    await expect(createBus({ kind, url })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining(`cannot connect to`) });
  });
});
