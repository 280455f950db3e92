// The fake GitHub's world: repositories with commits and branches, pull requests with their diffs, and what
// the App wrote (check runs, reviews, review comments, review threads). Plain data that tests inspect.
import { createHash, randomBytes } from 'node:crypto';
import { countChanges, hunkIndexOf, makePatch } from './patch.js';

export type FileContent = string | Uint8Array;

export interface Commit {
  sha: string;
  parents: string[];
  message: string;
  files: ReadonlyMap<string, Buffer>;
}

export interface PullRequestFile {
  sha: string | null;
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed';
  additions: number;
  deletions: number;
  changes: number;
  /** Absent for binary files and (as on GitHub) for diffs too large to show. */
  patch?: string;
  previous_filename?: string;
}

export interface PullRequest {
  number: number;
  id: number;
  nodeId: string;
  title: string;
  state: 'open' | 'closed';
  draft: boolean;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  /** Every head this PR had, oldest first (reviews may target an earlier head). */
  headHistory: string[];
  /** The files of `base...head`, in GitHub's order (by path). */
  files: PullRequestFile[];
  /** newPath → oldPath for renames across the PR's life. */
  renames: Map<string, string>;
  /** Explicit patches that replace the computed ones (null: GitHub shows no patch). */
  patchOverrides: Map<string, string | null>;
}

export interface Repository {
  id: number;
  nodeId: string;
  owner: string;
  name: string;
  fullName: string;
  defaultBranch: string;
  installationId: number;
  commits: Map<string, Commit>;
  branches: Map<string, string>;
  blobs: Map<string, Buffer>;
  pulls: Map<number, PullRequest>;
  /** Entries a recursive tree lists before GitHub says `truncated: true` (GitHub: 100 000). */
  treeEntryLimit: number;
}

export type AnnotationLevel = 'notice' | 'warning' | 'failure';

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: AnnotationLevel;
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRun {
  id: number;
  node_id: string;
  repository: string;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  started_at: string;
  completed_at: string | null;
  external_id: string | null;
  details_url: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations_count: number };
  /** Every annotation sent, across create and updates (GitHub appends them). */
  annotations: Annotation[];
  /** How many requests created or updated this run. */
  writes: number;
}

export interface ReviewComment {
  id: number;
  node_id: string;
  repository: string;
  pull_number: number;
  pull_request_review_id: number | null;
  thread_id: string;
  in_reply_to_id?: number;
  path: string;
  side: 'LEFT' | 'RIGHT';
  start_side: 'LEFT' | 'RIGHT' | null;
  line: number | null;
  start_line: number | null;
  original_line: number;
  original_start_line: number | null;
  commit_id: string;
  original_commit_id: string;
  body: string;
  user: Account;
  created_at: string;
  updated_at: string;
}

export interface Review {
  id: number;
  node_id: string;
  repository: string;
  pull_number: number;
  user: Account;
  body: string;
  state: 'COMMENTED' | 'CHANGES_REQUESTED' | 'APPROVED' | 'PENDING';
  commit_id: string;
  submitted_at: string;
  comment_ids: number[];
}

export interface ReviewThread {
  id: string;
  repository: string;
  pull_number: number;
  path: string;
  diffSide: 'LEFT' | 'RIGHT';
  line: number | null;
  startLine: number | null;
  originalLine: number;
  originalStartLine: number | null;
  isResolved: boolean;
  isOutdated: boolean;
  resolvedBy: Account | null;
  commentIds: number[];
}

export interface Account {
  login: string;
  id: number;
  node_id: string;
  type: 'Bot' | 'User' | 'Organization';
}

export interface FakeGitHubState {
  app: { id: number; slug: string; bot: Account };
  repositories: Map<string, Repository>;
  checkRuns: CheckRun[];
  reviews: Review[];
  reviewComments: ReviewComment[];
  reviewThreads: ReviewThread[];
}

export function gitBlobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

let nextId = 1000;
export function newId(): number {
  return nextId++;
}

