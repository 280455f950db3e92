// The Probot entry point (`probot run ./dist/src/index.js`): wires webhook events to the review handler
// and, when it runs as a server, adds the health route and a graceful drain on shutdown. Behaviour lives in src/app.
import type { ApplicationFunctionOptions, Probot } from 'probot';
import { registerHandlers } from './app/handler.js';
import { addReadinessCheck, healthHandler } from './app/health.js';
import { dataDirectory, JobJournal } from './app/journal.js';
import { metricsHandler, setQueueDepthSource } from './app/metrics.js';
import { reviewQueue } from './app/queue.js';
import { rejectForgedWebhooksQuietly } from './app/rejected-webhooks.js';
import { drainQueueOnShutdown, drainTimeoutMs } from './app/shutdown.js';
import { ruleDocsLocation } from './render/links.js';

// Probot silently falls back to the secret "development", which would accept forged webhooks.
if (process.env.NODE_ENV === 'production' && !process.env.WEBHOOK_SECRET) {
  throw new Error('async-review: WEBHOOK_SECRET must be set when NODE_ENV=production (it verifies that webhooks come from GitHub).');
}
// A malformed DOCS_URL is said at start-up, not in the middle of a review.
ruleDocsLocation();

export default function asyncReviewApp(app: Probot, options?: ApplicationFunctionOptions): void {
  // Only `probot run` / a Server has routes and owns the process; a bare Probot (tests, serverless) has none,
  // and keeps its queue in memory.
  const server = options !== undefined && addRoutes(app, options);
  if (server) {
    // The embedded mode's journal: jobs survive a crash or a redeploy (see README, Operations).
    const journal = JobJournal.open(dataDirectory(), { warn: (m) => app.log.warn(m), error: (o, m) => app.log.error(o, m) });
    reviewQueue.useJournal(journal);
    addReadinessCheck('journal', () => journal.check());
    setQueueDepthSource(() => reviewQueue.stats);
    app.log.info(`job journal: ${journal.path} (${journal.size} job(s) to resume)`);
  }
  registerHandlers(app);
  rejectForgedWebhooksQuietly(app);
  if (server) drainQueueOnShutdown(reviewQueue, { signals: process, exit: (code) => process.exit(code), log: app.log }, drainTimeoutMs());
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
