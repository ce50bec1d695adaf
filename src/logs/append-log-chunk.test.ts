import { expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { describeEachStore } from '../test-support/test-store.js';
import { appendLogChunk } from './append-log-chunk.js';
import { readLog } from './read-log.js';
import { bytes, createTestJob } from './test-support/log-fixtures.js';
import { truncationMarker } from './truncation-marker.js';

describeEachStore('appendLogChunk', (h) => {
  const readAll = async (jobId: number) => (await readLog(h.db, { jobId, maxBytes: 1 << 30 })).data.toString('utf8');
  const chunkRows = async (jobId: number) =>
    (await h.db.query('SELECT "offset" FROM log_chunks WHERE job_id = $1', [jobId])).rowCount;

  it('stores chunks at their offsets and acknowledges a resent chunk without storing it again', async () => {
    const jobId = await createTestJob(h.db);
    expect(await appendLogChunk(h.db, { jobId, offset: 0, data: bytes('hello ') })).toEqual({
      length: 6,
      truncated: false,
      appended: { offset: 0, data: bytes('hello ') },
    });
    expect((await appendLogChunk(h.db, { jobId, offset: 6, data: bytes('world\n') })).length).toBe(12);
    expect(await appendLogChunk(h.db, { jobId, offset: 0, data: bytes('hello ') })).toEqual({
      length: 12,
      truncated: false,
      appended: null,
    });
    expect(await appendLogChunk(h.db, { jobId, offset: 3, data: bytes('lo wor') })).toMatchObject({ length: 12, appended: null });
    expect(await readAll(jobId)).toBe('hello world\n');
    expect(await chunkRows(jobId)).toBe(2);
  });

  it('refuses different bytes at stored offsets, saying where they differ, and stores nothing', async () => {
    const jobId = await createTestJob(h.db);
    await appendLogChunk(h.db, { jobId, offset: 0, data: bytes('abcdef') });
    const outcome = appendLogChunk(h.db, { jobId, offset: 2, data: bytes('cdXfgh') });
    await expect(outcome).rejects.toBeInstanceOf(AppError);
    await expect(outcome).rejects.toMatchObject({ code: 'already_exists', details: { firstDifference: 4 } });
    await expect(outcome).rejects.toThrow(/differs from the bytes already stored/);
    expect(await readAll(jobId)).toBe('abcdef');
  });

  it('refuses a chunk past the end with the length to resend from', async () => {
    const jobId = await createTestJob(h.db);
    await appendLogChunk(h.db, { jobId, offset: 0, data: bytes('abc') });
    const outcome = appendLogChunk(h.db, { jobId, offset: 5, data: bytes('fg') });
    await expect(outcome).rejects.toMatchObject({ code: 'failed_precondition', details: { length: 3 } });
    await expect(outcome).rejects.toThrow(/resend from byte 3/);
    expect(await readAll(jobId)).toBe('abc');
  });

  it('stores only the new tail of a chunk that overlaps the end', async () => {
    const jobId = await createTestJob(h.db);
    await appendLogChunk(h.db, { jobId, offset: 0, data: bytes('abcd') });
    expect(await appendLogChunk(h.db, { jobId, offset: 2, data: bytes('cdef') })).toEqual({
      length: 6,
      truncated: false,
      appended: { offset: 4, data: bytes('ef') },
    });
    expect(await readAll(jobId)).toBe('abcdef');
  });

  it('stores a chunk once when the same chunk is appended concurrently', async () => {
    const jobId = await createTestJob(h.db);
    const data = bytes('x'.repeat(1000));
    const results = await Promise.all(Array.from({ length: 4 }, () => appendLogChunk(h.db, { jobId, offset: 0, data })));
    expect(results.map((r) => r.length)).toEqual([1000, 1000, 1000, 1000]);
    expect(results.filter((r) => r.appended !== null)).toHaveLength(1);
    expect(await chunkRows(jobId)).toBe(1);
    expect(await readAll(jobId)).toBe('x'.repeat(1000));
  });

  it('keeps maxBytes, stores the marker once, and keeps acknowledging the dropped output', async () => {
    const jobId = await createTestJob(h.db);
    const maxBytes = 10;
    await appendLogChunk(h.db, { jobId, offset: 0, data: bytes('0123456') }, { maxBytes });
    const capped = await appendLogChunk(h.db, { jobId, offset: 7, data: bytes('789abc') }, { maxBytes });
    expect(capped).toEqual({
      length: 13,
      truncated: true,
      appended: { offset: 7, data: Buffer.concat([bytes('789'), truncationMarker(10)]) },
    });
    expect(await appendLogChunk(h.db, { jobId, offset: 13, data: bytes('def') }, { maxBytes })).toEqual({
      length: 16,
      truncated: true,
      appended: null,
    });
    // A retry from before the cap is still checked where bytes were kept.
    expect((await appendLogChunk(h.db, { jobId, offset: 5, data: bytes('56789?????') }, { maxBytes })).length).toBe(16);
    await expect(appendLogChunk(h.db, { jobId, offset: 5, data: bytes('X') }, { maxBytes })).rejects.toMatchObject({
      code: 'already_exists',
    });
    await expect(appendLogChunk(h.db, { jobId, offset: 20, data: bytes('g') }, { maxBytes })).rejects.toMatchObject({
      details: { length: 16 },
    });
    const all = await readLog(h.db, { jobId, maxBytes: 1000 });
    expect(all.data.toString('utf8')).toBe(
      "0123456789\n[slipway: log truncated at 10 bytes — the rest of this job's output was dropped]\n",
    );
    expect(all).toMatchObject({ truncated: true, length: all.data.length });
  });

  it('reports an unknown job as not_found and an oversized chunk as invalid_argument', async () => {
    await expect(appendLogChunk(h.db, { jobId: 987_654_321, offset: 0, data: bytes('a') })).rejects.toMatchObject({
      code: 'not_found',
    });
    const jobId = await createTestJob(h.db);
    await expect(appendLogChunk(h.db, { jobId, offset: 0, data: Buffer.alloc(2 * 1024 * 1024) })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
