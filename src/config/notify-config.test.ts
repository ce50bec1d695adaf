import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig SLIPWAY_NOTIFY_WEBHOOK_URL', () => {
  it('passes an http(s) endpoint on, and leaves it unset by default', () => {
    expect(loadConfig({ SLIPWAY_NOTIFY_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X' }).notifyWebhookUrl).toBe('https://hooks.slack.com/services/T/B/X');
    expect(loadConfig({}).notifyWebhookUrl).toBeUndefined();
  });

  it('refuses anything but http(s), naming the variable', () => {
    expect(() => loadConfig({ SLIPWAY_NOTIFY_WEBHOOK_URL: 'ftp://example.com/x' })).toThrow(/SLIPWAY_NOTIFY_WEBHOOK_URL: expected an http:\/\/ or https:\/\/ URL/);
    expect(() => loadConfig({ SLIPWAY_NOTIFY_WEBHOOK_URL: 'hooks.slack.com' })).toThrow(/SLIPWAY_NOTIFY_WEBHOOK_URL/);
  });
});
