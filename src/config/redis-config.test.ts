import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig REDIS_URL', () => {
  it('passes REDIS_URL on for the deployment lock, also with the in-process bus', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', bus: { kind: 'memory' } });
    expect(loadConfig({}).redisUrl).toBeUndefined();
  });
});
