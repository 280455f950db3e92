// The shared queue of reviews on Redis (BullMQ), used when REDIS_URL is set: any number of App processes
// enqueue, and any number of workers (the App processes themselves, or `npm run worker`) run the reviews.
// The embedded queue's guarantees (queue.ts) hold across processes:
// - One BullMQ job per repo#pr@sha (its job id): a redelivery while it is queued or running is coalesced.
// - One run per pull request at a time: a worker takes the PR's lock (a Redis key that expires unless its
//   holder renews it) before it runs a job; a job whose PR is busy goes back to the delayed set for a moment.
// - A push whose PR has since received a newer push is skipped: each pull_request event stores the PR's
//   latest head in Redis, and the job compares when it starts. Explicit re-runs are not skipped.
// - A delivery whose review ran is remembered (by GitHub's delivery id): its redelivery is not run again.
// - A worker that dies mid-review loses its BullMQ lock; another worker's stalled-job check puts the job back
//   and runs it. The review is idempotent (hidden fingerprints on comments, head check before writing), and
//   each run is told its attempt and the check run an earlier attempt opened (kept in Redis), so that it can
//   complete that one instead of opening another.
// - A runner that throws a RetryableJobError (GitHub unavailable, or the process shutting down) has its job
//   run again later, on any worker: after RETRY_DELAY_SECONDS (30 s) per attempt so far, at once when this
//   process is stopping. After 5 attempts the job is given up: onError gets a GaveUpError naming the check
//   run still open, which the App completes as neutral (the embedded queue's semantics).
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobQueue, ResumedJob } from './job-queue.js';
import { GaveUpError, RetryableJobError, retryDelayMs, type EnqueueOptions, type EnqueueResult, type ReviewJob, type ReviewRunner, type RunContext } from './queue.js';

export interface RedisQueueOptions {
  url: string;
  /** Reviews this process runs at once; 0: it only enqueues (webhook intake). */
  concurrency: number;
  /** How long a worker's hold on a job (and on its PR) lasts without renewal: a dead worker's review is taken
   *  up by another after about this long. Default 30 s. */
  lockMs?: number;
  /** Prefix of every Redis key. */
  prefix?: string;
  log: { info(message: string): void; warn(message: string): void; error(object: object, message?: string): void };
  /** Delay before a retryable job runs again, per attempt so far (default: RETRY_DELAY_SECONDS × attempts). */
  retryDelayMs?: (attempts: number) => number;
  /** Runs of one job at most (a dead worker's counts as one). Default 5. */
  maxAttempts?: number;
}

/** What a run is told: the embedded queue's RunContext (its checkRunId is kept in Redis, in the job's runs hash). */
export type RedisRunContext = RunContext;

export type RedisReviewRunner = ReviewRunner;

/** A job as stored in Redis: plain data, so any process can run it. */
interface StoredJob {
  job: ReviewJob;
  newHead: boolean;
  deliveryId?: string;
}

export interface QueueDepth {
  waiting: number;
  delayed: number;
  active: number;
}

const QUEUE_NAME = 'reviews';
export const DEFAULT_LOCK_MS = 30_000;
/** Latest pushed and last reviewed heads are kept this long after the PR's last event. */
const REMEMBER_HEAD_SECONDS = 30 * 24 * 3600;
/** GitHub redelivers deliveries of the past 3 days. */
const REMEMBER_DELIVERY_SECONDS = 4 * 24 * 3600;
/** A job whose PR is busy is tried again after this long (plus up to as much again, so they spread). */
const BUSY_RETRY_MS = 500;

