// Webhook events → review jobs on the queue. Handlers return at once (Probot answers GitHub after 9 s and
// GitHub never redelivers after that), so the review itself runs from the queue.
import type { Context, Probot } from 'probot';
import { describeError } from '../github/client.js';
import { CHECK_NAME } from '../github/writes.js';
import type { JobQueue } from './job-queue.js';
import { reviewQueue, type ReviewJob, type ReviewRunner } from './queue.js';
import { reviewPullRequest } from './review-pull-request.js';

export const PULL_REQUEST_EVENTS = [
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
  'pull_request.ready_for_review',
] as const;

/** Runs one review job (from whichever queue), and queues the PR's real head when the job's commit was stale. */
export function createReviewRunner(app: Probot, queue: JobQueue): ReviewRunner {
  const run = async (job: ReviewJob): Promise<void> => {
    const log = app.log.child({ repo: `${job.owner}/${job.repo}`, pull: job.pullNumber, sha: job.headSha });
    const outcome = await reviewPullRequest({ ...job, octokit: await app.auth(job.installationId), log });
    // Deliveries came out of order (a late event for an older commit superseded the newest push): GitHub's
    // head is what gets reviewed, unless it already was.
    const head: ReviewJob = { ...job, headSha: outcome.supersededBy ?? job.headSha, rerun: undefined };
    if (outcome.supersededBy && !(await queue.wasLastReviewed(head))) {
      const result = await queue.enqueue(head, run, {
        newHead: true,
        onError: (error) => log.error({ err: error }, `review job failed: ${describeError(error)}`),
      });
      log.info(`${job.owner}/${job.repo}#${job.pullNumber}@${outcome.supersededBy.slice(0, 7)} (the head, after a late delivery): ${result}`);
    }
  };
  return run;
}

export function registerHandlers(app: Probot, queue: JobQueue = reviewQueue, run: ReviewRunner = createReviewRunner(app, queue)): void {
  const enqueue = async (context: Context, job: ReviewJob, newHead: boolean) => {
    const result = await queue.enqueue(job, run, {
      newHead,
      deliveryId: context.id,
      onError: (error) => context.log.error({ err: error }, `review job failed: ${describeError(error)}`),
    });
    context.log.info(`${job.owner}/${job.repo}#${job.pullNumber}@${job.headSha.slice(0, 7)}: ${result}`);
  };

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
