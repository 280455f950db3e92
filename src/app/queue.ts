// The embedded, in-process queue of reviews. A job is plain data (installation, repository, PR, head SHA)
// so a durable queue (BullMQ on Redis) can replace this one without touching the flow.
// - The same repo#pr@sha already queued or running is coalesced (redelivered webhooks, quick re-runs).
// - Jobs of one pull request run one after another: two concurrent runs would both read the threads before
//   either posted, and post the same finding twice.
// - A queued push whose PR has since received a newer push (queued or running) is skipped when it starts;
//   an explicit re-run of an older commit's check is not.
// With a journal (src/app/journal.ts), queued and running jobs survive the process: resume() takes them up
// again on start, a job whose runner throws RetryableJobError is kept and run again after a delay, and
// close() (SIGTERM) stops starting jobs, lets the running ones finish, and interrupts those that take too long.
import PQueue from 'p-queue';
import type { JobQueue } from './job-queue.js';
import type { JobJournal, JournalEntry } from './journal.js';

export interface ReviewJob {
  installationId: number;
  owner: string;
  repo: string;
  pullNumber: number;
  headSha: string;
  /** An explicit re-run from the Checks UI (see ReviewRequest.rerun). */
  rerun?: boolean;
}

/** What a run knows beyond its job: whether to stop, and the state earlier attempts left. */
export interface RunContext {
  /** Aborted when the process shuts down before the run finished: complete the check run and stop. */
  signal: AbortSignal;
  /** 1 for the first run; more when the job is resumed after a crash or retried. */
  attempt: number;
  /** The check run an earlier attempt opened, if it was journaled. */
  checkRunId?: number;
  /** Journals the check run this attempt opened, so a later attempt completes it instead of opening another. */
  recordCheckRun(checkRunId: number): void;
}

export type ReviewRunner = (job: ReviewJob, context: RunContext) => Promise<unknown>;

/** Thrown by a runner whose job did not finish for a passing reason (GitHub unavailable, shutdown): the job
 *  stays journaled and runs again (after retryDelayMs, or on the next start). */
export class RetryableJobError extends Error {
  override name = 'RetryableJobError';
}

/** A job dropped after maxAttempts: its check run, if it opened one, is still to be completed (onError). */
export class GaveUpError extends Error {
  override name = 'GaveUpError';
  constructor(message: string, readonly job: ReviewJob, readonly checkRunId: number | undefined, options?: { cause: unknown }) {
    super(message, options);
  }
}

export interface ReviewQueueOptions {
  journal?: JobJournal;
  /** Runs of one job at most (a crash counts as one), after which it is dropped and reported. Default 5. */
  maxAttempts?: number;
  /** Delay before a retryable job runs again, per attempt so far. Default 30 s × attempts. */
  retryDelayMs?: (attempts: number) => number;
  /** Called when a job is scheduled to run again (metrics). */
  onRetry?: (job: ReviewJob, attempts: number) => void;
}

export interface CloseOptions {
  /** Running jobs still running this long after close() are aborted (they complete their check run). */
  abortAfterMs: number;
  /** close() returns by then whatever is still running. */
  timeoutMs: number;
}

export type EnqueueResult = 'queued' | 'coalesced';

/** Pull requests whose last reviewed head is remembered. */
const MAX_REMEMBERED = 10_000;

export interface EnqueueOptions {
  /** The job comes from a push (pull_request event), so it supersedes older queued pushes. */
  newHead: boolean;
  /** The webhook delivery's id (X-GitHub-Delivery), which GitHub keeps when it redelivers. */
  deliveryId?: string;
  onError: (error: unknown) => void;
}

export class ReviewQueue implements JobQueue {
  readonly #queue: PQueue;
  /** Keys (repo#pr@sha) queued or running. */
  readonly #inFlight = new Set<string>();
  /** Latest pushed head SHA per repo#pr while a job for it is in flight. */
  readonly #latestHead = new Map<string, string>();
  /** The last job of each pull request: the next one starts after it. */
  readonly #pullTails = new Map<string, Promise<void>>();
  readonly #jobs = new Set<Promise<void>>();
  /** The head last reviewed per repo#pr (bounded). */
  readonly #reviewed = new Map<string, string>();
  /** Deliveries whose review ran (bounded): GitHub's redelivery of one is not reviewed again. */
  readonly #delivered = new Set<string>();
  #journal: JobJournal | undefined;
  readonly #maxAttempts: number;
  readonly #retryDelayMs: (attempts: number) => number;
  readonly #onRetry: ReviewQueueOptions['onRetry'];
  /** Jobs waiting to run again after a retryable failure. */
  readonly #retryTimers = new Map<string, NodeJS.Timeout>();
  /** Running jobs and how to interrupt them. */
  readonly #running = new Map<string, { abort: AbortController; done: Promise<unknown> }>();
  #closing = false;

