// The files a pull request changes, as `GET /pulls/{n}/files` lists them (at most 3 000, GitHub's cap).
import type { GitHubClient, RepoRef } from './client.js';

export interface ChangedFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  /** Blob SHA at the head commit (for files GraphQL truncates). */
  sha: string | null;
  /** Hunks only; absent for binary files and very large diffs. */
  patch?: string;
  previous_filename?: string;
}

const PER_PAGE = 100;
/** GitHub stops listing a pull request's files after 3 000. */
export const MAX_LISTED_FILES = 3000;

/** Lists every changed file. The first page tells how many pages there are; the rest are fetched at once
 *  instead of one after another (reads are not subject to the write throttle). */
export async function listChangedFiles(octokit: GitHubClient, ref: RepoRef, pullNumber: number): Promise<ChangedFile[]> {
  const params = { ...ref, pull_number: pullNumber, per_page: PER_PAGE };
  const first = await octokit.rest.pulls.listFiles({ ...params, page: 1 });
  const lastPage = Math.min(lastPageOf(first.headers.link), MAX_LISTED_FILES / PER_PAGE);
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, lastPage - 1) }, (_, index) => octokit.rest.pulls.listFiles({ ...params, page: index + 2 })),
  );
  return [first, ...rest].flatMap((response) => response.data as ChangedFile[]);
}

function lastPageOf(link: string | undefined): number {
  const match = link && /<[^>]*[?&]page=(\d+)[^>]*>;\s*rel="last"/.exec(link);
  return match ? Number(match[1]) : 1;
}

const PYTHON = /\.pyi?$/;
const REVIEWABLE_STATUSES = new Set<ChangedFile['status']>(['added', 'modified', 'renamed', 'copied', 'changed']);

/** Python files whose head version exists (removed files have nothing to review). */
export function isReviewablePython(file: ChangedFile): boolean {
  return PYTHON.test(file.filename) && REVIEWABLE_STATUSES.has(file.status);
}
