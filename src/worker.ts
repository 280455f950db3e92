// `npm run worker` (node dist/src/worker.js): a process that only runs reviews from the shared queue on
// Redis, beside App processes that take webhooks (REVIEW_CONCURRENCY=0 in them makes them intake only).
// Needs REDIS_URL and the App's credentials (APP_ID, PRIVATE_KEY, and GHE_HOST for GitHub Enterprise), read
// the way `probot run` reads them; no webhook secret. When PORT is set (the Docker image sets it), it serves
// GET /health and GET /ready there, so the image's HEALTHCHECK and an orchestrator's probes work for it too.
import { createServer } from 'node:http';
import { createProbot } from 'probot';
import { createJobErrorHandler, createReviewRunner } from './app/handler.js';
import { addReadinessCheck, healthHandler, reportQueueHealth } from './app/health.js';
import { metricsHandler, setQueueDepthSource } from './app/metrics.js';
import { closeRedisQueueOnShutdown, redisSettings } from './app/redis-mode.js';
import { RedisReviewQueue } from './app/redis-queue.js';
import { drainTimeoutMs } from './app/shutdown.js';
import { RedisSummaryCache, useSummaryCache } from './app/summary-cache.js';
import { ruleDocsLocation } from './render/links.js';

ruleDocsLocation();
const settings = redisSettings(process.env);
if (!settings) {
  console.error('async-review worker: REDIS_URL must be set (the worker runs reviews from the shared queue on Redis).');
  process.exit(2);
}
const probot = createProbot();
const queue = new RedisReviewQueue({ ...settings, concurrency: Math.max(settings.concurrency, 1), log: probot.log });
// The repository context's summaries are shared with every other worker and App process.
useSummaryCache(new RedisSummaryCache(queue.client));
if (process.env.PORT) {
  reportQueueHealth(queue);
  setQueueDepthSource(() => queue.load());
  addReadinessCheck('redis', async () => (await queue.ping(), null));
  const server = createServer((request, response) => {
    if (!healthHandler(request, response) && !metricsHandler(request, response)) response.writeHead(404).end();
  });
  server.listen(Number(process.env.PORT), process.env.HOST || 'localhost');
}
closeRedisQueueOnShutdown(queue, { signals: process, exit: (code) => process.exit(code), log: probot.log }, drainTimeoutMs());
await queue.startWorker(createReviewRunner(probot, queue), createJobErrorHandler(probot));
probot.log.info(`async-review worker: running up to ${Math.max(settings.concurrency, 1)} review(s) at once from ${settings.url.replace(/\/\/[^@]*@/, '//***@')}`);
