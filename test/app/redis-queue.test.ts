// The Redis queue's guarantees across processes, on a real redis-server: two queue instances in this process
// play two App processes sharing one Redis, and a child process that is SIGKILLed plays a worker that dies.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { GaveUpError, RetryableJobError, type EnqueueOptions, type ReviewJob, type ReviewRunner } from '../../src/app/queue.js';
import { RedisReviewQueue, type RedisRunContext } from '../../src/app/redis-queue.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const LOCK_MS = 1_000;
const quiet = { info() {}, warn() {}, error() {} };
const sha = (n: number) => n.toString(16).padStart(40, '0');
const job = (pullNumber: number, head: number, extra: Partial<ReviewJob> = {}): ReviewJob => ({
  installationId: 1,
  owner: 'octo',
  repo: 'service',
  pullNumber,
  headSha: sha(head),
  ...extra,
});
const push = (deliveryId?: string): EnqueueOptions => ({ newHead: true, deliveryId, onError: () => {} });
const rerun: EnqueueOptions = { newHead: false, onError: () => {} };
const noRun: ReviewRunner = async () => {};

/** A runner that records each run and its overlap with others, and holds runs until released. */
function recordingRunner(holdMs = 0) {
  const runs: string[] = [];
  const running = new Map<number, number>();
  let maxSamePull = 0;
  let maxOverall = 0;
  let open = 0;
  const run: ReviewRunner = async (reviewJob) => {
    runs.push(`${reviewJob.pullNumber}@${reviewJob.headSha.slice(-2)}${reviewJob.rerun ? ' rerun' : ''}`);
    const now = (running.get(reviewJob.pullNumber) ?? 0) + 1;
    running.set(reviewJob.pullNumber, now);
    open++;
    maxSamePull = Math.max(maxSamePull, now);
    maxOverall = Math.max(maxOverall, open);
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    running.set(reviewJob.pullNumber, now - 1);
    open--;
  };
  return { run, runs, stats: () => ({ maxSamePull, maxOverall }) };
}

let redis: RedisServer;
let queues: RedisReviewQueue[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});
beforeEach(async () => {
  const client = new Redis(redis.url);
  await client.flushall();
  client.disconnect();
});
afterEach(async () => {
  await Promise.all(queues.map((queue) => queue.close()));
  queues = [];
});

function twoProcesses(run: ReviewRunner, concurrency = 4): [RedisReviewQueue, RedisReviewQueue] {
  const a = new RedisReviewQueue({ url: redis.url, concurrency, lockMs: LOCK_MS, log: quiet });
  const b = new RedisReviewQueue({ url: redis.url, concurrency, lockMs: LOCK_MS, log: quiet });
  a.startWorker(run);
  b.startWorker(run);
  queues.push(a, b);
  return [a, b];
}

