// The App's Prometheus metrics (GET /metrics), one registry for both queue modes: the embedded queue and
// the Redis one record into the same metrics. Labels are bounded (outcomes, HTTP statuses, reasons): never
// repositories or paths, which would grow without end.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { quietRequestLog } from './health.js';

export const METRICS_PATH = '/metrics';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'async_review_' });

export const reviewsTotal = new Counter({
  name: 'async_review_reviews_total',
  help: 'Reviews finished, by outcome: the check conclusion (success, failure, neutral), not-reported (no check run), superseded, retry (to be run again) or error.',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const reviewDuration = new Histogram({
  name: 'async_review_review_duration_seconds',
  help: 'Time from a review starting to its end (check run completed), by outcome.',
  labelNames: ['outcome'] as const,
  buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
  registers: [registry],
});

export const jobsRetried = new Counter({
  name: 'async_review_jobs_retried_total',
  help: 'Review jobs scheduled to run again after GitHub was unavailable, or resumed after a restart (reason).',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const githubRequestRetries = new Counter({
  name: 'async_review_github_request_retries_total',
  help: 'GitHub API requests retried within a review, by the status that caused it (network for connection errors).',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const githubErrors = new Counter({
  name: 'async_review_github_api_errors_total',
  help: 'GitHub API answers that were errors, by HTTP status (network for connection errors).',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const filesSkipped = new Counter({
  name: 'async_review_files_skipped_total',
  help: 'Changed files not analyzed, by reason: time (over the per-file deadline), size (over the byte limit), other.',
  labelNames: ['reason'] as const,
  registers: [registry],
});

/** Sources of the queue's depth: each mode sets its own (the embedded queue, or Redis). */
let queueDepthSource: () => Promise<{ queued: number; running: number }> | { queued: number; running: number } = () => ({ queued: 0, running: 0 });

export function setQueueDepthSource(source: typeof queueDepthSource): void {
  queueDepthSource = source;
}

new Gauge({
  name: 'async_review_queue_depth',
  help: 'Review jobs queued (waiting) and running.',
  labelNames: ['state'] as const,
  registers: [registry],
  async collect() {
    const { queued, running } = await queueDepthSource();
    this.set({ state: 'queued' }, queued);
    this.set({ state: 'running' }, running);
  },
});

/** The reason a problem's message gives for a file not analyzed. */
export function skipReason(message: string): 'time' | 'size' | 'other' {
  if (/longer than|deadline|timed? ?out/i.test(message)) return 'time';
  if (/bytes|too large|memory|over the .*limit/i.test(message)) return 'size';
  return 'other';
}

export function metricsHandler(request: IncomingMessage, response: ServerResponse): boolean {
  const path = request.url?.split('?')[0];
  if (path !== METRICS_PATH || request.method !== 'GET') return false;
  quietRequestLog(response);
  registry.metrics().then(
    (text) => response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(text),
    (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
  );
  return true;
}