// The PR lock: taken when free or already held by this job id (a previous attempt of it that died: BullMQ
// runs one job id at most once at a time), renewed and released only by its holder.
const LOCK_SCRIPT = `local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const UNLOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export class RedisReviewQueue implements JobQueue {
  readonly #redis: Redis;
  readonly #queue: Queue<StoredJob>;
  readonly #options: Required<Omit<RedisQueueOptions, 'log'>> & Pick<RedisQueueOptions, 'log'>;
  #onError: (error: unknown, job: ReviewJob) => void = () => undefined;
  #worker: Worker<StoredJob> | undefined;
  #running = 0;
  /** Aborts this process's running reviews (shutdown). */
  readonly #aborts = new Set<AbortController>();
  #lastDepth: QueueDepth = { waiting: 0, delayed: 0, active: 0 };

  constructor(options: RedisQueueOptions) {
    this.#options = { lockMs: DEFAULT_LOCK_MS, prefix: 'async-review', retryDelayMs: (attempts) => retryDelayMs(attempts), maxAttempts: 5, ...options };
    // Intake fails fast when Redis is away (the webhook is answered 500, GitHub shows the failed delivery).
    this.#redis = new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: false });
    this.#redis.on('error', (error) => options.log.warn(`redis: ${error.message}`));
    this.#queue = new Queue<StoredJob>(QUEUE_NAME, { connection: this.#redis, prefix: this.#options.prefix });
    this.#queue.on('error', (error) => options.log.warn(`redis queue: ${error.message}`));
  }

  /** The Redis connection (shared with the summary cache in Redis mode). */
  get client(): Redis {
    return this.#redis;
  }

  /** Starts this process's workers (none when concurrency is 0); resolves once they listen to the queue.
   *  `onError` gets a job's failure, and the GaveUpError of a job retried maxAttempts times. */
  async startWorker(run: RedisReviewRunner, onError?: (error: unknown, job: ReviewJob) => void): Promise<void> {
    if (this.#worker || this.#options.concurrency <= 0) return;
    if (onError) this.#onError = onError;
    const { lockMs, prefix, concurrency, log } = this.#options;
    this.#worker = new Worker<StoredJob>(QUEUE_NAME, (job, token) => this.#process(job, run, token), {
      // Workers block on Redis: their connection must never give up on a command.
      connection: new Redis(this.#options.url, { maxRetriesPerRequest: null }),
      prefix,
      concurrency,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A job is put back this many times after its worker died before it is given up.
      maxStalledCount: 2,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    this.#worker.on('failed', (job, error) => {
      if (!job) return;
      log.error({ err: error }, `review job ${job.id} failed: ${error.message}`);
      // BullMQ gave up on a job whose workers kept dying (maxStalledCount): no attempt of ours saw it end, so
      // the App is told as for any job given up on, with the check run the last attempt opened.
      if (/stalled/i.test(error.message) && !(error instanceof GaveUpError)) {
        const stored = job.data.job;
        void this.#redis
          .hget(this.#key('runs', job.id!), 'checkRunId')
          .then((id) => this.#onError(new GaveUpError(`gave up after its workers died: ${error.message}`, stored, Number(id) || undefined), stored))
          .catch(() => undefined);
      }
    });
    this.#worker.on('error', (error) => log.warn(`redis worker: ${error.message}`));
    await this.#worker.waitUntilReady();
  }

  async enqueue(job: ReviewJob, _run: ReviewRunner, options: EnqueueOptions): Promise<EnqueueResult> {
    const pull = pullKey(job);
    if (options.deliveryId !== undefined && (await this.#redis.exists(this.#key('delivery', options.deliveryId))) === 1) return 'coalesced';
    // A push is the PR's newest head even when its commit is already queued or running (A -> B -> A).
    if (options.newHead) await this.#redis.set(this.#key('head', pull), job.headSha, 'EX', REMEMBER_HEAD_SECONDS);
    const id = jobKey(job);
    // Two processes may both see no job and both add it: BullMQ adds one job per id, so it still runs once.
    if (await this.#queue.getJob(id)) return 'coalesced';
    const data: StoredJob = { job, newHead: options.newHead, ...(options.deliveryId !== undefined && { deliveryId: options.deliveryId }) };
    // Finished jobs are removed at once, so the same commit can be queued again (a re-run, a new delivery).
    await this.#queue.add('review', data, { jobId: id, removeOnComplete: true, removeOnFail: true });
    return 'queued';
  }

  /** enqueue() resolves once the job is in Redis: nothing more to wait for. */
  async persisted(): Promise<void> {}

  /** Jobs an earlier process left are in Redis, where any worker takes them up: none to resume here. */
  resume(): readonly ResumedJob[] {
    return [];
  }

  async wasLastReviewed(job: ReviewJob): Promise<boolean> {
    return (await this.#redis.get(this.#key('reviewed', pullKey(job)))) === job.headSha;
  }

  /** Jobs waiting, delayed (their PR was busy) and running, across all workers. */
  async depth(): Promise<QueueDepth> {
    const counts = await this.#queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
    this.#lastDepth = { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), delayed: counts.delayed ?? 0, active: counts.active ?? 0 };
    return this.#lastDepth;
  }

  /** Queued (waiting or delayed) and running reviews across all workers, for a queue-depth metric. */
  async load(): Promise<{ queued: number; running: number }> {
    const { waiting, delayed, active } = await this.depth();
    return { queued: waiting + delayed, running: active };
  }

  /** Throws unless Redis answers (readiness). */
  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  get stats(): { queued: number; running: number } {
    return { queued: this.#lastDepth.waiting + this.#lastDepth.delayed, running: this.#running };
  }

  /** Resolves when no review is queued or running on any worker. */
  async onIdle(pollMs = 50): Promise<void> {
    for (;;) {
      const { waiting, delayed, active } = await this.depth();
      if (waiting + delayed + active === 0 && this.#running === 0) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Stops taking jobs, lets this process's running reviews finish, and disconnects. Queued jobs stay in
   *  Redis for the other workers. `abortAfterMs`: running reviews are then told to stop (their signal). */
  async close(abortAfterMs?: number): Promise<void> {
    const timer = abortAfterMs === undefined ? undefined : setTimeout(() => this.#aborts.forEach((abort) => abort.abort()), abortAfterMs);
    await this.#worker?.close();
    clearTimeout(timer);
    await this.#queue.close();
    this.#redis.disconnect();
  }

  async #process(bullJob: Job<StoredJob>, run: RedisReviewRunner, token: string | undefined): Promise<string> {
    const { job, newHead, deliveryId } = bullJob.data;
    const pull = pullKey(job);
    const lock = this.#key('lock', pull);
    const holder = bullJob.id!;
    const runs = this.#key('runs', holder);
    const { lockMs, log } = this.#options;
    if ((await this.#redis.eval(LOCK_SCRIPT, 1, lock, holder, lockMs)) !== 1) {
      await bullJob.moveToDelayed(Date.now() + BUSY_RETRY_MS + Math.random() * BUSY_RETRY_MS, token);
      throw new DelayedError();
    }
    this.#running++;
    const abort = new AbortController();
    this.#aborts.add(abort);
    const renew = setInterval(() => void this.#redis.eval(RENEW_SCRIPT, 1, lock, holder, lockMs).catch(() => undefined), lockMs / 3);
    let keepRuns = false;
    try {
      if (newHead && (await this.#isSuperseded(job))) return 'superseded';
      const attempt = await this.#redis.hincrby(runs, 'attempt', 1);
      await this.#redis.expire(runs, REMEMBER_DELIVERY_SECONDS);
      const checkRunId = Number(await this.#redis.hget(runs, 'checkRunId')) || undefined;
      const context: RedisRunContext = {
        signal: abort.signal,
        attempt,
        ...(checkRunId !== undefined && { checkRunId }),
        // Kept with the job's attempts, so that the attempt after this worker dies completes this check run.
        recordCheckRun: (id) => void this.#redis.hset(runs, 'checkRunId', String(id)).catch(() => undefined),
      };
      try {
        await run(job, context);
      } catch (error) {
        if (!(error instanceof RetryableJobError)) {
          this.#onError(error, job);
          throw error;
        }
        if (attempt >= this.#options.maxAttempts) {
          const openCheckRun = Number(await this.#redis.hget(runs, 'checkRunId')) || undefined;
          const gaveUp = new GaveUpError(`gave up after ${attempt} attempts: ${error.message}`, job, openCheckRun, { cause: error });
          this.#onError(gaveUp, job);
          throw gaveUp;
        }
        // Runs again later, on whichever worker is free: at once if this process is stopping.
        keepRuns = true;
        log.warn(`review job ${holder} (attempt ${attempt}) will run again: ${error.message}`);
        await bullJob.moveToDelayed(Date.now() + (abort.signal.aborted ? 0 : this.#options.retryDelayMs(attempt)), token);
        throw new DelayedError();
      }
      const remember = this.#redis.multi();
      if (!job.rerun) remember.set(this.#key('reviewed', pull), job.headSha, 'EX', REMEMBER_HEAD_SECONDS);
      if (deliveryId !== undefined) remember.set(this.#key('delivery', deliveryId), '1', 'EX', REMEMBER_DELIVERY_SECONDS);
      await remember.exec();
      return 'reviewed';
    } finally {
      clearInterval(renew);
      this.#aborts.delete(abort);
      this.#running--;
      if (!keepRuns) await this.#redis.del(runs).catch(() => undefined);
      await this.#redis.eval(UNLOCK_SCRIPT, 1, lock, holder).catch(() => undefined);
    }
  }

  async #isSuperseded(job: ReviewJob): Promise<boolean> {
    const latest = await this.#redis.get(this.#key('head', pullKey(job)));
    return latest !== null && latest !== job.headSha;
  }

  #key(kind: 'head' | 'reviewed' | 'delivery' | 'lock' | 'runs', name: string): string {
    return `${this.#options.prefix}:${kind}:${name}`;
  }
}

/** The same keys as the embedded queue's. BullMQ job ids may not hold ':', which GitHub names never do. */
function pullKey(job: ReviewJob): string {
  return `${job.owner}/${job.repo}#${job.pullNumber}`.toLowerCase();
}

function jobKey(job: ReviewJob): string {
  return `${pullKey(job)}@${job.headSha}`;
}
