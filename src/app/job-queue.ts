// What the webhook handlers need from a review queue, whichever mode runs: the embedded one in this process
// (queue.ts) or the shared one on Redis (redis-queue.ts). The Redis one answers after a round trip, so the
// handlers await both answers.
import type { EnqueueOptions, EnqueueResult, ReviewJob, ReviewRunner } from './queue.js';

/** A job a queue takes up again on start, as resume() lists them. */
export interface ResumedJob {
  job: ReviewJob;
}

export interface JobQueue {
  /** `run` is the embedded queue's runner; the Redis queue's workers run the runner they were started with. */
  enqueue(job: ReviewJob, run: ReviewRunner, options: EnqueueOptions): EnqueueResult | Promise<EnqueueResult>;
  /** Was this job's commit the last head reviewed for its pull request? */
  wasLastReviewed(job: ReviewJob): boolean | Promise<boolean>;
  /** Resolves once every job accepted so far survives this process (journaled on disk, or stored in Redis
   *  already): the webhook is answered after it. */
  persisted(): Promise<void>;
  /** Takes up the jobs an earlier process left (the embedded journal's; Redis mode's workers find theirs in
   *  Redis, so its queue resumes none here). */
  resume(run: ReviewRunner, onError: (error: unknown, job: ReviewJob) => void): readonly ResumedJob[];
  /** Resolves when no review is queued or running (tests). */
  onIdle(): Promise<void>;
  /** This process's view of the load, for /health. */
  readonly stats: { queued: number; running: number };
}
