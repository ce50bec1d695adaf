import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * Headless Chromium for the UI's end-to-end tests (test infrastructure reads its own environment):
 * - SLIPWAY_CHROMIUM: the browser binary, default /usr/bin/chromium (Debian's `chromium` package).
 * - SLIPWAY_REQUIRE_SERVICES=1: a missing browser fails the suite instead of skipping it.
 */
export const chromiumPath = process.env.SLIPWAY_CHROMIUM || '/usr/bin/chromium';
export const browserAvailable = existsSync(chromiumPath);
export const browserRequired = process.env.SLIPWAY_REQUIRE_SERVICES === '1';

// The machine may have no network beyond loopback: without these, Chromium's background
// connections (updates, sync, QUIC probes) fail and slow every start.
const offlineArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchTestBrowser(): Promise<Browser> {
  if (!browserAvailable) throw new Error(`no Chromium at ${chromiumPath}: install Debian's chromium package or set SLIPWAY_CHROMIUM`);
  return chromium.launch({ executablePath: chromiumPath, args: offlineArgs });
}
