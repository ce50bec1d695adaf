import { expect, it } from 'vitest';
import { describeEachStore } from '../test-support/test-store.js';
import { appendLogChunk } from './append-log-chunk.js';
import { finishLog } from './finish-log.js';
import { readLog } from './read-log.js';
import { bytes, createTestJob } from './test-support/log-fixtures.js';

describeEachStore('readLog and finishLog', (h) => {
  it('reads any window across chunk boundaries and says complete only at the end of a finished log', async () => {
    const jobId = await createTestJob(h.db);
    const text = 'alpha\nbeta\ngamma\ndelta\n';
    for (const [start, end] of [[0, 4], [4, 11], [11, 12], [12, text.length]] as const) {
      await appendLogChunk(h.db, { jobId, offset: start, data: bytes(text.slice(start, end)) });
    }
    for (let from = 0; from <= text.length; from += 3) {
      for (const maxBytes of [0, 1, 5, 100]) {
        const slice = await readLog(h.db, { jobId, fromOffset: from, maxBytes });
        const expected = text.slice(from, from + maxBytes);
        expect(slice.data.toString('utf8')).toBe(expected);
        expect(slice).toMatchObject({ nextOffset: from + expected.length, length: text.length, complete: false });
      }
    }
    expect(await finishLog(h.db, jobId)).toEqual({ length: text.length, truncated: false });
    expect(await readLog(h.db, { jobId, fromOffset: 2, maxBytes: 5 })).toMatchObject({ nextOffset: 7, complete: false });
    expect(await readLog(h.db, { jobId, fromOffset: 20, maxBytes: 5 })).toMatchObject({ nextOffset: text.length, complete: true });
    await expect(appendLogChunk(h.db, { jobId, offset: text.length, data: bytes('late') })).rejects.toMatchObject({
      code: 'failed_precondition',
    });
    expect((await appendLogChunk(h.db, { jobId, offset: 0, data: bytes('alpha') })).length).toBe(text.length);
  });

  it('reads a job without output as empty, and refuses offsets past the end and unknown jobs', async () => {
    const jobId = await createTestJob(h.db);
    expect(await readLog(h.db, { jobId, maxBytes: 10 })).toEqual({
      data: Buffer.alloc(0),
      nextOffset: 0,
      length: 0,
      truncated: false,
      complete: false,
    });
    await expect(readLog(h.db, { jobId, fromOffset: 1, maxBytes: 10 })).rejects.toMatchObject({
      code: 'invalid_argument',
      details: { length: 0 },
    });
    await expect(readLog(h.db, { jobId: 987_654_321, maxBytes: 10 })).rejects.toMatchObject({ code: 'not_found' });
    await finishLog(h.db, jobId);
    expect(await readLog(h.db, { jobId, maxBytes: 10 })).toMatchObject({ length: 0, complete: true });
  });
});
