// GET /health: liveness for Docker's HEALTHCHECK and load balancers, with the queue's load. Not logged: a
// probe every few seconds would bury the App's own lines.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reviewQueue } from './queue.js';

export const HEALTH_PATH = '/health';

export function healthHandler(request: IncomingMessage, response: ServerResponse): boolean {
  const path = request.url?.split('?')[0];
  if (path !== HEALTH_PATH || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
  quietRequestLog(response);
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : JSON.stringify({ status: 'ok', queue: reviewQueue.stats }));
  return true;
}

/**
 * Drops the line Probot's HTTP logger (pino-http) writes when this response finishes. pino-http gives each
 * request its own child logger, set as `response.log`, and writes the response's line through it: silencing
 * that child silences this request alone.
 */
export function quietRequestLog(response: ServerResponse): void {
  const log = (response as ServerResponse & { log?: { level: string } }).log;
  if (log) log.level = 'silent';
}
