import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChunkOutcome, createLogUploader } from './create-log-uploader.js';

describe('createLogUploader', () => {
  it('resends at the same offset after a failure and from the server length after a gap', async () => {
    const stored: string[] = [];
    const calls: number[] = [];
    let failNext = true;
    let serverLength = 3;
    const uploader = createLogUploader({
      startOffset: 5,
      retryDelayMs: 1,
      send: async (offset, data): Promise<ChunkOutcome> => {
        calls.push(offset);
        if (offset > serverLength) return { kind: 'gap', length: serverLength };
        if (failNext) {
          failNext = false;
          throw new Error('connection reset');
        }
        stored.push(data.toString());
        serverLength = offset + data.length;
        return { kind: 'ok', length: serverLength };
      },
    });
    uploader.write('hello\n');
    await uploader.drain();
    uploader.write('world\n');
    await uploader.drain();
    expect(calls).toEqual([5, 3, 3, 9]);
    expect(stored.join('')).toBe('hello\nworld\n');
  });

  it('stops sending once the server refuses the log', async () => {
    let sends = 0;
    const uploader = createLogUploader({
      startOffset: 0,
      send: async () => {
        sends += 1;
        return { kind: 'refused' };
      },
    });
    uploader.write('a');
    await uploader.drain();
    uploader.write('b');
    await uploader.drain();
    expect(sends).toBe(1);
  });

  it('delivers every written byte once, in order, in chunks of at most maxChunkBytes, whatever the server answers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ minLength: 0, maxLength: 40 }), { maxLength: 60 }),
        fc
          .array(fc.constantFrom('ok', 'partial', 'retry', 'throw'), { minLength: 1, maxLength: 20 })
          .filter((answers) => answers.some((answer) => answer === 'ok' || answer === 'partial')),
        fc.integer({ min: 1, max: 64 }),
        async (writes, answers, maxChunkBytes) => {
          let log = Buffer.alloc(0);
          let call = 0;
          const uploader = createLogUploader({
            startOffset: 0,
            retryDelayMs: 0,
            maxChunkBytes,
            send: async (offset, data): Promise<ChunkOutcome> => {
              expect(data.length).toBeLessThanOrEqual(maxChunkBytes);
              const answer = answers[call++ % answers.length];
              if (answer === 'throw') throw new Error('reset');
              if (answer === 'retry') return { kind: 'retry' };
              // The server's idempotent append: bytes past its end are added, stored ones acknowledged.
              const keep = answer === 'partial' ? Math.ceil(data.length / 2) : data.length;
              const end = offset + keep;
              if (end > log.length) log = Buffer.concat([log, data.subarray(log.length - offset, keep)]);
              return { kind: 'ok', length: Math.max(log.length, end) };
            },
          });
          for (const text of writes) uploader.write(text);
          await uploader.drain();
          expect(log.toString('utf8')).toBe(writes.join(''));
        },
      ),
      { numRuns: 200 },
    );
  });
});