export function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(String(id)).toString('base64url')}`;
}

export function now(): string {
  return new Date().toISOString();
}

function toBuffer(content: FileContent): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
}

export interface RepositoryOptions {
  owner?: string;
  name?: string;
  defaultBranch?: string;
  installationId?: number;
  /** Files on the default branch. */
  files?: Record<string, FileContent>;
  /** Entries a recursive tree lists before it is truncated (default 100 000, as on GitHub). */
  treeEntryLimit?: number;
}

export interface PullRequestOptions extends RepositoryOptions {
  number?: number;
  title?: string;
  draft?: boolean;
  headRef?: string;
  /** Files the PR sets (null removes the file). */
  changes: Record<string, FileContent | null>;
  /** newPath → oldPath: the old path is removed and the new one holds `changes[newPath]` (or the old content). */
  renames?: Record<string, string>;
  /** Patches to show instead of the computed ones; null shows none (as GitHub does for huge diffs). */
  patches?: Record<string, string | null>;
}

export const DEFAULT_OWNER = 'octo-org';
export const DEFAULT_REPO = 'service';

export class Model {
  readonly state: FakeGitHubState;
  private commitCounter = 0;
  private readonly tokens = new Map<string, { installationId: number; expiresAt: number }>();

  constructor(app: { id: number; slug: string }) {
    const botId = newId();
    this.state = {
      app: { ...app, bot: { login: `${app.slug}[bot]`, id: botId, node_id: nodeId('BOT', botId), type: 'Bot' } },
      repositories: new Map(),
      checkRuns: [],
      reviews: [],
      reviewComments: [],
      reviewThreads: [],
    };
  }

  /** An installation access token, valid for an hour like GitHub's. */
  issueToken(installationId: number) {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expiresAt = Date.now() + 3600_000;
    this.tokens.set(token, { installationId, expiresAt });
    return {
      token,
      expires_at: new Date(expiresAt).toISOString(),
      permissions: { checks: 'write', contents: 'read', metadata: 'read', pull_requests: 'write' },
      repository_selection: 'selected',
    };
  }

  installationForToken(token: string): number | undefined {
    const entry = this.tokens.get(token);
    return entry && entry.expiresAt > Date.now() ? entry.installationId : undefined;
  }

  repository(owner: string, name: string): Repository | undefined {
    return this.state.repositories.get(`${owner}/${name}`.toLowerCase());
  }

  /** Returns the repository, creating it (with an initial commit of `files`) when it does not exist. */
  addRepository(options: RepositoryOptions = {}): Repository {
    const owner = options.owner ?? DEFAULT_OWNER;
    const name = options.name ?? DEFAULT_REPO;
    const existing = this.repository(owner, name);
    if (existing) return existing;
    const id = newId();
    const repo: Repository = {
      id,
      nodeId: nodeId('R', id),
      owner,
      name,
      fullName: `${owner}/${name}`,
      defaultBranch: options.defaultBranch ?? 'main',
      installationId: options.installationId ?? 1,
      commits: new Map(),
      branches: new Map(),
      blobs: new Map(),
      pulls: new Map(),
      treeEntryLimit: options.treeEntryLimit ?? 100_000,
    };
    this.state.repositories.set(repo.fullName.toLowerCase(), repo);
    const root = this.commit(repo, [], new Map(), 'Initial commit', options.files ?? {});
    repo.branches.set(repo.defaultBranch, root.sha);
    return repo;
  }

  /** Commits `changes` on top of `branch` (created from the default branch if new); returns the commit. */
  commitToBranch(repo: Repository, branch: string, changes: Record<string, FileContent | null>, message = 'Update'): Commit {
    const parentSha = repo.branches.get(branch) ?? repo.branches.get(repo.defaultBranch)!;
    const parent = repo.commits.get(parentSha)!;
    const commit = this.commit(repo, [parentSha], parent.files, message, changes);
    repo.branches.set(branch, commit.sha);
    return commit;
  }

  addPullRequest(options: PullRequestOptions): PullRequest {
    const repo = this.addRepository(options);
    const number = options.number ?? Math.max(0, ...repo.pulls.keys()) + 1;
    if (repo.pulls.has(number)) throw new Error(`pull request #${number} already exists in ${repo.fullName}`);
    const headRef = options.headRef ?? `feature-${number}`;
    const baseSha = repo.branches.get(repo.defaultBranch)!;
    repo.branches.set(headRef, baseSha);
    const id = newId();
    const pull: PullRequest = {
      number,
      id,
      nodeId: nodeId('PR', id),
      title: options.title ?? `Pull request #${number}`,
      state: 'open',
      draft: options.draft ?? false,
      baseRef: repo.defaultBranch,
      baseSha,
      headRef,
      headSha: baseSha,
      headHistory: [],
      files: [],
      renames: new Map(),
      patchOverrides: new Map(),
    };
    repo.pulls.set(number, pull);
    this.push(repo, pull, options.changes, options.renames, options.patches);
    return pull;
  }

  /** A new commit on the PR's branch (a `synchronize`): recomputes the files and moves threads. */
  push(
    repo: Repository,
    pull: PullRequest,
    changes: Record<string, FileContent | null>,
    renames: Record<string, string> = {},
    patches: Record<string, string | null> = {},
  ): Commit {
    const allChanges: Record<string, FileContent | null> = { ...changes };
    const head = repo.commits.get(pull.headSha)!;
    for (const [newPath, oldPath] of Object.entries(renames)) {
      pull.renames.set(newPath, oldPath);
      allChanges[oldPath] = null;
      if (!(newPath in allChanges)) allChanges[newPath] = head.files.get(oldPath) ?? '';
    }
    for (const [path, patch] of Object.entries(patches)) pull.patchOverrides.set(path, patch);
    const commit = this.commitToBranch(repo, pull.headRef, allChanges, `Push to #${pull.number}`);
    pull.headSha = commit.sha;
    pull.headHistory.push(commit.sha);
    pull.files = this.diffFiles(repo, pull);
    this.updateThreads(repo, pull);
    return commit;
  }

  private commit(
    repo: Repository,
    parents: string[],
    parentFiles: ReadonlyMap<string, Buffer>,
    message: string,
    changes: Record<string, FileContent | null>,
  ): Commit {
    const files = new Map(parentFiles);
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) files.delete(path);
      else {
        const buffer = toBuffer(content);
        files.set(path, buffer);
        repo.blobs.set(gitBlobSha(buffer), buffer);
      }
    }
    const sha = createHash('sha1')
      .update(`${repo.fullName}\0${++this.commitCounter}\0${parents.join(',')}\0${message}`)
      .digest('hex');
    const commit: Commit = { sha, parents, message, files };
    repo.commits.set(sha, commit);
    return commit;
  }

  private diffFiles(repo: Repository, pull: PullRequest): PullRequestFile[] {
    const base = repo.commits.get(pull.baseSha)!.files;
    const head = repo.commits.get(pull.headSha)!.files;
    const renamedFrom = new Map([...pull.renames].filter(([newPath, oldPath]) => head.has(newPath) && !head.has(oldPath) && base.has(oldPath)));
    const renamedAway = new Set(renamedFrom.values());
    const paths = [...new Set([...base.keys(), ...head.keys()])].filter((path) => !renamedAway.has(path)).sort();
    const files: PullRequestFile[] = [];
    for (const path of paths) {
      const previous = renamedFrom.get(path);
      const before = base.get(previous ?? path) ?? null;
      const after = head.get(path) ?? null;
      if (before && after && before.equals(after) && !previous) continue;
      const binary = (before && isBinary(before)) || (after && isBinary(after));
      const override = pull.patchOverrides.get(path);
      const patch =
        override !== undefined
          ? (override ?? undefined)
          : binary
            ? undefined
            : makePatch(before?.toString('utf8') ?? null, after?.toString('utf8') ?? null);
      const { additions, deletions } = countChanges(patch);
      files.push({
        sha: after ? gitBlobSha(after) : null,
        filename: path,
        status: previous ? 'renamed' : !before ? 'added' : !after ? 'removed' : 'modified',
        additions,
        deletions,
        changes: additions + deletions,
        ...(patch !== undefined && { patch }),
        ...(previous && { previous_filename: previous }),
      });
    }
    return files;
  }

  /** After a push, a thread follows its lines when they moved (same text, nearest occurrence, still inside
   *  a hunk) and becomes outdated (line null) when they changed or left the diff — roughly as GitHub does. */
  private updateThreads(repo: Repository, pull: PullRequest): void {
    const head = repo.commits.get(pull.headSha)!.files;
    for (const thread of this.state.reviewThreads) {
      if (thread.repository !== repo.fullName || thread.pull_number !== pull.number || thread.isOutdated) continue;
      const first = this.state.reviewComments.find((comment) => comment.id === thread.commentIds[0])!;
      const original = repo.commits.get(first.original_commit_id)?.files.get(thread.path);
      const current = head.get(thread.path);
      const file = pull.files.find((candidate) => candidate.filename === thread.path);
      const span = thread.originalLine - (thread.originalStartLine ?? thread.originalLine);
      const end = original && current && file ? movedLine(original, current, thread.originalLine, span, thread.line ?? thread.originalLine) : undefined;
      const inHunk = end !== undefined && hunkIndexOf(file!.patch, end, thread.diffSide) >= 0 && hunkIndexOf(file!.patch, end - span, thread.diffSide) === hunkIndexOf(file!.patch, end, thread.diffSide);
      thread.line = inHunk ? end : null;
      thread.startLine = inHunk && thread.originalStartLine !== null ? end - span : null;
      thread.isOutdated = !inHunk;
      for (const id of thread.commentIds) {
        const comment = this.state.reviewComments.find((candidate) => candidate.id === id)!;
        comment.line = thread.line;
        comment.start_line = thread.startLine;
      }
    }
  }
}

/** Where the lines `originalLine - span .. originalLine` of `before` now end in `after`: the occurrence of
 *  the same text nearest to `near`, or undefined when the text is gone. */
function movedLine(before: Buffer, after: Buffer, originalLine: number, span: number, near: number): number | undefined {
  const old = before.toString('utf8').split('\n');
  const block = old.slice(originalLine - 1 - span, originalLine);
  const lines = after.toString('utf8').split('\n');
  let best: number | undefined;
  for (let end = span + 1; end <= lines.length; end++) {
    if (block.every((text, index) => lines[end - 1 - span + index] === text)) {
      if (best === undefined || Math.abs(end - near) < Math.abs(best - near)) best = end;
    }
  }
  return best;
}
