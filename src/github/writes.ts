// The App's writes to GitHub. Each one waits ≥ 1 s behind the previous under Probot's throttling, so the
// flow makes few: one check run creation, one review, one check update per 50 annotations, one mutation.
// A write GitHub may have applied without our knowing (AmbiguousWriteError) is read back before it is
// sent again: our check run by its external_id, our review by a hidden marker in its body, our annotations
// by the check run's count. Nothing is posted twice.
import { randomUUID } from 'node:crypto';
import type { Annotation } from '../render/annotations.js';
import type { ReviewComment } from '../render/review.js';
import type { CheckOutput } from '../render/summary.js';
import type { GitHubClient, RepoRef } from './client.js';
import { AmbiguousWriteError } from './resilience.js';

export const CHECK_NAME = 'async-review';
/** Our check runs' external_id starts with this; the rest tells one creation from another. */
const EXTERNAL_ID_PREFIX = `${CHECK_NAME}:`;
/** Writes of unknown outcome tried at most this often (each after reading back that it did not apply). */
const MAX_AMBIGUOUS_TRIES = 3;

export interface OpenCheckRun {
  id: number;
  /** Annotations it already holds (a check run reused from an earlier attempt may have some). */
  annotationsCount: number;
}

export interface OpenCheckRunOptions {
  /** The check run an earlier attempt of this job opened (journaled): reused while it is in progress. */
  existingId?: number;
  /** A resumed job whose check run was not journaled (a crash right after creating it): reuse our run in
   *  progress on this commit, if there is one. */
  adoptInProgress?: boolean;
}

/** The job's check run, in progress: the earlier attempt's, or a new one (created exactly once). */
export async function openCheckRun(octokit: GitHubClient, ref: RepoRef, headSha: string, options: OpenCheckRunOptions = {}): Promise<OpenCheckRun> {
  if (options.existingId !== undefined) {
    const existing = await octokit.rest.checks.get({ ...ref, check_run_id: options.existingId }).then(
      ({ data }) => data,
      (error: { status?: number }) => {
        if (error.status === 404) return null;
        throw error;
      },
    );
    if (existing && existing.status !== 'completed') return { id: existing.id, annotationsCount: existing.output.annotations_count };
  } else if (options.adoptInProgress) {
    const open = (await listOurCheckRuns(octokit, ref, headSha)).find((run) => run.status !== 'completed');
    if (open) return { id: open.id, annotationsCount: open.output.annotations_count };
  }
  const externalId = `${EXTERNAL_ID_PREFIX}${randomUUID()}`;
  const id = await writeOnce(
    () =>
      octokit.rest.checks
        .create({ ...ref, name: CHECK_NAME, head_sha: headSha, external_id: externalId, status: 'in_progress', started_at: new Date().toISOString() })
        .then(({ data }) => data.id),
    async () => (await listOurCheckRuns(octokit, ref, headSha)).find((run) => run.external_id === externalId)?.id,
  );
  return { id, annotationsCount: 0 };
}

/** A new check run's id (callers that need no reuse). */
export async function createCheckRun(octokit: GitHubClient, ref: RepoRef, headSha: string): Promise<number> {
  return (await openCheckRun(octokit, ref, headSha)).id;
}

/** This App's check runs on a commit, newest first. */
export async function listOurCheckRuns(octokit: GitHubClient, ref: RepoRef, headSha: string) {
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, { ...ref, ref: headSha, check_name: CHECK_NAME, filter: 'all', per_page: 100 });
  return runs.filter((run) => run.name === CHECK_NAME);
}

/** Completes the check run; annotations beyond the first request's go in further updates of ≤ 50. */
export async function completeCheckRun(
  octokit: GitHubClient,
  ref: RepoRef,
  checkRunId: number,
  output: CheckOutput,
  annotationBatches: readonly Annotation[][],
  annotationsBefore = 0,
): Promise<void> {
  const [first = [], ...rest] = annotationBatches;
  let expected = annotationsBefore;
  // GitHub appends annotations: a batch whose answer was lost is sent again only if the count shows it missing.
  const appliedWith = (count: number) => async () => {
    const { data } = await octokit.rest.checks.get({ ...ref, check_run_id: checkRunId });
    return data.status === 'completed' && data.output.annotations_count >= count ? true : undefined;
  };
  expected += first.length;
  await writeOnce(
    () =>
      octokit.rest.checks.update({
        ...ref,
        check_run_id: checkRunId,
        status: 'completed',
        conclusion: output.conclusion,
        completed_at: new Date().toISOString(),
        output: { title: output.title, summary: output.summary, ...(first.length > 0 ? { annotations: first } : {}) },
      }).then(() => true as const),
    appliedWith(expected),
  );
  for (const annotations of rest) {
    expected += annotations.length;
    await writeOnce(
      () => octokit.rest.checks.update({ ...ref, check_run_id: checkRunId, output: { title: output.title, summary: output.summary, annotations } }).then(() => true as const),
      appliedWith(expected),
    );
  }
}

export interface ReviewToPost {
  pullNumber: number;
  headSha: string;
  event: 'COMMENT' | 'REQUEST_CHANGES';
  body: string;
  comments: ReviewComment[];
}

/** Posts the review once: its body carries a hidden marker, by which a lost answer is read back. */
export async function postReview(octokit: GitHubClient, ref: RepoRef, review: ReviewToPost): Promise<void> {
  const marker = `<!-- async-review:review=${randomUUID()} -->`;
  const body = `${review.body}\n\n${marker}`;
  await writeOnce(
    () => octokit.rest.pulls.createReview({ ...ref, pull_number: review.pullNumber, commit_id: review.headSha, event: review.event, body, comments: review.comments }).then(() => true as const),
    async () => {
      const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...ref, pull_number: review.pullNumber, per_page: 100 });
      return reviews.some((posted) => posted.body?.includes(marker)) ? true : undefined;
    },
  );
}

/** Resolves every thread in one GraphQL document (aliased mutations). */
export async function resolveThreads(octokit: GitHubClient, threadIds: readonly string[]): Promise<void> {
  if (threadIds.length === 0) return;
  const declarations = threadIds.map((_, index) => `$t${index}: ID!`).join(', ');
  const fields = threadIds
    .map((_, index) => `r${index}: resolveReviewThread(input: { threadId: $t${index} }) { thread { id isResolved } }`)
    .join('\n  ');
  const variables = Object.fromEntries(threadIds.map((id, index) => [`t${index}`, id]));
  // Resolving a resolved thread changes nothing: safe to repeat.
  await octokit.graphql(`mutation(${declarations}) {\n  ${fields}\n}`, { ...variables, request: { idempotent: true } });
}

/**
 * Sends a write whose answer may be lost; when it is (AmbiguousWriteError), asks `readBack` whether GitHub
 * applied it, and sends it again only when it did not.
 */
export async function writeOnce<T>(write: () => Promise<T>, readBack: () => Promise<T | undefined>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof AmbiguousWriteError) || tries >= MAX_AMBIGUOUS_TRIES) throw error;
      const applied = await readBack();
      if (applied !== undefined) return applied;
    }
  }
}

