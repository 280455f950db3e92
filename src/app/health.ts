// GET /health: liveness for Docker's HEALTHCHECK and load balancers, with the queue's load.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reviewQueue } from './queue.js';

export const HEALTH_PATH = '/health';

export function healthHandler(request: IncomingMessage, response: ServerResponse): boolean {
  const path = request.url?.split('?')[0];
  if (path !== HEALTH_PATH || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : JSON.stringify({ status: 'ok', queue: reviewQueue.stats }));
  return true;
}
