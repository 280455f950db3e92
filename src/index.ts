// The Probot entry point (`probot run ./dist/src/index.js`): wires webhook events to the review handler
// and, when it runs as a server, adds the health routes and a graceful drain on shutdown. Behaviour lives in src/app.
// With REDIS_URL set, reviews go to the shared queue on Redis (src/app/redis-queue.ts) instead of this process's.
import type { ApplicationFunctionOptions, Probot } from 'probot';
import { createReviewRunner, registerHandlers } from './app/handler.js';
import { addReadinessCheck, healthHandler, reportQueueHealth } from './app/health.js';
import { reviewQueue } from './app/queue.js';
import { closeRedisQueueOnShutdown, redisSettings } from './app/redis-mode.js';
import { RedisReviewQueue } from './app/redis-queue.js';
import { rejectForgedWebhooksQuietly } from './app/rejected-webhooks.js';
import { DRAIN_TIMEOUT_MS, drainQueueOnShutdown } from './app/shutdown.js';
import { ruleDocsLocation } from './render/links.js';

// Probot silently falls back to the secret "development", which would accept forged webhooks.
if (process.env.NODE_ENV === 'production' && !process.env.WEBHOOK_SECRET) {
  throw new Error('async-review: WEBHOOK_SECRET must be set when NODE_ENV=production (it verifies that webhooks come from GitHub).');
}
// A malformed DOCS_URL or REDIS_URL is said at start-up, not in the middle of a review.
ruleDocsLocation();
const redis = redisSettings(process.env);

export default function asyncReviewApp(app: Probot, options?: ApplicationFunctionOptions): void {
  const redisQueue = redis && new RedisReviewQueue({ ...redis, log: app.log });
  if (redisQueue) {
    const run = createReviewRunner(app, redisQueue);
    registerHandlers(app, redisQueue, run);
    redisQueue.startWorker(run).catch((error: unknown) => app.log.error({ err: error }, 'the review worker could not start'));
  } else {
    registerHandlers(app);
  }
  rejectForgedWebhooksQuietly(app);
  // Only `probot run` / a Server has routes and owns the process; a bare Probot (tests, serverless) has none.
  if (!options) return;
  try {
    options.addHandler(healthHandler);
  } catch {
    app.log.debug('no HTTP server: health route not added');
    return;
  }
  const hooks = { signals: process, exit: (code: number) => process.exit(code), log: app.log };
  if (redisQueue) {
    reportQueueHealth(redisQueue);
    addReadinessCheck('redis', async () => (await redisQueue.ping(), null));
    closeRedisQueueOnShutdown(redisQueue, hooks, DRAIN_TIMEOUT_MS);
  } else {
    drainQueueOnShutdown(reviewQueue, hooks);
  }
}
