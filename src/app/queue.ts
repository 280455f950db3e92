// The embedded, in-process queue of reviews. A job is plain data (installation, repository, PR, head SHA)
// so a durable queue (BullMQ on Redis) can replace this one without touching the flow.
// - The same repo#pr@sha already queued or running is coalesced (redelivered webhooks, quick re-runs).
// - A queued push whose PR has since received a newer push (queued or running) is skipped when it starts;
//   an explicit re-run of an older commit's check is not.
import PQueue from 'p-queue';

export interface ReviewJob {
  installationId: number;
  owner: string;
  repo: string;
  pullNumber: number;
  headSha: string;
}

export type ReviewRunner = (job: ReviewJob) => Promise<unknown>;

export type EnqueueResult = 'queued' | 'coalesced';

export class ReviewQueue {
  readonly #queue: PQueue;
  /** Keys (repo#pr@sha) queued or running. */
  readonly #inFlight = new Set<string>();
  /** Latest head SHA seen per repo#pr. */
  readonly #latestHead = new Map<string, string>();

  constructor(concurrency = 4) {
    this.#queue = new PQueue({ concurrency });
  }

  /** `newHead`: the job comes from a push (pull_request event), so it supersedes older queued heads; a
   *  re-run of an older commit's check does not. */
  enqueue(job: ReviewJob, run: ReviewRunner, options: { newHead: boolean; onError: (error: unknown) => void }): EnqueueResult {
    const key = jobKey(job);
    if (this.#inFlight.has(key)) return 'coalesced';
    this.#inFlight.add(key);
    if (options.newHead) this.#latestHead.set(pullKey(job), job.headSha);
    this.#queue
      .add(async () => {
        if (options.newHead && this.#isSuperseded(job)) return;
        await run(job);
      })
      .catch(options.onError)
      .finally(() => {
        this.#inFlight.delete(key);
        if (this.#latestHead.get(pullKey(job)) === job.headSha) this.#latestHead.delete(pullKey(job));
      });
    return 'queued';
  }

  /** Resolves when every queued review has finished (tests, graceful shutdown). */
  async onIdle(): Promise<void> {
    await this.#queue.onIdle();
    // Let the per-job bookkeeping in `finally` run too.
    await new Promise((resolve) => setImmediate(resolve));
  }

  get stats(): { queued: number; running: number } {
    return { queued: this.#queue.size, running: this.#queue.pending };
  }

  #isSuperseded(job: ReviewJob): boolean {
    const latest = this.#latestHead.get(pullKey(job));
    return latest !== undefined && latest !== job.headSha && this.#inFlight.has(jobKey({ ...job, headSha: latest }));
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
