// Redis mode's summary cache: the App started with REDIS_URL keeps the repository context's module summaries
// in Redis, so a summary one process computed is read by another (a second client stands for it), against a
// real redis-server.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { Probot, ProbotOctokit } from 'probot';
import { appSummaryCache, RedisSummaryCache } from '../../src/app/summary-cache.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await redis?.stop();
});

describe('the summary cache in Redis mode', () => {
  it('is the Redis one once the App starts with REDIS_URL, and another process reads what it stored', async () => {
    vi.stubEnv('REDIS_URL', redis.url);
    vi.stubEnv('REVIEW_CONCURRENCY', '0');
    vi.resetModules();
    const { default: asyncReviewApp } = await import('../../src/index.js');
    const { appSummaryCache: startedCache } = await import('../../src/app/summary-cache.js');
    const probot = new Probot({ appId: 1, privateKey: 'unused', secret: 'test', Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }), logLevel: 'fatal' });
    asyncReviewApp(probot);
    const cache = startedCache();
    expect(cache.constructor.name).toBe('RedisSummaryCache');

    const summary = { module: 'shop.retry', blocking: ['backoff'] };
    await cache.set('blob-1234', summary);
    // Another process: its own connection and cache over the same Redis.
    const other = new Redis(redis.url);
    try {
      const otherCache = new RedisSummaryCache(other);
      expect(await otherCache.has('blob-1234')).toBe(true);
      expect(await otherCache.get('blob-1234')).toEqual(summary);
      expect(await otherCache.get('blob-absent')).toBeUndefined();
    } finally {
      other.disconnect();
    }
  }, 30_000);

  it('stays in memory without REDIS_URL (the embedded mode)', () => {
    expect(appSummaryCache().constructor.name).toBe('MemorySummaryCache');
  });
});
