// On SIGTERM/SIGINT (docker stop, a deploy), let running and queued reviews finish before exiting, so no
// check run is left "in progress" by a review killed halfway. Bounded: Docker sends SIGKILL 10 s after
// SIGTERM by default, so the drain gives up a little before that.
import type { ReviewQueue } from './queue.js';

export const DRAIN_TIMEOUT_MS = 8_000;

export interface ShutdownHooks {
  /** Where signals come from (process). */
  signals: Pick<NodeJS.Process, 'once'>;
  exit: (code: number) => void;
  log: { info(message: string): void; warn(message: string): void };
}

export function drainQueueOnShutdown(queue: ReviewQueue, hooks: ShutdownHooks, timeoutMs = DRAIN_TIMEOUT_MS): void {
  const drain = async (signal: string) => {
    const { queued, running } = queue.stats;
    hooks.log.info(`${signal}: finishing ${running} running and ${queued} queued review(s) before exiting`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    const finished = await Promise.race([queue.onIdle().then(() => false), timedOut]);
    clearTimeout(timer);
    if (finished) hooks.log.warn(`${signal}: reviews still running after ${timeoutMs} ms; exiting anyway`);
    hooks.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) hooks.signals.once(signal, () => void drain(signal));
}
