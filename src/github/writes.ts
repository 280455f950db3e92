// The App's writes to GitHub. Each one waits ≥ 1 s behind the previous under Probot's throttling, so the
// flow makes few: one check run creation, one review, one check update per 50 annotations, one mutation.
import type { Annotation } from '../render/annotations.js';
import type { ReviewComment } from '../render/review.js';
import type { CheckOutput } from '../render/summary.js';
import type { GitHubClient, RepoRef } from './client.js';

export const CHECK_NAME = 'async-review';

export async function createCheckRun(octokit: GitHubClient, ref: RepoRef, headSha: string): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    ...ref,
    name: CHECK_NAME,
    head_sha: headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
  });
  return data.id;
}

/** Completes the check run; annotations beyond the first request's go in further updates of ≤ 50. */
export async function completeCheckRun(
  octokit: GitHubClient,
  ref: RepoRef,
  checkRunId: number,
  output: CheckOutput,
  annotationBatches: readonly Annotation[][],
): Promise<void> {
  const [first = [], ...rest] = annotationBatches;
  await octokit.rest.checks.update({
    ...ref,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: output.conclusion,
    completed_at: new Date().toISOString(),
    output: { title: output.title, summary: output.summary, ...(first.length > 0 ? { annotations: first } : {}) },
  });
  for (const annotations of rest) {
    await octokit.rest.checks.update({
      ...ref,
      check_run_id: checkRunId,
      output: { title: output.title, summary: output.summary, annotations },
    });
  }
}

export interface ReviewToPost {
  pullNumber: number;
  headSha: string;
  event: 'COMMENT' | 'REQUEST_CHANGES';
  body: string;
  comments: ReviewComment[];
}

export async function postReview(octokit: GitHubClient, ref: RepoRef, review: ReviewToPost): Promise<void> {
  await octokit.rest.pulls.createReview({
    ...ref,
    pull_number: review.pullNumber,
    commit_id: review.headSha,
    event: review.event,
    body: review.body,
    comments: review.comments,
  });
}

/** Resolves every thread in one GraphQL document (aliased mutations). */
export async function resolveThreads(octokit: GitHubClient, threadIds: readonly string[]): Promise<void> {
  if (threadIds.length === 0) return;
  const declarations = threadIds.map((_, index) => `$t${index}: ID!`).join(', ');
  const fields = threadIds
    .map((_, index) => `r${index}: resolveReviewThread(input: { threadId: $t${index} }) { thread { id isResolved } }`)
    .join('\n  ');
  const variables = Object.fromEntries(threadIds.map((id, index) => [`t${index}`, id]));
  await octokit.graphql(`mutation(${declarations}) {\n  ${fields}\n}`, variables);
}

