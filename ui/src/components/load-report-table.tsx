import { describeLoadReport, type LoadReportView } from '../core.js';

/** A load test report (`slipway loadtest --out`) as the run page shows it. */
export function LoadReportTable({ report, source }: { report: LoadReportView; source: string }) {
  const figures = describeLoadReport(report);
  return (
    <figure className="load-report" aria-label={`Load test report ${source}`} data-passed={report.passed}>
      <figcaption>
        <strong>Load test</strong> <span className={`badge tone-${report.passed ? 'success' : 'failure'}`}>{report.passed ? 'passed' : 'failed'}</span>{' '}
        <span className="muted small">{figures.verdict}</span>
        <div className="muted small">
          {figures.load} · <code>{source}</code>
        </div>
      </figcaption>
      <div className="table-scroll">
        <table className="load-figures">
          <tbody>
            {[...figures.totals, ...figures.failures].map((row) => (
              <tr key={row.label} data-figure={row.label}>
                <th scope="row">{row.label}</th>
                <td>{row.value}</td>
              </tr>
            ))}
            <tr data-figure="Latency">
              <th scope="row">Latency</th>
              <td>
                {figures.latency.length === 0 ? (
                  'none: no request got a response'
                ) : (
                  <dl className="latency">
                    {figures.latency.map((l) => (
                      <div key={l.label}>
                        <dt>{l.label}</dt>
                        <dd>{l.value}</dd>
                      </div>
                    ))}
                  </dl>
                )}
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      {figures.thresholds.length > 0 ? (
        <div className="table-scroll">
          <table className="thresholds">
            <thead>
              <tr>
                <th scope="col">Threshold</th>
                <th scope="col">Measured</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {figures.thresholds.map((t) => (
                <tr key={t.threshold} className={t.passed ? undefined : 'triggered'}>
                  <td>
                    <code>{t.threshold}</code>
                  </td>
                  <td>{t.measured}</td>
                  <td>
                    <span className={`badge tone-${t.passed ? 'success' : 'failure'}`}>{t.passed ? 'pass' : 'fail'}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </figure>
  );
}
