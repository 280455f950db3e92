// The Probot entry point (`probot run ./dist/src/index.js`): wires webhook events to the review handler
// and, when it runs as a server, adds the health routes and a graceful drain on shutdown. Behaviour lives in src/app.
// With REDIS_URL set, reviews go to the shared queue on Redis (src/app/redis-queue.ts) instead of this process's.
import type { ApplicationFunctionOptions, Probot } from 'probot';
import { createJobErrorHandler, createReviewRunner, registerHandlers } from './app/handler.js';
import { addReadinessCheck, healthHandler, reportQueueHealth } from './app/health.js';
import { dataDirectory, JobJournal } from './app/journal.js';
import { metricsHandler, setQueueDepthSource } from './app/metrics.js';
import { reviewQueue } from './app/queue.js';
import { closeRedisQueueOnShutdown, redisSettings } from './app/redis-mode.js';
import { RedisReviewQueue } from './app/redis-queue.js';
import { rejectForgedWebhooksQuietly } from './app/rejected-webhooks.js';
import { drainQueueOnShutdown, drainTimeoutMs } from './app/shutdown.js';
import { RedisSummaryCache, useSummaryCache } from './app/summary-cache.js';
import { ruleDocsLocation } from './render/links.js';

// Probot silently falls back to the secret "development", which would accept forged webhooks.
if (process.env.NODE_ENV === 'production' && !process.env.WEBHOOK_SECRET) {
  throw new Error('async-review: WEBHOOK_SECRET must be set when NODE_ENV=production (it verifies that webhooks come from GitHub).');
}
// A malformed DOCS_URL or REDIS_URL is said at start-up, not in the middle of a review.
ruleDocsLocation();
const redis = redisSettings(process.env);

export default function asyncReviewApp(app: Probot, options?: ApplicationFunctionOptions): void {
  // Only `probot run` / a Server has routes and owns the process; a bare Probot (tests, serverless) has none,
  // and keeps its queue in memory.
  const server = options !== undefined && addRoutes(app, options);
  const hooks = { signals: process, exit: (code: number) => process.exit(code), log: app.log };
  if (redis) {
    // Redis mode: the shared queue holds the jobs (no journal), and the summaries every worker reuses.
    const redisQueue = new RedisReviewQueue({ ...redis, log: app.log });
    useSummaryCache(new RedisSummaryCache(redisQueue.client));
    const run = createReviewRunner(app, redisQueue);
    registerHandlers(app, redisQueue, run);
    redisQueue.startWorker(run, createJobErrorHandler(app)).catch((error: unknown) => app.log.error({ err: error }, 'the review worker could not start'));
    if (server) {
      reportQueueHealth(redisQueue);
      setQueueDepthSource(() => redisQueue.load());
      addReadinessCheck('redis', async () => (await redisQueue.ping(), null));
      closeRedisQueueOnShutdown(redisQueue, hooks, drainTimeoutMs());
    }
  } else {
    if (server) {
      // The embedded mode's journal: jobs survive a crash or a redeploy (see README, Operations).
      const journal = JobJournal.open(dataDirectory(), { warn: (m) => app.log.warn(m), error: (o, m) => app.log.error(o, m) });
      reviewQueue.useJournal(journal);
      addReadinessCheck('journal', () => journal.check());
      setQueueDepthSource(() => reviewQueue.stats);
      app.log.info(`job journal: ${journal.path} (${journal.size} job(s) to resume)`);
    }
    registerHandlers(app);
    if (server) drainQueueOnShutdown(reviewQueue, hooks, drainTimeoutMs());
  }
  rejectForgedWebhooksQuietly(app);
}

function addRoutes(app: Probot, options: ApplicationFunctionOptions): boolean {
  try {
    options.addHandler(healthHandler);
    options.addHandler(metricsHandler);
    return true;
  } catch {
    app.log.debug('no HTTP server: health and metrics routes not added');
    return false;
  }
}
