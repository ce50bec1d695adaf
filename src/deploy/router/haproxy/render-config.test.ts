import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type HaproxyConfigInput, renderHaproxyConfig, renderSlotMap } from './render-config.js';

const haproxyPath = '/usr/sbin/haproxy';
const files = { configPath: '/r/haproxy.cfg', adminSocketPath: '/r/admin.sock', servicesMapPath: '/r/services.map', versionsMapPath: '/r/versions.map', tracksMapPath: '/r/tracks.map' };
const base: HaproxyConfigInput = { files, port: 8080, logPort: 5140, serviceSlots: 2, serverSlots: 2, connectTimeoutMs: 500, serverTimeoutMs: 30_000 };

describe('renderHaproxyConfig', () => {
  it('declares every slot in maintenance with a placeholder address', () => {
    const config = renderHaproxyConfig(base);
    expect(config.match(/^ {2}server svc\ds\d 127\.0\.0\.1:1 disabled weight 0$/gm)).toHaveLength(4);
    expect(config).toContain('stats socket /r/admin.sock mode 600 level admin');
    expect(config).toContain('bind 127.0.0.1:8080');
    expect(config).toContain('log 127.0.0.1:5140 ');
    expect(config).not.toContain('cookie');
    expect(config).not.toContain('stick');
  });

  it('gives slots fixed cookie values for cookie stickiness, a stick table for header stickiness', () => {
    const byCookie = renderHaproxyConfig({ ...base, sticky: { cookie: 'sid' } });
    expect(byCookie).toContain('cookie sid insert indirect nocache httponly');
    expect(byCookie).toContain('server svc1s1 127.0.0.1:1 disabled weight 0 cookie svc1s1');
    const byHeader = renderHaproxyConfig({ ...base, sticky: { header: 'x-user' } });
    expect(byHeader).toContain('stick on req.hdr(x-user)');
  });

  it('routes an unnamed Host to the default service slot when there is one', () => {
    expect(renderHaproxyConfig({ ...base, defaultServiceSlot: 0 })).toContain('map(/r/services.map,svc0)]');
  });

  it.runIf(existsSync(haproxyPath))('is accepted by haproxy -c', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-haproxy-check-'));
    try {
      const real = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, join(dir, v.slice(3))])) as typeof files;
      for (const map of [real.servicesMapPath, real.versionsMapPath, real.tracksMapPath]) await writeFile(map, renderSlotMap(2, 2));
      for (const sticky of [undefined, { cookie: 'sid' }, { header: 'x-user' }]) {
        await writeFile(real.configPath, renderHaproxyConfig({ ...base, files: real, ...(sticky ? { sticky } : {}), defaultServiceSlot: 1 }));
        const { stdout } = await promisify(execFile)(haproxyPath, ['-c', '-f', real.configPath]);
        expect(stdout).toContain('Configuration file is valid');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('renderSlotMap', () => {
  it('names every server slot with a placeholder', () => {
    expect(renderSlotMap(1, 2)).toBe('svc0s0 -\nsvc0s1 -\n');
  });
});
