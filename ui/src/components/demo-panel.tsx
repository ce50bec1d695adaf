import { useState } from 'react';
import { api } from '../api/client.js';
import { usePoll } from '../hooks/use-poll.js';
import { ErrorBanner } from './error-banner.js';

interface DemoRun {
  status: 'running' | 'succeeded' | 'failed';
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  lines: string[];
}

/**
 * The demo button (administrators): runs `slipway demo` on the server — v1 shipped, v2's canary
 * rolled back by the engine, v3 promoted — and shows its output as it goes.
 */
export function DemoPanel() {
  const demo = usePoll((signal) => api<{ demo: DemoRun | null }>('/api/v1/demo', { signal }), [], 1000);
  const [problem, setProblem] = useState<Error | undefined>();
  const run = demo.data?.demo ?? null;
  const start = async () => {
    try {
      await api('/api/v1/demo', { method: 'POST' });
      setProblem(undefined);
      demo.reload();
    } catch (error) {
      setProblem(error as Error);
    }
  };
  return (
    <section aria-label="Demo" className="demo">
      <h2>Demo</h2>
      <p className="muted">
        Pushes three versions of <code>examples/hello-service</code> through this server with synthetic traffic: v1 to staging and
        production, v2 with 5% errors rolled back by the canary engine, v3 promoted. The same as <code>slipway demo</code>.
      </p>
      <button type="button" className="primary" disabled={run?.status === 'running'} onClick={() => void start()}>
        {run?.status === 'running' ? 'The demo is running…' : 'Run the demo'}
      </button>
      <ErrorBanner error={problem ?? demo.error} />
      {run ? (
        <>
          <p>
            Started by {run.startedBy}: <strong>{run.status}</strong>
          </p>
          <pre className="demo-output" role="log" aria-label="Demo output">
            {run.lines.slice(-60).join('\n')}
          </pre>
        </>
      ) : null}
    </section>
  );
}
