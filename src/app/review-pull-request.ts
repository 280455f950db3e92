// One review of one pull request at one head SHA. Needs nothing from the webhook, so any queue can run it.
// Order (each write waits ≥ 1 s behind the previous one under Probot's throttling):
//   check run in_progress ‖ file list → one GraphQL snapshot ‖ the head tree (repository context) → analyze
//   (+ one unthrottled GraphQL read of imported modules) → one review → check completed (+1 update per further
//   50 annotations) → one mutation resolving stale threads.
// Whatever throws, the check run is completed with the reason. A review that GitHub's faults or a shutdown
// stopped says so in its outcome (retry), and the queue runs it again: it then completes the same check run
// if that is still open (checkRunId, journaled), and posts nothing twice (the threads carry fingerprints).
import { MAX_FILE_BYTES } from '../analyzer/index.js';
import type { SourceFile } from '../analyzer/types.js';
import { CONFIG_PATH, isPathIncluded } from '../config/index.js';
import { configFromProjectFiles } from '../config/sources.js';
import { targetFromProjectFiles } from '../config/target-python.js';
import { asyncTestRunnerPackages, asyncTestsRunAutomatically, conftestPathsFor, isTestModulePath } from '../config/pytest.js';
import { DEPENDENCY_FILES, asyncTestMarksFromFiles, foldersAbove } from '../config/test-plugins.js';
import { parseFilePatch, type FileChanges } from '../diff/hunks.js';
import { describeError, loggableError, type GitHubClient, type RepoRef } from '../github/client.js';
import { isReviewablePython, listChangedFiles, MAX_LISTED_FILES, type ChangedFile } from '../github/files.js';
import { fetchAppThreads, fetchBlob, fetchSnapshot, type BlobContent } from '../github/snapshot.js';
import { AmbiguousWriteError, GitHubUnavailableError, type RequestBudget } from '../github/resilience.js';
import { completeCheckRun, openCheckRun, postReview, resolveThreads, type OpenCheckRun } from '../github/writes.js';
import { batches, renderAnnotations } from '../render/annotations.js';
import { renderReviewBody, renderReviewComment, type AppThread } from '../render/review.js';
import { renderCheckOutput, renderSkippedCheck, type CheckOutput } from '../render/summary.js';
import { filesSkipped, skipReason } from './metrics.js';
import { repositoryContextEnabled, startRepositoryContext } from './repository-context.js';
import { lookupRule, reviewChanges } from './review-changes.js';

/** Time given to complete the check run after the review failed or ran out of its deadline. */
export const COMPLETION_GRACE_MS = 20_000;
/** ... and after a shutdown interrupted it (the drain has only seconds left). */
export const INTERRUPTED_COMPLETION_GRACE_MS = 2_000;

/** Folders whose dependency files one snapshot reads at most (each asks for every name in DEPENDENCY_FILES). */
const MAX_DEPENDENCY_FOLDERS = 12;

export interface Log {
  debug(object: object | string, message?: string): void;
  info(object: object | string, message?: string): void;
  warn(object: object | string, message?: string): void;
  error(object: object | string, message?: string): void;
}

export interface ReviewRequest extends RepoRef {
  octokit: GitHubClient;
  pullNumber: number;
  headSha: string;
  installationId?: number;
  /** An explicit re-run from the Checks UI: it may be of an older commit, and then completes its check only. */
  rerun?: boolean;
  log: Log;
  /** The retry deadline of the client's requests (installationClient): moved to complete the check run. */
  budget?: RequestBudget;
  /** Aborted on shutdown: the review stops at its next step and completes its check run as interrupted. */
  signal?: AbortSignal;
  /** The check run an earlier attempt of this job opened (reused while in progress). */
  checkRunId?: number;
  /** A later attempt of the job (resumed after a crash, or retried): an open check run of ours is reused. */
  resumed?: boolean;
  /** A client without write spacing, for completing the check run when a shutdown interrupted the review
   *  (the drain has seconds left; spaced writes of several reviews would not all fit). */
  unthrottledOctokit?: () => Promise<GitHubClient>;
  /** Told the check run's id as soon as it is open (the queue journals it). */
  onCheckRunOpened?: (checkRunId: number) => void;
}

export interface ReviewOutcome {
  conclusion: CheckOutput['conclusion'] | 'not-reported';
  commentsPosted: number;
  threadsResolved: number;
  /** The pull request's head when it is not the commit this review was for: that one needs its review. */
  supersededBy?: string;
  /** The review did not finish for a passing reason (GitHub unavailable, shutdown) or left its check run
   *  open: run the job again later. */
  retry?: boolean;
}

