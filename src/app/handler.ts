// Webhook events → review jobs on the queue. Handlers return at once (Probot answers GitHub after 9 s and
// GitHub never redelivers after that), so the review itself runs from the queue.
import type { Context, Probot } from 'probot';
import { describeError, loggableError } from '../github/client.js';
import { installationClient } from '../github/installation.js';
import type { RequestBudget } from '../github/resilience.js';
import { CHECK_NAME, completeCheckRun } from '../github/writes.js';
import { renderSkippedCheck } from '../render/summary.js';
import type { JobQueue } from './job-queue.js';
import { githubErrors, githubRequestRetries, jobsRetried, reviewDuration, reviewsTotal } from './metrics.js';
import { GaveUpError, RetryableJobError, reviewQueue, type ReviewJob, type ReviewRunner, type RunContext } from './queue.js';
import { reviewPullRequest } from './review-pull-request.js';

/** How long a review may keep retrying GitHub (REVIEW_DEADLINE_SECONDS, default 60): past it, no retry
 *  starts, the check run is completed as neutral, and the job is tried again later. */
export function reviewDeadlineMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.REVIEW_DEADLINE_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000;
}

export const PULL_REQUEST_EVENTS = [
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
  'pull_request.ready_for_review',
] as const;

type Log = Probot['log'];
/** What a queue calls with a job's error: logs it, and completes the check run of a job given up on. */
export type JobErrorHandler = (error: unknown, job?: ReviewJob) => void;

/** Runs one review job (from whichever queue, with its RunContext), and queues the PR's real head when the
 *  job's commit was stale. A run that GitHub's faults or a shutdown stopped throws RetryableJobError. */
export function createReviewRunner(app: Probot, queue: JobQueue, onError: JobErrorHandler = createJobErrorHandler(app)): ReviewRunner {
  const run = async (job: ReviewJob, context?: RunContext): Promise<void> => {
    const log = jobLog(app.log, job);
    const started = performance.now();
    const budget: RequestBudget = {
      deadline: Date.now() + reviewDeadlineMs(),
      signal: context?.signal,
      onRetry: ({ method, url, status, waitMs, attempt }) => {
        githubRequestRetries.inc({ status: String(status) });
        log.warn(`${method} ${url}: ${status === 'network' ? 'network error' : `HTTP ${status}`}, retry ${attempt} in ${waitMs} ms`);
      },
      onFailure: ({ status }) => githubErrors.inc({ status: String(status) }),
    };
    const attempt = context?.attempt ?? 1;
    if (attempt > 1) log.info(`${job.owner}/${job.repo}#${job.pullNumber}@${job.headSha.slice(0, 7)}: attempt ${attempt}`);
    const outcome = await reviewPullRequest({
      ...job,
      octokit: await installationClient(app, job.installationId, budget, log.child({ name: 'github' })),
      log,
      budget,
      signal: context?.signal,
      checkRunId: context?.checkRunId,
      resumed: attempt > 1,
      onCheckRunOpened: (checkRunId) => context?.recordCheckRun(checkRunId),
      unthrottledOctokit: () => installationClient(app, job.installationId, budget, log.child({ name: 'github' }), { throttle: false }),
    });
    const label = outcome.retry ? 'retry' : outcome.supersededBy ? 'superseded' : outcome.conclusion;
    reviewsTotal.inc({ outcome: label });
    reviewDuration.observe({ outcome: label }, (performance.now() - started) / 1000);
    if (outcome.retry) jobsRetried.inc({ reason: context?.signal.aborted ? 'shutdown' : 'github' });
    if (outcome.retry) throw new RetryableJobError(`${job.owner}/${job.repo}#${job.pullNumber}@${job.headSha.slice(0, 7)} did not finish`);
    // Deliveries came out of order (a late event for an older commit superseded the newest push): GitHub's
    // head is what gets reviewed, unless it already was.
    const head: ReviewJob = { ...job, headSha: outcome.supersededBy ?? job.headSha, rerun: undefined };
    if (outcome.supersededBy && !(await queue.wasLastReviewed(head))) {
      const result = await queue.enqueue(head, run, { newHead: true, onError: (error) => onError(error, head) });
      log.info(`${job.owner}/${job.repo}#${job.pullNumber}@${outcome.supersededBy.slice(0, 7)} (the head, after a late delivery): ${result}`);
    }
  };
  return run;
}

/** Logs a job's error (without request bodies or headers); a job given up on (GaveUpError) must not leave
 *  its check run in progress: it is completed as neutral, saying so. */
