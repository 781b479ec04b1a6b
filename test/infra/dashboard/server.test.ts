import { describe, expect, it } from 'vitest';
import { createServer } from '../../../infra/dashboard/server.ts';

describe('createServer', () => {
  it('answers /healthz without listening on a port', async () => {
    const app = createServer();
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    await app.close();
  });
});
