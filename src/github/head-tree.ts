// The head commit's file list for repository context: one REST request (`GET /git/trees/{sha}?recursive=1`),
// a GET, so Probot's write throttle does not delay it, and it runs beside the snapshot query.
import type { GitHubClient, RepoRef } from './client.js';

export interface TreeBlob {
  /** The git blob SHA: the module's content id, known before reading it. */
  sha: string;
  /** Bytes, as the tree says (lets oversized modules be skipped without fetching them). */
  size: number;
}

/** The Python files of the head commit (.py / .pyi) with their blob SHAs and sizes. */
export type HeadTree = ReadonlyMap<string, TreeBlob>;

/** Python paths kept from one tree: bounds the memory a huge monorepo's tree can take. */
export const MAX_TREE_PYTHON_FILES = 50_000;

const PYTHON = /\.pyi?$/;

export class TreeUnavailable extends Error {}

/** Throws TreeUnavailable when GitHub truncated the tree (over 100 000 entries or 7 MB): an incomplete file
 *  list would make imports of the missing files look unresolvable rather than unknown. */
export async function fetchHeadTree(octokit: GitHubClient, ref: RepoRef, headSha: string, timeoutMs = 5_000): Promise<HeadTree> {
  const { data } = await octokit.rest.git.getTree({
    ...ref,
    tree_sha: headSha,
    recursive: '1',
    // Best-effort: a failure means no context at once, not retries with back-off that hold the review.
    request: { signal: AbortSignal.timeout(timeoutMs), retries: 0 },
  });
  if (data.truncated) throw new TreeUnavailable('GitHub truncated the head tree (too many files)');
  const tree = new Map<string, TreeBlob>();
  for (const entry of data.tree) {
    if (entry.type !== 'blob' || !entry.path || !entry.sha || !PYTHON.test(entry.path)) continue;
    if (tree.size >= MAX_TREE_PYTHON_FILES) throw new TreeUnavailable(`the head tree has over ${MAX_TREE_PYTHON_FILES} Python files`);
    tree.set(entry.path, { sha: entry.sha, size: entry.size ?? 0 });
  }
  return tree;
}
