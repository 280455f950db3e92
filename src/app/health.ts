// GET /health: liveness for Docker's HEALTHCHECK and load balancers, with the queue's load.
// GET /ready: readiness, 503 until every dependency answers (the job journal is writable; in Redis mode,
// Redis answers: that mode registers its own check with addReadinessCheck).
// Neither is logged: a probe every few seconds would bury the App's own lines.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobQueue } from './job-queue.js';
import { reviewQueue } from './queue.js';

export const HEALTH_PATH = '/health';
export const READY_PATH = '/ready';

/** A dependency's state: null when ready, else why not (said in the answer, without secrets). A check that
 *  throws or takes over 2 s is not ready either. */
export type ReadinessCheck = () => Promise<string | null> | string | null;

const readinessChecks = new Map<string, ReadinessCheck>();
let healthQueue: Pick<JobQueue, 'stats'> = reviewQueue;

/** Adds (or replaces) a named check that /ready runs. */
export function addReadinessCheck(name: string, check: ReadinessCheck): void {
  readinessChecks.set(name, check);
}

export function removeReadinessCheck(name: string): void {
  readinessChecks.delete(name);
}

/** The queue whose load /health reports (Redis mode's instead of the embedded one). */
export function reportQueueHealth(queue: Pick<JobQueue, 'stats'>): void {
  healthQueue = queue;
}

/** Runs every check (each bounded to 2 s): { ready, checks: { name: 'ok' | reason } }. */
export async function readiness(): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const entries = await Promise.all(
    [...readinessChecks].map(async ([name, check]): Promise<[string, string]> => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no answer within 2 s'), 2_000)));
        return [name, (await Promise.race([Promise.resolve(check()), timeout])) ?? 'ok'];
      } catch (error) {
        return [name, error instanceof Error ? error.message : String(error)];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: entries.every(([, state]) => state === 'ok'), checks: Object.fromEntries(entries) };
}

export function healthHandler(request: IncomingMessage, response: ServerResponse): boolean {
  const path = request.url?.split('?')[0];
  if ((path !== HEALTH_PATH && path !== READY_PATH) || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
  quietRequestLog(response);
  const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (path === HEALTH_PATH) {
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : JSON.stringify({ status: 'ok', queue: healthQueue.stats }));
    return true;
  }
  void readiness().then(({ ready, checks }) => {
    response.writeHead(ready ? 200 : 503, headers);
    response.end(request.method === 'HEAD' ? undefined : JSON.stringify({ status: ready ? 'ready' : 'not ready', checks }));
  });
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
