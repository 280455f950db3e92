// Redis mode's settings and lifecycle, shared by the App (src/index.ts) and the worker entry (src/worker.ts).
//   REDIS_URL            redis://host:6379 — turns the mode on (unset: the embedded queue)
//   REVIEW_CONCURRENCY   reviews one process runs at once (default 4; 0 in the App: intake only)
//   REDIS_JOB_LOCK_MS    how long before a dead worker's review is taken up by another (default 30000)
import type { ShutdownHooks } from './shutdown.js';
import { DEFAULT_LOCK_MS, RedisReviewQueue, type RedisQueueOptions } from './redis-queue.js';

export const DEFAULT_CONCURRENCY = 4;

export type RedisSettings = Omit<RedisQueueOptions, 'log'>;

/** Redis mode's settings, or undefined when REDIS_URL is unset. Throws on a malformed value. */
export function redisSettings(env: NodeJS.ProcessEnv): RedisSettings | undefined {
  const url = env.REDIS_URL?.trim();
  if (!url) return undefined;
  if (!/^rediss?:\/\//.test(url)) throw new Error(`async-review: REDIS_URL must be a redis:// or rediss:// URL, not "${url.replace(/\/\/[^@]*@/, '//***@')}"`);
  return {
    url,
    concurrency: wholeNumber(env, 'REVIEW_CONCURRENCY', DEFAULT_CONCURRENCY),
    lockMs: wholeNumber(env, 'REDIS_JOB_LOCK_MS', DEFAULT_LOCK_MS),
  };
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`async-review: ${name} must be a whole number, not "${raw}"`);
  return Number(raw);
}

/** On SIGTERM/SIGINT: stop taking jobs and let this process's running reviews finish (bounded), then exit.
 *  Jobs still queued stay in Redis for the other workers; one cut off by the exit is taken up by another
 *  worker once its lock expires. */
export function closeRedisQueueOnShutdown(queue: RedisReviewQueue, hooks: ShutdownHooks, timeoutMs: number): void {
  const close = async (signal: string) => {
    hooks.log.info(`${signal}: finishing ${queue.stats.running} running review(s) before exiting; queued ones stay in Redis`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    // Reviews still running a third of the way through are told to stop: they complete their check run and
    // their job runs again at once on another worker.
    const cut = await Promise.race([queue.close(timeoutMs / 3).then(() => false, () => false), timedOut]);
    clearTimeout(timer);
    if (cut) hooks.log.warn(`${signal}: reviews still running after ${timeoutMs} ms; exiting anyway (another worker takes them up)`);
    hooks.exit(0);
  };
  // `on`, not `once`: a second signal during the drain must not fall back to Node's default (exit at once).
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    hooks.signals.on(signal, () => {
      if (closing) return;
      closing = true;
      void close(signal);
    });
  }
}
