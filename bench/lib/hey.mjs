// `hey` (Debian's HTTP load generator) is the peer tool of the HTTP benches.

/** hey's summary → req/s and latency percentiles in ms (hey prints seconds with 4 decimals). */
export function parseHeySummary(text) {
  const number = (re, what) => {
    const m = re.exec(text);
    if (!m) throw new Error(`hey output has no ${what}:\n${text}`);
    return Number(m[1]);
  };
  const errors = /Error distribution:\n([\s\S]*)$/.exec(text);
  return {
    rps: number(/Requests\/sec:\s+([\d.]+)/, 'Requests/sec'),
    p50Ms: number(/50% in ([\d.]+) secs/, '50% latency') * 1000,
    p99Ms: number(/99% in ([\d.]+) secs/, '99% latency') * 1000,
    avgMs: number(/Average:\s+([\d.]+) secs/, 'average') * 1000,
    responses: [...text.matchAll(/\[(\d+)\]\s+(\d+) responses/g)].reduce((n, m) => n + Number(m[2]), 0),
    errors: errors ? errors[1].trim() : '',
  };
}
