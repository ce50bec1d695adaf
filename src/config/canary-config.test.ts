import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig bus, gRPC port and canary policy', () => {
  it('defaults to the memory bus, gRPC on 8082 and the built-in policy', () => {
    const config = loadConfig({}, {}, '/srv');
    expect(config.bus).toEqual({ kind: 'memory' });
    expect(config.grpcPort).toBe(8082);
    expect(config.canaryPolicyFile).toBeUndefined();
  });

  it('reads SLIPWAY_BUS with its broker URL, SLIPWAY_GRPC_PORT (0: a free port) and SLIPWAY_CANARY_POLICY relative to the cwd', () => {
    const config = loadConfig({ SLIPWAY_BUS: 'redis', REDIS_URL: 'redis://127.0.0.1:6379', SLIPWAY_GRPC_PORT: '0', SLIPWAY_CANARY_POLICY: 'canary.yml' }, {}, '/srv');
    expect(config.bus).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379' });
    expect(config.grpcPort).toBe(0);
    expect(config.canaryPolicyFile).toBe('/srv/canary.yml');
    expect(loadConfig({ SLIPWAY_BUS: 'nats', NATS_URL: 'nats://127.0.0.1:4222' }).bus).toEqual({ kind: 'nats', url: 'nats://127.0.0.1:4222' });
  });

  it('refuses a broker bus without its URL, and unknown bus kinds, naming the variable', () => {
    expect(() => loadConfig({ SLIPWAY_BUS: 'redis' })).toThrow(/SLIPWAY_BUS=redis needs REDIS_URL/);
    expect(() => loadConfig({ SLIPWAY_BUS: 'nats', REDIS_URL: 'redis://x' })).toThrow(/needs NATS_URL/);
    expect(() => loadConfig({ SLIPWAY_BUS: 'kafka' })).toThrow(/SLIPWAY_BUS/);
    expect(() => loadConfig({ SLIPWAY_GRPC_PORT: '70000' })).toThrow(/SLIPWAY_GRPC_PORT/);
  });
});
