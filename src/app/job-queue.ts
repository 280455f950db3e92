// What the webhook handlers need from a review queue, whichever mode runs: the embedded one in this process
// (queue.ts) or the shared one on Redis (redis-queue.ts). The Redis one answers after a round trip, so the
// handlers await both answers.
import type { EnqueueOptions, EnqueueResult, ReviewJob, ReviewRunner } from './queue.js';

export interface JobQueue {
  /** `run` is the embedded queue's runner; the Redis queue's workers run the runner they were started with. */
  enqueue(job: ReviewJob, run: ReviewRunner, options: EnqueueOptions): EnqueueResult | Promise<EnqueueResult>;
  /** Was this job's commit the last head reviewed for its pull request? */
  wasLastReviewed(job: ReviewJob): boolean | Promise<boolean>;
  /** Resolves when no review is queued or running (tests). */
  onIdle(): Promise<void>;
  /** This process's view of the load, for /health. */
  readonly stats: { queued: number; running: number };
}
