// The Probot entry point (`probot run ./dist/src/index.js`): wires webhook events to the review handler
// and, when it runs as a server, adds the health route and a graceful drain on shutdown. Behaviour lives in src/app.
import type { ApplicationFunctionOptions, Probot } from 'probot';
import { registerHandlers } from './app/handler.js';
import { healthHandler } from './app/health.js';
import { reviewQueue } from './app/queue.js';
import { rejectForgedWebhooksQuietly } from './app/rejected-webhooks.js';
import { drainQueueOnShutdown } from './app/shutdown.js';
import { ruleDocsLocation } from './render/links.js';

// Probot silently falls back to the secret "development", which would accept forged webhooks.
if (process.env.NODE_ENV === 'production' && !process.env.WEBHOOK_SECRET) {
  throw new Error('async-review: WEBHOOK_SECRET must be set when NODE_ENV=production (it verifies that webhooks come from GitHub).');
}
// A malformed DOCS_URL is said at start-up, not in the middle of a review.
ruleDocsLocation();

export default function asyncReviewApp(app: Probot, options?: ApplicationFunctionOptions): void {
  registerHandlers(app);
  rejectForgedWebhooksQuietly(app);
  // Only `probot run` / a Server has routes and owns the process; a bare Probot (tests, serverless) has none.
  if (!options) return;
  try {
    options.addHandler(healthHandler);
  } catch {
    app.log.debug('no HTTP server: health route not added');
    return;
  }
  drainQueueOnShutdown(reviewQueue, { signals: process, exit: (code) => process.exit(code), log: app.log });
}