describe('the review queue on Redis', () => {
  it('runs one review per repo#pr@sha however many processes receive its deliveries', async () => {
    const runner = recordingRunner(300);
    const [a, b] = twoProcesses(runner.run);
    const results = await Promise.all([
      a.enqueue(job(1, 1), noRun, push('d1')),
      b.enqueue(job(1, 1), noRun, push('d2')),
      a.enqueue(job(1, 1), noRun, push('d3')),
    ]);
    expect(results).toContain('queued');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Queued or running: coalesced.
    expect(await b.enqueue(job(1, 1), noRun, push('d4'))).toBe('coalesced');
    await a.onIdle();
    expect(runner.runs).toEqual(['1@01']);
  });

  it('never runs two jobs of one pull request at once, and runs different pull requests side by side', async () => {
    const runner = recordingRunner(200);
    const [a, b] = twoProcesses(runner.run);
    // Re-runs of five commits of PR 1 (none supersedes another) and one push for each of PRs 2..5.
    await Promise.all([1, 2, 3, 4, 5].map((head) => (head % 2 ? a : b).enqueue(job(1, head, { rerun: true }), noRun, rerun)));
    await Promise.all([2, 3, 4, 5].map((pull) => (pull % 2 ? a : b).enqueue(job(pull, 10 + pull), noRun, push())));
    await a.onIdle();
    expect(runner.runs.filter((run) => run.startsWith('1@')).sort()).toEqual(['1@01 rerun', '1@02 rerun', '1@03 rerun', '1@04 rerun', '1@05 rerun']);
    expect(runner.runs).toHaveLength(9);
    expect(runner.stats().maxSamePull).toBe(1);
    expect(runner.stats().maxOverall).toBeGreaterThan(1);
  });

  it('skips a queued push once a newer push arrived in another process, and still runs an explicit re-run', async () => {
    const runner = recordingRunner(400);
    const [a, b] = twoProcesses(runner.run);
    // PR 7 is busy with a re-run; pushes A then B arrive at different processes while it runs.
    await a.enqueue(job(7, 0x0a, { rerun: true }), noRun, rerun);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await a.enqueue(job(7, 0x1a), noRun, push());
    await b.enqueue(job(7, 0x1b), noRun, push());
    await b.enqueue(job(7, 0x1a, { rerun: true }), noRun, rerun); // coalesced into the queued push of 1a
    await b.onIdle();
    expect(runner.runs).toEqual(['7@0a rerun', '7@1b']);
    expect(await a.wasLastReviewed(job(7, 0x1b))).toBe(true);
    expect(await b.wasLastReviewed(job(7, 0x1a))).toBe(false);

    // Once idle, an explicit re-run of the superseded commit runs, and does not change the last reviewed head.
    expect(await a.enqueue(job(7, 0x1a, { rerun: true }), noRun, rerun)).toBe('queued');
    await a.onIdle();
    expect(runner.runs).toEqual(['7@0a rerun', '7@1b', '7@1a rerun']);
    expect(await b.wasLastReviewed(job(7, 0x1b))).toBe(true);
  });

  it("does not run a redelivery of a delivery whose review ran, but runs a new delivery of the same head", async () => {
    const runner = recordingRunner();
    const [a, b] = twoProcesses(runner.run);
    expect(await a.enqueue(job(3, 3), noRun, push('delivery-1'))).toBe('queued');
    await a.onIdle();
    expect(await b.enqueue(job(3, 3), noRun, push('delivery-1'))).toBe('coalesced');
    await b.onIdle();
    expect(runner.runs).toEqual(['3@03']);
    // A reopened PR is a new delivery: reviewed again (the review itself posts nothing twice).
    expect(await b.enqueue(job(3, 3), noRun, push('delivery-2'))).toBe('queued');
    await b.onIdle();
    expect(runner.runs).toEqual(['3@03', '3@03']);
  });

  it('lets a process that only takes webhooks enqueue for the workers, and reports the depth', async () => {
    const runner = recordingRunner();
    const intake = new RedisReviewQueue({ url: redis.url, concurrency: 0, lockMs: LOCK_MS, log: quiet });
    queues.push(intake);
    intake.startWorker(runner.run); // concurrency 0: no worker
    await intake.enqueue(job(4, 4), noRun, push());
    await intake.enqueue(job(5, 5), noRun, push());
    expect(await intake.depth()).toEqual({ waiting: 2, delayed: 0, active: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runner.runs).toEqual([]);
    const worker = new RedisReviewQueue({ url: redis.url, concurrency: 2, lockMs: LOCK_MS, log: quiet });
    queues.push(worker);
    worker.startWorker(runner.run);
    await intake.onIdle();
    expect(runner.runs.sort()).toEqual(['4@04', '5@05']);
    expect(await intake.depth()).toEqual({ waiting: 0, delayed: 0, active: 0 });
  });

  it('runs again, exactly once, on another worker a review whose worker was SIGKILLed mid-run', async () => {
    const runner = recordingRunner();
    const intake = new RedisReviewQueue({ url: redis.url, concurrency: 0, lockMs: LOCK_MS, log: quiet });
    queues.push(intake);
    // A worker in its own process whose review never ends (dist: built by `npm run build`).
    const module = join(process.cwd(), 'dist/src/app/redis-queue.js');
    const script = `
      const { RedisReviewQueue } = await import(${JSON.stringify(module)});
      const queue = new RedisReviewQueue({ url: ${JSON.stringify(redis.url)}, concurrency: 1, lockMs: ${LOCK_MS}, log: console });
      queue.startWorker(async (job, context) => {
        context.recordCheckRun(4242);
        await new Promise((resolve) => setTimeout(resolve, 100));
        console.log('started ' + job.pullNumber + ' attempt ' + context.attempt);
        await new Promise(() => {});
      });`;
    const doomed = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const started = new Promise<void>((resolve) => doomed.stdout!.on('data', (chunk) => String(chunk).includes('started 9 attempt 1') && resolve()));
    const exited = new Promise((resolve) => doomed.once('exit', resolve));
    await intake.enqueue(job(9, 9), noRun, push('kill-1'));
    await started;
    doomed.kill('SIGKILL');
    await exited;
    // The job is active on a dead worker: a live one takes it up once its lock expired.
    expect(await intake.depth()).toMatchObject({ active: 1 });
    const survivor = new RedisReviewQueue({ url: redis.url, concurrency: 2, lockMs: LOCK_MS, log: quiet });
    queues.push(survivor);
    const contexts: RedisRunContext[] = [];
    survivor.startWorker((reviewJob, context) => (contexts.push(context), runner.run(reviewJob, context)));
    await survivor.onIdle();
    expect(runner.runs).toEqual(['9@09']);
    // The second attempt is told so, with the check run the first one opened: it completes that one.
    expect(contexts.map(({ attempt, checkRunId }) => ({ attempt, checkRunId }))).toEqual([{ attempt: 2, checkRunId: 4242 }]);
    expect(await survivor.wasLastReviewed(job(9, 9))).toBe(true);
    // And its delivery counts as reviewed: a redelivery is not run a third time.
    expect(await intake.enqueue(job(9, 9), noRun, push('kill-1'))).toBe('coalesced');
  });

  it('hands a review stopped by a shutdown to another worker at once, with its attempt and check run', async () => {
    const stopping = new RedisReviewQueue({ url: redis.url, concurrency: 1, lockMs: LOCK_MS, log: quiet });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    // The runner the App gives: on abort it completes its check run and asks for its job to run again.
    void stopping.startWorker(async (_job, context) => {
      context.recordCheckRun(77);
      started();
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      throw new RetryableJobError('stopped by a shutdown');
    });
    await stopping.enqueue(job(11, 11), noRun, push('stop-1'));
    await running;
    const closedAt = Date.now();
    await stopping.close(100);
    expect(Date.now() - closedAt).toBeLessThan(5_000);

    const other = new RedisReviewQueue({ url: redis.url, concurrency: 1, lockMs: LOCK_MS, log: quiet });
    queues.push(other);
    const contexts: RedisRunContext[] = [];
    void other.startWorker(async (_job, context) => void contexts.push(context));
    await other.onIdle();
    expect(contexts.map(({ attempt, checkRunId }) => ({ attempt, checkRunId }))).toEqual([{ attempt: 2, checkRunId: 77 }]);
    expect(await other.wasLastReviewed(job(11, 11))).toBe(true);
  });

  it('runs a job whose runner throws RetryableJobError again after its backoff, with its check run, until it succeeds', async () => {
    const delays: number[] = [];
    const queue = new RedisReviewQueue({ url: redis.url, concurrency: 1, lockMs: LOCK_MS, log: quiet, retryDelayMs: (attempts) => (delays.push(attempts), 200 * attempts) });
    queues.push(queue);
    const seen: { attempt: number; checkRunId?: number; at: number }[] = [];
    const errors: unknown[] = [];
    await queue.startWorker(async (_job, context) => {
      seen.push({ attempt: context.attempt, checkRunId: context.checkRunId, at: Date.now() });
      if (context.attempt === 1) context.recordCheckRun(501);
      if (context.attempt < 3) throw new RetryableJobError('GitHub unavailable');
    }, (error) => errors.push(error));
    await queue.enqueue(job(21, 21), noRun, push('retry-1'));
    await queue.onIdle();
    expect(seen.map(({ attempt, checkRunId }) => ({ attempt, checkRunId }))).toEqual([
      { attempt: 1, checkRunId: undefined },
      { attempt: 2, checkRunId: 501 },
      { attempt: 3, checkRunId: 501 },
    ]);
    // Backoff grows with the attempts so far (200 ms, then 400 ms).
    expect(delays).toEqual([1, 2]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(180);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(380);
    expect(errors).toEqual([]);
    expect(await queue.wasLastReviewed(job(21, 21))).toBe(true);
  });

  it('gives a job up after maxAttempts with a GaveUpError naming the check run still open', async () => {
    const queue = new RedisReviewQueue({ url: redis.url, concurrency: 1, lockMs: LOCK_MS, log: quiet, maxAttempts: 3, retryDelayMs: () => 50 });
    queues.push(queue);
    let runs = 0;
    const errors: unknown[] = [];
    const failed = new Promise<void>((resolve) =>
      void queue.startWorker(async (_job, context) => {
        runs++;
        if (context.checkRunId === undefined) context.recordCheckRun(902);
        throw new RetryableJobError('GitHub unavailable');
      }, (error) => (errors.push(error), resolve())),
    );
    await queue.enqueue(job(22, 22), noRun, push('give-up-1'));
    await failed;
    await queue.onIdle();
    expect(runs).toBe(3);
    expect(errors).toHaveLength(1);
    const gaveUp = errors[0] as GaveUpError;
    expect(gaveUp).toBeInstanceOf(GaveUpError);
    expect(gaveUp.checkRunId).toBe(902);
    expect(gaveUp.job.pullNumber).toBe(22);
    // Given up is not reviewed: a later push of the same commit is queued again.
    expect(await queue.wasLastReviewed(job(22, 22))).toBe(false);
  });

  it('gives up a job whose workers keep dying, with a GaveUpError naming the check run the last one opened', async () => {
    const intake = new RedisReviewQueue({ url: redis.url, concurrency: 0, lockMs: LOCK_MS, log: quiet });
    queues.push(intake);
    const module = join(process.cwd(), 'dist/src/app/redis-queue.js');
    await intake.enqueue(job(31, 31), noRun, push('die-1'));
    // Three workers in turn take the job up and are SIGKILLed mid-run (BullMQ puts a stalled job back twice).
    for (let attempt = 1; attempt <= 3; attempt++) {
      const script = `
        const { RedisReviewQueue } = await import(${JSON.stringify(module)});
        const queue = new RedisReviewQueue({ url: ${JSON.stringify(redis.url)}, concurrency: 1, lockMs: ${LOCK_MS}, log: { info() {}, warn() {}, error() {} } });
        queue.startWorker(async (job, context) => {
          context.recordCheckRun(7000 + context.attempt);
          await new Promise((resolve) => setTimeout(resolve, 100));
          console.log('started ' + job.pullNumber + ' attempt ' + context.attempt);
          await new Promise(() => {});
        });`;
      const doomed = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const started = new Promise<void>((resolve) => doomed.stdout!.on('data', (chunk) => String(chunk).includes(`started 31 attempt ${attempt}`) && resolve()));
      const exited = new Promise((resolve) => doomed.once('exit', resolve));
      await started;
      doomed.kill('SIGKILL');
      await exited;
    }
    // A live worker finds the job stalled a third time: BullMQ fails it, and the App is told with the open check run.
    const survivor = new RedisReviewQueue({ url: redis.url, concurrency: 1, lockMs: LOCK_MS, log: quiet });
    queues.push(survivor);
    let runs = 0;
    const gaveUp = new Promise<unknown>((resolve) => void survivor.startWorker(async () => void runs++, (error) => resolve(error)));
    const error = (await gaveUp) as GaveUpError;
    expect(error).toBeInstanceOf(GaveUpError);
    expect(error.checkRunId).toBe(7003);
    expect(error.job.pullNumber).toBe(31);
    expect(runs).toBe(0);
  }, 60_000);
});