export async function reviewPullRequest(request: ReviewRequest): Promise<ReviewOutcome> {
  const { octokit, log } = request;
  const ref: RepoRef = { owner: request.owner, repo: request.repo };
  let checkRunError: unknown;
  let checkRunOpened = false;
  let completed = false;
  const checkRun: Promise<OpenCheckRun | null> = openCheckRun(octokit, ref, request.headSha, {
    existingId: request.checkRunId,
    adoptInProgress: request.resumed === true && request.checkRunId === undefined,
  }).then(
    (run) => {
      checkRunOpened = true;
      request.onCheckRunOpened?.(run.id);
      return run;
    },
    (error: unknown) => {
      log.error({ err: loggableError(error) }, `could not create the check run: ${describeError(error)}`);
      checkRunError = error;
      return null;
    },
  );
  const complete = async (output: CheckOutput, annotations: ReturnType<typeof renderAnnotations> = [], client = octokit) => {
    const run = await checkRun;
    if (run === null) return;
    try {
      await completeCheckRun(client, ref, run.id, output, batches(annotations), run.annotationsCount);
    } catch (error) {
      if (isPassing(error)) throw error;
      // Never leave the check in progress: retry once without annotations (the likeliest thing refused).
      log.error({ err: loggableError(error) }, `could not complete the check run: ${describeError(error)}`);
      const reason = `${output.summary}\n\n> Completing this check with its annotations failed: ${describeError(error)}`;
      await completeCheckRun(octokit, ref, run.id, { ...output, summary: reason.slice(0, 60_000) }, []);
    }
    completed = true;
  };

  let outcome: ReviewOutcome = { conclusion: 'not-reported', commentsPosted: 0, threadsResolved: 0 };
  try {
    // A shutdown does not wait for the request in flight: the check run is completed at once.
    outcome = await Promise.race([runReview(request, ref, complete), rejectOnAbort(request.signal)]);
  } catch (error) {
    const interrupted = request.signal?.aborted === true;
    const passing = interrupted || isPassing(error);
    if (interrupted) log.warn(`review of ${ref.owner}/${ref.repo}#${request.pullNumber} interrupted by shutdown: it resumes on the next start`);
    else log.error({ err: loggableError(error) }, `review of ${ref.owner}/${ref.repo}#${request.pullNumber} failed`);
    // The check run ends whatever happened: a little more time to say so, past the review's deadline (only
    // once it is open: its creation gets no more time than the review had).
    if (request.budget && checkRunOpened) {
      request.budget.signal = undefined;
      request.budget.deadline = Math.max(request.budget.deadline, Date.now() + (interrupted ? INTERRUPTED_COMPLETION_GRACE_MS : COMPLETION_GRACE_MS));
    }
    const output = interrupted
      ? renderSkippedCheck('neutral', 'Interrupted by a restart', `The App restarted during the review of ${request.headSha.slice(0, 7)}; it reviews this commit again as it starts.`)
      : renderSkippedCheck(
          'neutral',
          'async-review could not finish this review',
          `The review of ${request.headSha.slice(0, 7)} stopped: ${describeError(error)}\n\n${passing ? 'async-review tries again shortly; you may also re-run this check.' : 'Re-run this check to try again.'}`,
        );
    try {
      await complete(output, [], interrupted && request.unthrottledOctokit ? await request.unthrottledOctokit() : octokit);
      outcome.conclusion = output.conclusion;
    } catch (completionError) {
      log.error({ err: loggableError(completionError) }, `could not complete the check run: ${describeError(completionError)}`);
    }
    if (passing) outcome.retry = true;
  }
  const run = await checkRun;
  if (run === null) {
    outcome.conclusion = 'not-reported';
    if (isPassing(checkRunError)) outcome.retry = true;
  } else if (!completed) {
    outcome.retry = true; // the next attempt completes this check run
  }
  return outcome;
}

/** GitHub unavailable past the deadline, or a write whose outcome could not be read back: try again later. */
function isPassing(error: unknown): boolean {
  return error instanceof GitHubUnavailableError || error instanceof AmbiguousWriteError;
}

