/**
 * What the API and the audit log show of a webhook URL: scheme, host and port. The path and query of
 * an incoming webhook (Slack's /services/T…/B…/XXXX) are its credential, so they are never shown back.
 */
export function maskWebhookUrl(url: string): string {
  const parsed = new URL(url);
  const hidden = parsed.pathname !== '/' || parsed.search !== '' || parsed.username !== '' || parsed.password !== '';
  return `${parsed.protocol}//${parsed.host}${hidden ? '/***' : '/'}`;
}
