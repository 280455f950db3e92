// GET /health: liveness for Docker's HEALTHCHECK and load balancers, with the queue's load.
// GET /ready: readiness, 503 while a service the App needs (Redis, in Redis mode) does not answer.
// Not logged: a probe every few seconds would bury the App's own lines.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobQueue } from './job-queue.js';
import { reviewQueue } from './queue.js';

export const HEALTH_PATH = '/health';
export const READY_PATH = '/ready';
/** A dependency slower than this to answer counts as down. */
const READINESS_TIMEOUT_MS = 2_000;

let healthQueue: Pick<JobQueue, 'stats'> = reviewQueue;
const readinessChecks = new Map<string, () => Promise<unknown>>();

/** The queue whose load /health reports (Redis mode's instead of the embedded one). */
export function reportQueueHealth(queue: Pick<JobQueue, 'stats'>): void {
  healthQueue = queue;
}

/** A check /ready runs; it throws (or takes too long) while the dependency is down. */
export function addReadinessCheck(name: string, check: () => Promise<unknown>): void {
  readinessChecks.set(name, check);
}

export function healthHandler(request: IncomingMessage, response: ServerResponse): boolean {
  const path = request.url?.split('?')[0];
  if ((path !== HEALTH_PATH && path !== READY_PATH) || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
  quietRequestLog(response);
  if (path === READY_PATH) {
    void readiness().then(({ ready, failing }) => {
      response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : JSON.stringify({ status: ready ? 'ready' : 'unready', ...(ready ? {} : { failing }) }));
    });
    return true;
  }
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : JSON.stringify({ status: 'ok', queue: healthQueue.stats }));
  return true;
}

async function readiness(): Promise<{ ready: boolean; failing: Record<string, string> }> {
  const failing: Record<string, string> = {};
  await Promise.all(
    [...readinessChecks].map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS)));
      try {
        await Promise.race([check(), timeout]);
      } catch (error) {
        failing[name] = error instanceof Error ? error.message : String(error);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: Object.keys(failing).length === 0, failing };
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
