import { pino } from 'pino';
import { expect, it } from 'vitest';
import { createServer } from '../create-server.js';
import type { OpenApiDocument } from './build-openapi-document.js';

it('serves only the operations this server registered: without agents, no run or agent routes', async () => {
  const app = createServer({ version: '9.9.9', logger: pino({ level: 'silent' }), checkHealth: async () => ({ ok: true }) });
  try {
    const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<OpenApiDocument>();
    expect(document.info.version).toBe('9.9.9');
    expect(Object.keys(document.paths).sort()).toEqual(['/api/v1/health', '/api/v1/openapi.json', '/healthz']);
    expect(document.tags.map((tag) => tag.name)).toEqual(['system']);
  } finally {
    await app.close();
  }
});
