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
});