  constructor(concurrency = 4, options: ReviewQueueOptions = {}) {
    this.#queue = new PQueue({ concurrency });
    this.#journal = options.journal;
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#retryDelayMs = options.retryDelayMs ?? ((attempts) => 30_000 * attempts);
    this.#onRetry = options.onRetry;
  }

  enqueue(job: ReviewJob, run: ReviewRunner, options: EnqueueOptions): EnqueueResult {
    // GitHub redelivers with the delivery's own id: one whose review already ran opens no second check run.
    if (options.deliveryId !== undefined && (this.#delivered.has(options.deliveryId) || this.#journal?.hasDelivered(options.deliveryId))) {
      return 'coalesced';
    }
    return this.#add(job, run, options);
  }

  /** Keeps this queue's jobs in `journal` from now on (the App's server does, on start). */
  useJournal(journal: JobJournal): void {
    this.#journal = journal;
  }

  get journal(): JobJournal | undefined {
    return this.#journal;
  }

  /** Takes up the journaled jobs (on start): each runs again, reusing the check run it had opened. */
  resume(run: ReviewRunner, onError: (error: unknown, job: ReviewJob) => void): JournalEntry[] {
    const entries = this.#journal?.entries() ?? [];
    for (const entry of entries) {
      if (entry.attempts >= this.#maxAttempts) {
        this.#journal!.remove(entry.key);
        onError(new GaveUpError(`dropped after ${entry.attempts} interrupted attempts`, entry.job, entry.checkRunId), entry.job);
        continue;
      }
      this.#add(entry.job, run, { newHead: entry.newHead, deliveryId: entry.deliveryId, onError: (error) => onError(error, entry.job) });
    }
    return entries;
  }

  /** Resolves when every job accepted so far is journaled (at once without a journal); the webhook is answered after. */
  async persisted(): Promise<void> {
    await this.#journal?.flush();
  }

  /**
   * Graceful shutdown: starts no further job (queued ones stay journaled for the next start), lets the
   * running ones finish, aborts those still running after abortAfterMs, and returns by timeoutMs.
   */
  async close(options: CloseOptions): Promise<{ interrupted: number; unfinished: number }> {
    this.#closing = true;
    // Queued jobs stay in the journal for the next start; without one, they are drained like running ones.
    if (this.#journal) this.#queue.pause();
    for (const timer of this.#retryTimers.values()) clearTimeout(timer);
    this.#retryTimers.clear();
    const started = Date.now();
    const settled = () => (this.#journal ? Promise.allSettled([...this.#running.values()].map((task) => task.done)) : this.onIdle());
    await withTimeout(settled(), options.abortAfterMs);
    this.#queue.pause();
    const interrupted = this.#running.size;
    for (const task of this.#running.values()) task.abort.abort(new Error('the App is shutting down'));
    await withTimeout(Promise.allSettled([...this.#running.values()].map((task) => task.done)), Math.max(0, options.timeoutMs - (Date.now() - started)));
    await withTimeout(this.persisted().catch(() => {}), 1_000);
    return { interrupted, unfinished: this.#running.size };
  }

  #add(job: ReviewJob, run: ReviewRunner, options: EnqueueOptions): EnqueueResult {
    const key = jobKey(job);
    const pull = pullKey(job);
    // A push is the pull request's newest head even when its commit is already queued or running
    // (A -> B -> A force-pushes): the B queued in between is superseded.
    if (options.newHead) this.#latestHead.set(pull, job.headSha);
    if (this.#inFlight.has(key)) return 'coalesced';
    this.#inFlight.add(key);
    // A job waiting for its retry runs now, with what its earlier attempts journaled.
    const waiting = this.#retryTimers.get(key);
    if (waiting) clearTimeout(waiting);
    this.#retryTimers.delete(key);
    const journaled = this.#journal?.get(key);
    this.#journal?.put({
      key,
      job: journaled?.job ?? job,
      newHead: journaled?.newHead ?? options.newHead,
      deliveryId: journaled?.deliveryId ?? options.deliveryId,
      attempts: journaled?.attempts ?? 0,
      ...(journaled?.checkRunId !== undefined && { checkRunId: journaled.checkRunId }),
      enqueuedAt: journaled?.enqueuedAt ?? new Date().toISOString(),
    });

    const previous = this.#pullTails.get(pull) ?? Promise.resolve();
    const done: Promise<void> = previous
      .then(() =>
        this.#queue.add(async () => {
          if (options.newHead && this.#isSuperseded(job)) return this.#journal?.remove(key);
          if (!(await this.#runAttempt(key, job, run, options))) return;
          if (!job.rerun) this.#remember(pull, job.headSha);
          if (options.deliveryId !== undefined) this.#rememberDelivery(options.deliveryId);
        }),
      )
      .catch(options.onError)
      .finally(() => {
        this.#inFlight.delete(key);
        // The pull request's newest head is remembered while any of its reviews is still queued.
        if (this.#pullTails.get(pull) === done) {
          this.#pullTails.delete(pull);
          this.#latestHead.delete(pull);
        }
        this.#jobs.delete(done);
      });
    this.#pullTails.set(pull, done);
    this.#jobs.add(done);
    return 'queued';
  }

  /** One run of a journaled job: the journal counts it, keeps its check run, and forgets the job once it
   *  ran (or failed for good). A retryable failure keeps it for another attempt: false. */
  async #runAttempt(key: string, job: ReviewJob, run: ReviewRunner, options: EnqueueOptions): Promise<boolean> {
    const entry = this.#journal?.get(key);
    const attempt = (entry?.attempts ?? 0) + 1;
    this.#journal?.update(key, { attempts: attempt });
    const abort = new AbortController();
    const context: RunContext = {
      signal: abort.signal,
      attempt,
      ...(entry?.checkRunId !== undefined && { checkRunId: entry.checkRunId }),
      recordCheckRun: (checkRunId) => this.#journal?.update(key, { checkRunId }),
    };
    const done = run(job, context);
    this.#running.set(key, { abort, done });
    try {
      await done;
    } catch (error) {
      if (!(error instanceof RetryableJobError) || !this.#journal) {
        this.#journal?.remove(key);
        throw error;
      }
      if (this.#closing) return false; // journaled: the next start takes it up
      if (attempt >= this.#maxAttempts) {
        const checkRunId = this.#journal.get(key)?.checkRunId;
        this.#journal.remove(key);
        throw new GaveUpError(`gave up after ${attempt} attempts: ${error.message}`, job, checkRunId, { cause: error });
      }
      const timer = setTimeout(() => {
        this.#retryTimers.delete(key);
        if (!this.#closing) this.#add(job, run, options);
      }, this.#retryDelayMs(attempt));
      timer.unref();
      this.#retryTimers.set(key, timer);
      this.#onRetry?.(job, attempt);
      return false;
    } finally {
      this.#running.delete(key);
    }
    this.#journal?.remove(key);
    if (options.deliveryId !== undefined) this.#journal?.recordDelivered(options.deliveryId);
    return true;
  }

  /** Resolves when every queued review has finished (tests, graceful shutdown). */
  async onIdle(): Promise<void> {
    while (this.#jobs.size > 0) await Promise.allSettled([...this.#jobs]);
  }

  get stats(): { queued: number; running: number } {
    return { queued: this.#jobs.size - this.#queue.pending, running: this.#queue.pending };
  }

  /** Jobs waiting to run again after a retryable failure. */
  get waitingToRetry(): number {
    return this.#retryTimers.size;
  }

  /** Forget which heads and deliveries were reviewed (tests that reuse commits and delivery ids). */
  forgetReviewed(): void {
    this.#reviewed.clear();
    this.#delivered.clear();
  }

  /** Was this job's commit the last head reviewed for its pull request? */
  wasLastReviewed(job: ReviewJob): boolean {
    return this.#reviewed.get(pullKey(job)) === job.headSha;
  }

  #remember(pull: string, headSha: string): void {
    this.#reviewed.delete(pull);
    this.#reviewed.set(pull, headSha);
    if (this.#reviewed.size > MAX_REMEMBERED) this.#reviewed.delete(this.#reviewed.keys().next().value!);
  }

  #rememberDelivery(deliveryId: string): void {
    this.#delivered.add(deliveryId);
    if (this.#delivered.size > MAX_REMEMBERED) this.#delivered.delete(this.#delivered.values().next().value!);
  }

  /** A push newer than this job's commit arrived (queued, running or already reviewed): its review says it all. */
  #isSuperseded(job: ReviewJob): boolean {
    const latest = this.#latestHead.get(pullKey(job));
    return latest !== undefined && latest !== job.headSha;
  }
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function pullKey(job: ReviewJob): string {
  return `${job.owner}/${job.repo}#${job.pullNumber}`.toLowerCase();
}

export function jobKey(job: ReviewJob): string {
  return `${pullKey(job)}@${job.headSha}`;
}

/** RETRY_DELAY_SECONDS: how long a review GitHub's faults stopped waits before its next attempt, times the
 *  attempts so far (default 30: 30 s, 60 s, 90 s, 120 s). */
export function retryDelayMs(attempts: number, env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.RETRY_DELAY_SECONDS);
  return (Number.isFinite(seconds) && seconds >= 0 && env.RETRY_DELAY_SECONDS ? seconds : 30) * 1000 * attempts;
}

/** The App's queue (exported so tests and shutdown can await it). */
export const reviewQueue = new ReviewQueue(4, { retryDelayMs: (attempts) => retryDelayMs(attempts) });
