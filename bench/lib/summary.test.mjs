import { describe, expect, it } from 'vitest';
import { parseResultLines, renderResults, summaryRows } from './summary.mjs';

const log = [
  '# Benchmark results',
  '',
  '- 2026-11-20T10:00:00.000Z dispatch-latency: {"bench":"dispatch-latency","fromReadyP99Ms":40,"store":"pglite","agent":"process","loadavg":{"before":[1.5,1,1]}}',
  '- 2026-11-21T10:00:00.000Z dispatch-latency: {"bench":"dispatch-latency","fromReadyP99Ms":21.4,"store":"pglite","agent":"process","loadavg":{"before":[0.5,1,1]}}',
  '- 2026-11-21T11:00:00.000Z bus-throughput: {"bench":"bus-throughput","redis":{"publishPerSec":100000},"memory":{"endToEndPerSec":1},"nats":{"endToEndPerSec":1},"peer":{"redisBenchmark":{"xaddPerSec":400000}}}',
  '- 2026-11-21T11:30:00.000Z redis-telemetry-throughput: {"bench":"redis-telemetry-throughput","product":{"eventsPerSec":1200000},"peer":{"redisBenchmark":{"smallEntryPerSec":400000}},"ratioToSmallXadd":3,"met":true,"loadavg":{"before":[4.2,1,1]}}',
  '- 2026-11-21T11:40:00.000Z canary-aggregation: {"bench":"canary-aggregation","throughput":{"rolloutWindows":{"medianPerSec":6000000}}}',
  '- 2026-11-21T11:50:00.000Z canary-aggregation: {"bench":"canary-aggregation","part":"memory","spread":{"rollouts":10000,"heapUsedMb":1500.4,"externalMb":0.2,"maxRssMb":1800}}',
  '- 2026-11-21 run-dag 200 jobs P=2: slipway 12000 ms, turbo 90000 ms (ratio 0.13), nx 240000 ms (ratio 0.05) (median of 3)',
  '  - run-dag note: a note about a run',
  '- 2026-11-21T12:00:00.000Z log-latency: {"bench":"log-latency", "truncated',
].join('\n');

describe('benchmark summary', () => {
  it('reads JSON lines and run-dag lines, skipping broken ones', () => {
    expect(parseResultLines(log).map((line) => [line.date, line.bench])).toEqual([
      ['2026-11-20', 'dispatch-latency'],
      ['2026-11-21', 'dispatch-latency'],
      ['2026-11-21', 'bus-throughput'],
      ['2026-11-21', 'redis-telemetry-throughput'],
      ['2026-11-21', 'canary-aggregation'],
      ['2026-11-21', 'canary-aggregation'],
      ['2026-11-21', 'run-dag'],
    ]);
  });

  it('keeps the newest result of each benchmark, with the peer and ratio measured beside it', () => {
    const rows = summaryRows(parseResultLines(log));
    expect(rows.find((row) => row.metric.startsWith('dispatch'))).toMatchObject({ slipway: '21.4 ms', target: '< 25 ms', met: true, date: '2026-11-21', load: 0.5 });
    expect(rows.filter((row) => row.metric.startsWith('dispatch'))).toHaveLength(1);
    expect(rows.find((row) => row.metric === 'bus publish, Redis Streams')).toMatchObject({ ratio: 0.25 });
    expect(rows.find((row) => row.metric.startsWith('telemetry end to end'))).toMatchObject({
      slipway: '1,200,000 events/s',
      peer: 'redis-benchmark XADD 400,000 entries/s',
      ratio: 3,
      met: true,
      load: 4.2,
    });
    // A memory-only run of canary-aggregation does not hide the newest throughput run.
    expect(rows.find((row) => row.metric === 'telemetry into windows, one core')).toMatchObject({ slipway: '6,000,000 events/s', met: true });
    expect(rows.find((row) => row.metric.startsWith('10,000 concurrent rollouts'))).toMatchObject({ slipway: '1501 MB / 1800 MB' });
    expect(rows.find((row) => row.metric === '200-job DAG run vs turbo')).toMatchObject({ slipway: '12000 ms', peer: 'turbo 90000 ms', ratio: 0.13 });
  });

  it('summarises the SSE fan-out and the runs list, one row per store the runs list measured', () => {
    const lines = parseResultLines(
      [
        '- 2026-11-22T06:00:00.000Z sse-subscribers: {"bench":"sse-subscribers","subscribers":1000,"p99Ms":42.5,"met":true,"store":"pglite","memory":{"beforeRssMb":300.4,"peakRssMb":420.6}}',
        '- 2026-11-22T06:01:00.000Z runs-list: {"bench":"runs-list","runs":100000,"store":"pglite+postgres","pglite":{"first":{"p99Ms":3},"bigProject":{"p99Ms":4},"archivedProject":{"p99Ms":5},"page1000":{"p99Ms":60}},"postgres":{"first":{"p99Ms":2},"bigProject":{"p99Ms":2},"archivedProject":{"p99Ms":2},"page1000":{"p99Ms":20}}}',
      ].join('\n'),
    );
    const rows = summaryRows(lines);
    expect(rows.find((row) => row.metric.includes('delivery p99'))).toMatchObject({ slipway: '42.5 ms', met: true });
    expect(rows.find((row) => row.metric.includes('server RSS'))).toMatchObject({ slipway: '300 → 421 MB' });
    const runsList = rows.filter((row) => row.metric.startsWith('runs list'));
    expect(runsList.map((row) => [row.slipway, row.met])).toEqual([
      ['3 ms / 4 ms / 5 ms / 60 ms', false],
      ['2 ms / 2 ms / 2 ms / 20 ms', true],
    ]);
  });

  it('renders the table above every logged line, which it keeps as they were', () => {
    const text = renderResults(log);
    expect(text).toMatch(/^# Benchmark results\n\n## Summary\n/);
    expect(text).toContain('| dispatch p99, job ready → step started (pglite, agent process) | 21.4 ms | — | — | < 25 ms | yes | 2026-11-21 | 0.5 |');
    const logged = log.split('\n').filter((line) => line.startsWith('- ') || line.startsWith('  - '));
    expect(text.split('## Every run\n\n')[1]?.trimEnd().split('\n')).toEqual(logged);
    // Rendering its own output again changes nothing.
    expect(renderResults(text)).toBe(text);
  });
});
