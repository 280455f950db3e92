// On SIGTERM/SIGINT (docker stop, a deploy): start no further review (queued ones stay in the journal for
// the next start), let the running ones finish, and interrupt those still running a third of the way through the
// drain: each completes its check run as interrupted (so none is left in progress) and stays journaled, so
// the next start reviews it again. Bounded: Docker sends SIGKILL 10 s after SIGTERM by default, so the
// drain gives up a little before that (SHUTDOWN_TIMEOUT_SECONDS, default 8).
import type { ReviewQueue } from './queue.js';

export const DRAIN_TIMEOUT_MS = 8_000;

export function drainTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.SHUTDOWN_TIMEOUT_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DRAIN_TIMEOUT_MS;
}

export interface ShutdownHooks {
  /** Where signals come from (process). */
  signals: Pick<NodeJS.Process, 'on'>;
  exit: (code: number) => void;
  log: { info(message: string): void; warn(message: string): void };
}

export function drainQueueOnShutdown(queue: ReviewQueue, hooks: ShutdownHooks, timeoutMs = DRAIN_TIMEOUT_MS): void {
  const drain = async (signal: string) => {
    const { queued, running } = queue.stats;
    hooks.log.info(`${signal}: finishing ${running} running and ${queued} queued review(s) before exiting`);
    // A third of the time to finish, the rest to complete the check runs of those interrupted (each waits for
    // its check run's creation, then one write: seconds when GitHub is slow).
    const abortAfterMs = Math.round(timeoutMs / 3);
    const { interrupted, unfinished } = await queue.close({ abortAfterMs, timeoutMs });
    if (interrupted > unfinished) {
      hooks.log.warn(`${signal}: ${interrupted - unfinished} review(s) interrupted after ${abortAfterMs} ms: check runs completed as interrupted, reviewed again on the next start`);
    }
    if (unfinished > 0) hooks.log.warn(`${signal}: reviews still running after ${timeoutMs} ms; exiting anyway`);
    hooks.exit(0);
  };
  // `on`, not `once`: the listener must stay while the drain runs. signal-exit (write-file-atomic loads it while
  // the journal is being written) re-raises a signal that finds no listener but its own, which would kill the
  // process in the middle of the drain. A second signal is ignored.
  let draining = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    hooks.signals.on(signal, () => {
      if (draining) return;
      draining = true;
      void drain(signal);
    });
  }
}
