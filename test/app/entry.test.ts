import { afterEach, describe, expect, it, vi } from 'vitest';
import { Probot, Server } from 'probot';
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';

const saved = { NODE_ENV: process.env.NODE_ENV, WEBHOOK_SECRET: process.env.WEBHOOK_SECRET };

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.resetModules();
});

describe('src/index.ts', () => {
  it('refuses to load in production without WEBHOOK_SECRET', async () => {
    process.env.NODE_ENV = 'production';
    delete process.env.WEBHOOK_SECRET;
    vi.resetModules();
    await expect(import('../../src/index.js')).rejects.toThrow(/WEBHOOK_SECRET must be set when NODE_ENV=production/);
  });

  it('loads in production with a secret', async () => {
    process.env.NODE_ENV = 'production';
    process.env.WEBHOOK_SECRET = 'a-real-secret';
    vi.resetModules();
    const module = await import('../../src/index.js');
    expect(typeof module.default).toBe('function');
  });

  it('serves GET /health on the Probot server', async () => {
    const { default: app } = await import('../../src/index.js');
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const server = new Server({
      Probot: Probot.defaults({ appId: 1, privateKey, secret: 'test', logLevel: 'fatal' }),
      port: 0,
      host: '127.0.0.1',
    });
    await server.load(app);
    const http = await server.start();
    try {
      const { port } = http.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', queue: { queued: 0, running: 0 } });
      expect((await fetch(`http://127.0.0.1:${port}/health`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