function rejectOnAbort(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('interrupted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('interrupted');
}

type Complete = (output: CheckOutput, annotations?: ReturnType<typeof renderAnnotations>) => Promise<void>;

async function runReview(request: ReviewRequest, ref: RepoRef, complete: Complete): Promise<ReviewOutcome> {
  const { octokit, log } = request;
  const changedFiles = await listChangedFiles(octokit, ref, request.pullNumber);
  throwIfAborted(request.signal);
  const python = changedFiles.filter(isReviewablePython);
  if (python.length === 0) {
    const output = renderSkippedCheck('success', 'No Python files changed', 'This pull request changes no Python file, so there is nothing for async-review to check.');
    await complete(output);
    // A push can take every Python change out of the PR: the App's open threads are then all stale.
    let stale: AppThread[] = [];
    try {
      stale = (await fetchAppThreads(octokit, { ...ref, pullNumber: request.pullNumber })).filter((t) => !t.isResolved);
    } catch (error) {
      log.warn({ err: loggableError(error) }, `could not read the review threads: ${describeError(error)}`);
    }
    return { conclusion: output.conclusion, commentsPosted: 0, threadsResolved: await resolveStale(request, stale) };
  }

  const changedPaths = python.map((file) => file.filename);
  // The conftest.py files above changed test modules come in the same queries: their hooks may run async tests.
  const testModules = changedPaths.filter(isTestModulePath);
  const conftests = [...new Set(testModules.flatMap(conftestPathsFor))];
  // So do the dependency files of their folders and the folders above, which say what plugins run the tests
  // (for a PR touching tests in many folders, they are not read: unknown).
  const testFolders = [...new Set(testModules.map((path) => path.slice(0, Math.max(path.lastIndexOf('/'), 0))))];
  const dependencyFolders = [...new Set(testModules.flatMap(foldersAbove))];
  const dependencyFiles = dependencyFolders.length <= MAX_DEPENDENCY_FOLDERS
    ? dependencyFolders.flatMap((folder) => DEPENDENCY_FILES.map((name) => (folder === '' ? name : `${folder}/${name}`)))
    : [];
  // The head tree comes beside the snapshot (a GET: not held back by the write throttle the query waits on).
  const contextRead = repositoryContextEnabled()
    ? startRepositoryContext({ ...ref, octokit, headSha: request.headSha, log })
    : Promise.resolve(undefined);
  const snapshot = await fetchSnapshot(octokit, {
    ...ref,
    pullNumber: request.pullNumber,
    headSha: request.headSha,
    paths: [...new Set([...changedPaths, ...conftests, ...dependencyFiles])],
  });
  throwIfAborted(request.signal);
  // A late or redelivered event for a commit that is no longer the head must not post the findings the new head
  // fixed, nor resolve the threads it still has: GitHub's word on the head decides, not the delivery order.
  const stale = snapshot.currentHeadSha !== null && snapshot.currentHeadSha !== request.headSha;
  if (stale && !request.rerun) {
    const output = renderSkippedCheck(
      'neutral',
      'Superseded by a newer push',
      `The pull request's head is now ${snapshot.currentHeadSha!.slice(0, 7)}, so this review of ${request.headSha.slice(0, 7)} posts nothing; the newer commit gets its own.`,
    );
    await complete(output);
    log.info(`${ref.owner}/${ref.repo}#${request.pullNumber}@${request.headSha.slice(0, 7)}: superseded by ${snapshot.currentHeadSha!.slice(0, 7)}, nothing posted`);
    return { conclusion: output.conclusion, commentsPosted: 0, threadsResolved: 0, supersededBy: snapshot.currentHeadSha! };
  }
  // `.github/async-review.yml`, or `[tool.async-review]` in pyproject.toml, both from the default branch.
  const parsed = configFromProjectFiles(snapshot.configText, snapshot.configPyprojectText);
  if (!parsed.ok) {
    const output = renderSkippedCheck(
      'neutral',
      parsed.error.startsWith('invalid ') ? `Invalid ${parsed.error.slice('invalid '.length, parsed.error.indexOf(':\n'))}` : 'Two async-review configurations',
      `The configuration on the default branch is invalid, so nothing was analyzed:\n\n\`\`\`\n${parsed.error}\n\`\`\`\n\nFix it on the default branch, then re-run this check.`,
    );
    await complete(output);
    return { conclusion: output.conclusion, commentsPosted: 0, threadsResolved: 0 };
  }
  const config = parsed.config;
  const selected = python.filter((file) => isPathIncluded(config, file.filename));
  const { files, unreadable } = await readSources(octokit, ref, selected, snapshot.files);
  const changes = new Map<string, FileChanges | null>(selected.map((file) => [file.filename, changesOf(file, files)]));
  const repositoryContext = await contextRead;

  const { analysis, plan } = await reviewChanges({
    files,
    changes,
    config,
    project: {
      asyncTestsRunAutomatically: asyncTestsRunAutomatically(config, snapshot.pytestConfigTexts),
      asyncTestRunnerPackages: asyncTestRunnerPackages(conftests, (path) => snapshot.files.get(path)?.text ?? null),
      targetPython: targetFromProjectFiles(snapshot.targetPythonTexts),
      folders: dependencyFiles.length === 0 ? [] : testFolders.map((folder) => ({
        folder,
        asyncTestMarks: asyncTestMarksFromFiles(foldersAbove(`${folder === '' ? '' : `${folder}/`}x.py`), (path) => {
          const blob = snapshot.files.get(path);
          return blob === null ? null : blob?.text ?? undefined; // not fetched, truncated or binary: unknown
        }),
      })),
    },
    threads: snapshot.threads,
    context: repositoryContext?.context,
    unreadablePaths: unreadable.map((problem) => problem.path),
  });

  for (const problem of [...unreadable, ...analysis.problems]) filesSkipped.inc({ reason: skipReason(problem.message) });
  throwIfAborted(request.signal);
  let reviewError: string | undefined;
  // A re-run of an older commit completes its check; the pull request's review and threads belong to the head.
  if (plan.comments.length > 0 && !stale) {
    try {
      await postReview(octokit, ref, {
        pullNumber: request.pullNumber,
        headSha: request.headSha,
        event: config.review.event,
        body: renderReviewBody(plan),
        comments: plan.comments.map((item) => renderReviewComment(item, lookupRule)),
      });
    } catch (error) {
      // GitHub unavailable: the job runs again and posts it then (nothing was posted, or the read-back failed).
      if (isPassing(error)) throw error;
      reviewError = describeError(error);
      log.error({ err: loggableError(error) }, `could not post the review: ${reviewError}`);
    }
  }

  const notes: string[] = [];
  if (changedFiles.length >= MAX_LISTED_FILES) {
    notes.push(`GitHub lists only the first ${MAX_LISTED_FILES} changed files of a pull request; files after those were not reviewed.`);
  }
  if (selected.length < python.length) {
    notes.push(`${python.length - selected.length} changed Python file(s) skipped by \`paths\` in ${CONFIG_PATH}.`);
  }
  const output = renderCheckOutput({
    plan,
    failOn: config.check.fail_on,
    filesAnalyzed: files.length,
    problems: [...unreadable, ...analysis.problems],
    reviewError,
    notes,
  });
  await complete(output, renderAnnotations(plan.reported));

  const threadsResolved = stale ? 0 : await resolveStale(request, plan.staleThreads);
  log.info(
    {
      pull: request.pullNumber,
      sha: request.headSha,
      findings: plan.reported.length,
      comments: plan.comments.length,
      resolved: threadsResolved,
      context: repositoryContext ? repositoryContext.source.stats : 'none',
    },
    `reviewed ${ref.owner}/${ref.repo}#${request.pullNumber}: ${output.conclusion}`,
  );
  return { conclusion: output.conclusion, commentsPosted: reviewError ? 0 : plan.comments.length, threadsResolved };
}

/** Resolves the threads (after the check completed: it must not wait for this). Returns how many. */
async function resolveStale({ octokit, log }: ReviewRequest, threads: readonly AppThread[]): Promise<number> {
  if (threads.length === 0) return 0;
  try {
    await resolveThreads(octokit, threads.map((thread) => thread.id));
    return threads.length;
  } catch (error) {
    log.warn({ err: loggableError(error) }, `could not resolve stale review threads: ${describeError(error)}`);
    return 0;
  }
}

/** Contents at the head: GraphQL's text, else the blob over REST (truncated, i.e. large, files). */
async function readSources(
  octokit: GitHubClient,
  ref: RepoRef,
  selected: readonly ChangedFile[],
  blobs: ReadonlyMap<string, BlobContent | null>,
): Promise<{ files: SourceFile[]; unreadable: { path: string; message: string }[] }> {
  const unreadable: { path: string; message: string }[] = [];
  const read = await Promise.all(
    selected.map(async (file): Promise<SourceFile | null> => {
      const blob = blobs.get(file.filename) ?? null;
      const path = file.filename;
      if (blob === null) return fail(`not found at the head commit`);
      if (blob.isBinary) return fail('binary file, not analyzed');
      if (blob.byteSize > MAX_FILE_BYTES) return fail(`skipped: ${blob.byteSize} bytes is over the ${MAX_FILE_BYTES}-byte limit`);
      if (blob.text !== null && !blob.isTruncated) return { path, content: blob.text };
      if (!file.sha) return fail('too large for the GraphQL API and no blob SHA was listed');
      try {
        return { path, content: await fetchBlob(octokit, ref, file.sha) };
      } catch (error) {
        return fail(`could not be read: ${describeError(error)}`);
      }
      function fail(message: string): null {
        unreadable.push({ path, message });
        return null;
      }
    }),
  );
  return { files: read.filter((file): file is SourceFile => file !== null), unreadable };
}

/** The file's hunks; a new file GitHub sent no patch for is wholly added, though not commentable. */
function changesOf(file: ChangedFile, sources: readonly SourceFile[]): FileChanges | null {
  const changes = parseFilePatch(file.patch);
  if (changes !== null || file.status !== 'added') return changes;
  const source = sources.find((candidate) => candidate.path === file.filename);
  if (!source) return null;
  const text = typeof source.content === 'string' ? source.content : Buffer.from(source.content).toString('utf8');
  const lineCount = text.split('\n').length;
  return { hunks: [], added: new Set(Array.from({ length: lineCount }, (_, index) => index + 1)), withoutPatch: true };
}