export function createJobErrorHandler(app: Probot): JobErrorHandler {
  const giveUp = async (error: GaveUpError) => {
    if (error.checkRunId === undefined) return;
    const { job } = error;
    const budget: RequestBudget = { deadline: Date.now() + reviewDeadlineMs() };
    const octokit = await installationClient(app, job.installationId, budget);
    const summary = `async-review tried to review ${job.headSha.slice(0, 7)} several times and gave up: ${error.message}\n\nRe-run this check to try again.`;
    await completeCheckRun(octokit, { owner: job.owner, repo: job.repo }, error.checkRunId, renderSkippedCheck('neutral', 'async-review gave up on this review', summary), []);
  };
  return (error, job) => {
    const log = job ? jobLog(app.log, job) : app.log;
    log.error({ err: loggableError(error) }, `review job failed: ${describeError(error)}`);
    if (error instanceof GaveUpError) {
      giveUp(error).catch((completionError: unknown) => log.error({ err: loggableError(completionError) }, `could not complete the check run of a job given up on: ${describeError(completionError)}`));
    }
  };
}

function jobLog(log: Log, job: ReviewJob): Log {
  return log.child({ repo: `${job.owner}/${job.repo}`, pull: job.pullNumber, sha: job.headSha });
}

export function registerHandlers(app: Probot, queue: JobQueue = reviewQueue, run?: ReviewRunner): void {
  const onJobError = createJobErrorHandler(app);
  const runner = run ?? createReviewRunner(app, queue, onJobError);
  const enqueue = async (context: Context, job: ReviewJob, newHead: boolean) => {
    const result = await queue.enqueue(job, runner, {
      newHead,
      deliveryId: context.id,
      onError: (error) => onJobError(error, job),
    });
    context.log.info(`${job.owner}/${job.repo}#${job.pullNumber}@${job.headSha.slice(0, 7)}: ${result}`);
    // GitHub is answered once the job is on disk: a crash after the answer loses nothing.
    await queue.persisted();
  };

  // Jobs the journal kept from an earlier process (killed, or stopped mid-review) run again first (the
  // embedded queue; the Redis queue keeps its jobs in Redis and resumes none).
  const resumed = queue.resume(runner, onJobError);
  if (resumed.length > 0) {
    jobsRetried.inc({ reason: 'restart' }, resumed.length);
    app.log.info(`resuming ${resumed.length} journaled review(s)`);
  }

  app.on([...PULL_REQUEST_EVENTS], async (context) => {
    const { payload } = context;
    const installationId = payload.installation?.id;
    if (installationId === undefined) return context.log.warn('pull_request event without an installation: ignored');
    // A signed payload can still be malformed: without a head commit and a number there is nothing to review.
    const pull = payload.pull_request as { number?: unknown; head?: { sha?: unknown } } | undefined;
    const headSha = pull?.head?.sha;
    if (typeof headSha !== 'string' || !/^[0-9a-f]{40}$/i.test(headSha) || typeof pull?.number !== 'number' || !payload.repository?.owner?.login) {
      return context.log.warn(`${context.name} without a pull request head commit, number or repository: ignored`);
    }
    await enqueue(
      context,
      {
        installationId,
        owner: payload.repository.owner.login,
        repo: payload.repository.name,
        pullNumber: pull.number,
        headSha,
      },
      true,
    );
  });

  // Re-runs from the Checks UI. The payload lists the pull requests of the head SHA, except for forks,
  // whose pull requests are looked up by commit.
  app.on('check_run.rerequested', async (context) => {
    if (context.payload.check_run.name !== CHECK_NAME) return;
    const { head_sha: headSha, pull_requests: pulls } = context.payload.check_run;
    await rerun(context, headSha, pulls);
  });
  app.on('check_suite.rerequested', async (context) => {
    const { head_sha: headSha, pull_requests: pulls } = context.payload.check_suite;
    await rerun(context, headSha, pulls);
  });

  async function rerun(
    context: Context<'check_run.rerequested' | 'check_suite.rerequested'>,
    headSha: string,
    listed: readonly { number: number; base: { repo: { id: number } } }[],
  ): Promise<void> {
    const { payload } = context;
    const installationId = payload.installation?.id;
    if (installationId === undefined) return context.log.warn(`${context.name} without an installation: ignored`);
    const repository = { owner: payload.repository.owner.login, repo: payload.repository.name };
    let numbers = listed.filter((pull) => pull.base.repo.id === payload.repository.id).map((pull) => pull.number);
    if (numbers.length === 0) {
      const { data } = await context.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...repository, commit_sha: headSha });
      numbers = data.filter((pull) => pull.state === 'open' && pull.head.sha === headSha).map((pull) => pull.number);
    }
    if (numbers.length === 0) return context.log.info(`no open pull request has head ${headSha}: nothing to re-run`);
    for (const pullNumber of numbers) await enqueue(context, { installationId, ...repository, pullNumber, headSha, rerun: true }, false);
  }
}
