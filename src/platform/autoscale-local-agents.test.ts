import { expect, it } from 'vitest';
import type { RunAgentOptions } from '../agent/index.js';
import { createManualClock } from '../clock/clock.js';
import { claimJob, registerAgent } from '../scheduler/index.js';
import { createLane, enqueueOnLane, plannedJob, t0 } from '../scheduler/test-support/scheduler-fixtures.js';
import { ensureProject } from '../store/index.js';
import { describePglite } from '../test-support/test-store.js';
import { autoscaleLocalAgents } from './autoscale-local-agents.js';

const silent = { info: () => {}, warn: () => {}, error: () => {} };

describePglite('autoscaleLocalAgents', (h) => {
  it('starts min agents, scales up with queued jobs, stops idle ones after the grace, and all on stop', async () => {
    const clock = createManualClock(t0);
    const lane = createLane('autoscale');
    const started: RunAgentOptions[] = [];
    const stopped: string[] = [];
    const fakeRunAgent = (options: RunAgentOptions) => {
      started.push(options);
      return new Promise<void>((resolve) =>
        options.signal.addEventListener('abort', () => {
          stopped.push(options.name);
          resolve();
        }),
      );
    };
    const pool = autoscaleLocalAgents({
      db: h.db,
      clock,
      scaling: { min: 1, max: 3, jobsPerAgent: 1, idleGraceMs: 1_000 },
      agent: { serverUrl: 'http://127.0.0.1:1', token: 't'.repeat(16), name: 'local', labels: [lane], workDir: '/nonexistent' },
      logger: silent,
      intervalMs: 1_000_000,
      runAgent: fakeRunAgent,
    });
    try {
      expect(pool.agentNames()).toEqual(['local-1']);
      expect(started[0]?.capacity).toBe(1);

      const project = await ensureProject(h.db, { name: `autoscale-${lane}` });
      const { run } = await enqueueOnLane(h.db, clock, project.id, lane, [plannedJob('a'), plannedJob('b'), plannedJob('c'), plannedJob('d')]);
      // Jobs of another lane are not the local agents' to take.
      await enqueueOnLane(h.db, clock, project.id, createLane('elsewhere'), [plannedJob('x')]);
      await pool.rescale();
      expect(pool.agentNames()).toEqual(['local-1', 'local-2', 'local-3']);

      // local-1 runs a job; the others are done, so one agent is enough.
      await registerAgent(h.db, clock, { id: `${lane}-id-1`, name: 'local-1', labels: [lane] });
      expect(await claimJob(h.db, clock, { agentId: `${lane}-id-1`, labels: [lane], leaseMs: 600_000 })).toBeDefined();
      await h.db.query(`UPDATE jobs SET status = 'succeeded' WHERE run_id = $1 AND status = 'queued'`, [run.id]);

      clock.advance(999);
      await pool.rescale();
      expect(pool.agentNames()).toEqual(['local-1', 'local-2', 'local-3']);
      clock.advance(1);
      await pool.rescale();
      expect(pool.agentNames()).toEqual(['local-1']);
      expect(stopped.sort()).toEqual(['local-2', 'local-3']);
    } finally {
      await pool.stop();
    }
    expect(pool.agentNames()).toEqual([]);
    expect(stopped.sort()).toEqual(['local-1', 'local-2', 'local-3']);
  });
});
