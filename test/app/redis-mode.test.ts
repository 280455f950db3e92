// Redis mode's settings: REDIS_URL turns it on; malformed values are said at start-up, not mid-review.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONCURRENCY, redisSettings } from '../../src/app/redis-mode.js';
import { DEFAULT_LOCK_MS } from '../../src/app/redis-queue.js';

describe('Redis mode settings', () => {
  it('is off without REDIS_URL (the embedded queue), and on with it, with defaults', () => {
    expect(redisSettings({})).toBeUndefined();
    expect(redisSettings({ REDIS_URL: '  ' })).toBeUndefined();
    expect(redisSettings({ REDIS_URL: 'redis://cache:6379/2' })).toEqual({ url: 'redis://cache:6379/2', concurrency: DEFAULT_CONCURRENCY, lockMs: DEFAULT_LOCK_MS });
  });

  it('reads the concurrency (0: intake only) and the lock duration', () => {
    expect(redisSettings({ REDIS_URL: 'rediss://u:p@cache:6380', REVIEW_CONCURRENCY: '0', REDIS_JOB_LOCK_MS: '5000' })).toEqual({
      url: 'rediss://u:p@cache:6380',
      concurrency: 0,
      lockMs: 5000,
    });
  });

  it('refuses malformed values, without printing the password', () => {
    expect(() => redisSettings({ REDIS_URL: 'http://user:secret@cache' })).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => redisSettings({ REDIS_URL: 'http://user:secret@cache' })).not.toThrow(/secret/);
    expect(() => redisSettings({ REDIS_URL: 'redis://cache', REVIEW_CONCURRENCY: 'four' })).toThrow(/REVIEW_CONCURRENCY must be a whole number/);
    expect(() => redisSettings({ REDIS_URL: 'redis://cache', REDIS_JOB_LOCK_MS: '-1' })).toThrow(/REDIS_JOB_LOCK_MS/);
  });

  it('has a worker entry (npm run worker) that refuses to start without REDIS_URL', () => {
    const worker = spawnSync(process.execPath, [join(process.cwd(), 'dist/src/worker.js')], {
      env: { PATH: process.env.PATH, APP_ID: '1', PRIVATE_KEY: 'unused' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(worker.status).toBe(2);
    expect(worker.stderr).toContain('REDIS_URL must be set');
  });
});
