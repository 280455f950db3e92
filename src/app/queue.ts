// The embedded, in-process queue of reviews. A job is plain data (installation, repository, PR, head SHA)
// so a durable queue (BullMQ on Redis) can replace this one without touching the flow.
// - The same repo#pr@sha already queued or running is coalesced (redelivered webhooks, quick re-runs).
// - Jobs of one pull request run one after another: two concurrent runs would both read the threads before
//   either posted, and post the same finding twice.
// - A queued push whose PR has since received a newer push (queued or running) is skipped when it starts;
//   an explicit re-run of an older commit's check is not.
import PQueue from 'p-queue';

export interface ReviewJob {
  installationId: number;
  owner: string;
  repo: string;
  pullNumber: number;
  headSha: string;
  /** An explicit re-run from the Checks UI (see ReviewRequest.rerun). */
  rerun?: boolean;
}

export type ReviewRunner = (job: ReviewJob) => Promise<unknown>;

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

export class ReviewQueue {
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

  constructor(concurrency = 4) {
    this.#queue = new PQueue({ concurrency });
  }

  enqueue(job: ReviewJob, run: ReviewRunner, options: EnqueueOptions): EnqueueResult {
    const key = jobKey(job);
    const pull = pullKey(job);
    // A push is the pull request's newest head even when its commit is already queued or running
    // (A -> B -> A force-pushes): the B queued in between is superseded.
    // GitHub redelivers with the delivery's own id: one whose review already ran opens no second check run.
    if (options.deliveryId !== undefined && this.#delivered.has(options.deliveryId)) return 'coalesced';
    if (options.newHead) this.#latestHead.set(pull, job.headSha);
    if (this.#inFlight.has(key)) return 'coalesced';
    this.#inFlight.add(key);

    const previous = this.#pullTails.get(pull) ?? Promise.resolve();
    const done: Promise<void> = previous
      .then(() =>
        this.#queue.add(async () => {
          if (options.newHead && this.#isSuperseded(job)) return;
          await run(job);
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

  /** Resolves when every queued review has finished (tests, graceful shutdown). */
  async onIdle(): Promise<void> {
    while (this.#jobs.size > 0) await Promise.allSettled([...this.#jobs]);
  }

  get stats(): { queued: number; running: number } {
    return { queued: this.#jobs.size - this.#queue.pending, running: this.#queue.pending };
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

function pullKey(job: ReviewJob): string {
  return `${job.owner}/${job.repo}#${job.pullNumber}`.toLowerCase();
}

function jobKey(job: ReviewJob): string {
  return `${pullKey(job)}@${job.headSha}`;
}

/** The App's queue (exported so tests and shutdown can await it). */
export const reviewQueue = new ReviewQueue();
