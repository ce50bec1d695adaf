/** The page served at `/` until the web UI lands: says what is running and where to look. */
export function renderPlaceholderPage(version: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Slipway</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1b1f24}
code{background:#f0f2f4;padding:.1rem .3rem;border-radius:4px}</style></head>
<body>
<h1>Slipway ${version}</h1>
<p>The control plane is running. The web UI is not built yet; meanwhile:</p>
<ul>
<li><a href="/api/v1/health">/api/v1/health</a> — server and store status</li>
<li><code>slipway validate</code> — check a <code>.pipeline.yml</code></li>
<li><code>slipway run</code> — run a pipeline locally</li>
</ul>
</body>
</html>
`;
}
