// The REST endpoints the App uses, answering with GitHub's shapes, pagination and validation.
import { HttpError, notFound, unprocessable } from './http-error.js';
import {
  gitBlobSha,
  newId,
  nodeId,
  now,
  type CheckRun,
  type Model,
  type PullRequest,
  type Repository,
  type Review,
  type ReviewComment,
} from './model.js';
import { diffHunkFor } from './patch.js';
import { isObject, validateCheckRunWrite, validateReviewComment, validateReviewWrite } from './validation.js';

/** GitHub lists at most 3 000 files of a pull request. */
export const MAX_LISTED_PULL_FILES = 3000;
/** The contents API inlines files up to 1 MB; larger ones come with an empty content and encoding "none". */
const CONTENTS_INLINE_LIMIT = 1024 * 1024;

export interface RestRequest {
  method: string;
  /** Path below /api/v3, without the query. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  params: Record<string, string>;
  accept: string;
  installationId: number;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: string | Buffer;
}

type Handler = (request: RestRequest) => RestResponse;

export interface Route {
  method: string;
  pattern: RegExp;
  /** 'app' routes take the App's JWT, 'installation' routes an installation token. */
  auth: 'app' | 'installation';
  handler: Handler;
}

export function createRestRoutes(model: Model, apiUrl: () => string, webUrl: () => string): Route[] {
  const state = model.state;
  const routes: Route[] = [];
  const route = (method: string, path: string, auth: Route['auth'], handler: Handler) => {
    const pattern = new RegExp(`^${path.replace(/:(\w+)\+/g, '(?<$1>.+)').replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`);
    routes.push({ method, pattern, auth, handler });
  };

  const repoOf = (request: RestRequest): Repository => {
    const repo = model.repository(request.params.owner!, request.params.repo!);
    if (!repo || repo.installationId !== request.installationId) throw notFound();
    return repo;
  };
  const pullOf = (request: RestRequest): [Repository, PullRequest] => {
    const repo = repoOf(request);
    const pull = repo.pulls.get(Number(request.params.number));
    if (!pull) throw notFound();
    return [repo, pull];
  };
  const checkRunOf = (request: RestRequest): CheckRun => {
    const repo = repoOf(request);
    const run = state.checkRuns.find((candidate) => candidate.id === Number(request.params.id) && candidate.repository === repo.fullName);
    if (!run) throw notFound();
    return run;
  };
  const page = <T>(request: RestRequest, items: readonly T[], body: (items: T[]) => unknown = (slice) => slice): RestResponse => {
    const perPage = Math.min(100, Math.max(1, Number(request.query.get('per_page') ?? 30)));
    const current = Math.max(1, Number(request.query.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (pageNumber: number, rel: string) => {
      const query = new URLSearchParams(request.query);
      query.set('per_page', String(perPage));
      query.set('page', String(pageNumber));
      return `<${apiUrl()}${request.path}?${query}>; rel="${rel}"`;
    };
    const links = [
      ...(current > 1 ? [link(current - 1, 'prev'), link(1, 'first')] : []),
      ...(current < last ? [link(current + 1, 'next'), link(last, 'last')] : []),
    ];
    const slice = items.slice((current - 1) * perPage, current * perPage);
    return { status: 200, body: body(slice), ...(links.length && { headers: { link: links.join(', ') } }) };
  };

  // --- the App and its installations (JWT) ---
  route('GET', '/app', 'app', () => ({ status: 200, body: appJson() }));
  route('POST', '/app/installations/:id/access_tokens', 'app', (request) => {
    const installationId = Number(request.params.id);
    if (![...state.repositories.values()].some((repo) => repo.installationId === installationId)) throw notFound();
    return { status: 201, body: model.issueToken(installationId) };
  });
  route('GET', '/repos/:owner/:repo/installation', 'app', (request) => {
    const repo = model.repository(request.params.owner!, request.params.repo!);
    if (!repo) throw notFound();
    return { status: 200, body: { id: repo.installationId, app_id: state.app.id, app_slug: state.app.slug, account: ownerJson(repo) } };
  });

  // --- repositories and pull requests ---
  route('GET', '/repos/:owner/:repo', 'installation', (request) => ({ status: 200, body: repoJson(repoOf(request)) }));
  route('GET', '/repos/:owner/:repo/pulls', 'installation', (request) => {
    const repo = repoOf(request);
    const wanted = request.query.get('state') ?? 'open';
    const pulls = [...repo.pulls.values()].filter((pull) => wanted === 'all' || pull.state === wanted);
    return page(request, pulls, (slice) => slice.map((pull) => pullJson(repo, pull)));
  });
  route('GET', '/repos/:owner/:repo/pulls/:number', 'installation', (request) => {
    const [repo, pull] = pullOf(request);
    return { status: 200, body: pullJson(repo, pull) };
  });
  route('GET', '/repos/:owner/:repo/pulls/:number/files', 'installation', (request) => {
    const [repo, pull] = pullOf(request);
    return page(request, pull.files.slice(0, MAX_LISTED_PULL_FILES), (slice) =>
      slice.map((file) => ({
        ...file,
        blob_url: `${webUrl()}/${repo.fullName}/blob/${pull.headSha}/${file.filename}`,
        raw_url: `${webUrl()}/${repo.fullName}/raw/${pull.headSha}/${file.filename}`,
        contents_url: `${apiUrl()}/repos/${repo.fullName}/contents/${file.filename}?ref=${pull.headSha}`,
      })),
    );
  });
  route('GET', '/repos/:owner/:repo/commits/:sha/pulls', 'installation', (request) => {
    const repo = repoOf(request);
    const pulls = [...repo.pulls.values()].filter((pull) => pull.headHistory.includes(request.params.sha!) && pull.state === 'open');
    return page(request, pulls, (slice) => slice.map((pull) => pullJson(repo, pull)));
  });

  // --- git data and contents ---
  route('GET', '/repos/:owner/:repo/git/blobs/:sha', 'installation', (request) => {
    const repo = repoOf(request);
    const blob = repo.blobs.get(request.params.sha!);
    if (!blob) throw notFound();
    if (request.accept.includes('raw')) return { status: 200, raw: blob };
    return {
      status: 200,
      body: { sha: request.params.sha, node_id: nodeId('B', request.params.sha!), size: blob.length, url: `${apiUrl()}${request.path}`, content: base64Lines(blob), encoding: 'base64' },
    };
  });
  // The tree of a commit (or branch); with ?recursive=1 every entry below it, cut at the repository's
  // treeEntryLimit with `truncated: true` as GitHub does past 100 000 entries.
  route('GET', '/repos/:owner/:repo/git/trees/:sha', 'installation', (request) => {
    const repo = repoOf(request);
    const ref = decodeURIComponent(request.params.sha!);
    const sha = repo.commits.has(ref) ? ref : repo.branches.get(ref.replace(/^refs\/heads\//, ''));
    if (!sha) throw notFound();
    const files = repo.commits.get(sha)!.files;
    const recursive = ['1', 'true'].includes(request.query.get('recursive') ?? '');
    const entries = new Map<string, { path: string; mode: string; type: 'blob' | 'tree'; sha: string; size?: number; url: string }>();
    for (const [path, content] of files) {
      const parts = path.split('/');
      for (let depth = 1; depth < parts.length && (recursive || depth === 1); depth++) {
        const folder = parts.slice(0, depth).join('/');
        const treeSha = gitBlobSha(Buffer.from(`tree:${sha}:${folder}`));
        entries.set(folder, { path: folder, mode: '040000', type: 'tree', sha: treeSha, url: `${apiUrl()}/repos/${repo.fullName}/git/trees/${treeSha}` });
      }
      if (!recursive && parts.length > 1) continue;
      const blobSha = gitBlobSha(content);
      entries.set(path, { path, mode: '100644', type: 'blob', sha: blobSha, size: content.length, url: `${apiUrl()}/repos/${repo.fullName}/git/blobs/${blobSha}` });
    }
    const listed = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return {
      status: 200,
      body: {
        sha: gitBlobSha(Buffer.from(`tree:${sha}:`)),
        url: `${apiUrl()}${request.path}`,
        tree: listed.slice(0, repo.treeEntryLimit),
        truncated: listed.length > repo.treeEntryLimit,
      },
    };
  });
  route('GET', '/repos/:owner/:repo/contents/:path+', 'installation', (request) => {
    const repo = repoOf(request);
    const ref = request.query.get('ref') ?? repo.defaultBranch;
    const sha = repo.commits.has(ref) ? ref : repo.branches.get(ref.replace(/^refs\/heads\//, ''));
    if (!sha) throw new HttpError(404, `No commit found for the ref ${ref}`);
    const path = decodeURIComponent(request.params.path!);
    const files = repo.commits.get(sha)!.files;
    const file = files.get(path);
    if (!file) {
      const children = [...files.keys()].filter((candidate) => candidate.startsWith(`${path}/`));
      if (children.length === 0) throw notFound();
      const names = [...new Set(children.map((child) => child.slice(path.length + 1).split('/')[0]!))];
      return { status: 200, body: names.map((name) => ({ name, path: `${path}/${name}`, type: files.has(`${path}/${name}`) ? 'file' : 'dir' })) };
    }
    if (request.accept.includes('raw')) return { status: 200, raw: file };
    const inline = file.length <= CONTENTS_INLINE_LIMIT;
    return {
      status: 200,
      body: {
        type: 'file',
        name: path.split('/').pop(),
        path,
        sha: gitBlobSha(file),
        size: file.length,
        encoding: inline ? 'base64' : 'none',
        content: inline ? base64Lines(file) : '',
        url: `${apiUrl()}${request.path}?ref=${ref}`,
      },
    };
  });

  // --- check runs ---
  route('POST', '/repos/:owner/:repo/check-runs', 'installation', (request) => {
    const repo = repoOf(request);
    const write = validateCheckRunWrite(request.body, true);
    if (!repo.commits.has(write.head_sha!)) throw unprocessable([`No commit found for SHA: ${write.head_sha}`]);
    const id = newId();
    const completed = write.conclusion !== undefined;
    const run: CheckRun = {
      id,
      node_id: nodeId('CR', id),
      repository: repo.fullName,
      name: write.name!,
      head_sha: write.head_sha!,
      status: completed ? 'completed' : (write.status ?? 'queued'),
      conclusion: write.conclusion ?? null,
      started_at: now(),
      completed_at: completed ? (write.completed_at ?? now()) : null,
      external_id: write.external_id ?? null,
      details_url: write.details_url ?? null,
      output: { title: null, summary: null, text: null, annotations_count: 0 },
      annotations: [],
      writes: 1,
    };
    applyOutput(run, write.output);
    state.checkRuns.push(run);
    return { status: 201, body: checkRunJson(repo, run) };
  });
  route('PATCH', '/repos/:owner/:repo/check-runs/:id', 'installation', (request) => {
    const run = checkRunOf(request);
    const write = validateCheckRunWrite(request.body, false);
    if (write.name !== undefined) run.name = write.name;
    if (write.external_id !== undefined) run.external_id = write.external_id;
    if (write.details_url !== undefined) run.details_url = write.details_url;
    if (write.conclusion !== undefined) {
      run.status = 'completed';
      run.conclusion = write.conclusion;
      run.completed_at = write.completed_at ?? now();
    } else if (write.status !== undefined) run.status = write.status;
    applyOutput(run, write.output);
    run.writes++;
    return { status: 200, body: checkRunJson(repoOf(request), run) };
  });
  route('GET', '/repos/:owner/:repo/check-runs/:id', 'installation', (request) => ({ status: 200, body: checkRunJson(repoOf(request), checkRunOf(request)) }));
  route('GET', '/repos/:owner/:repo/check-runs/:id/annotations', 'installation', (request) => page(request, checkRunOf(request).annotations));
  route('GET', '/repos/:owner/:repo/commits/:ref/check-runs', 'installation', (request) => {
    const repo = repoOf(request);
    const ref = request.params.ref!;
    const sha = repo.commits.has(ref) ? ref : repo.branches.get(ref);
    const name = request.query.get('check_name');
    const runs = state.checkRuns
      .filter((run) => run.repository === repo.fullName && run.head_sha === sha && (name === null || run.name === name))
      .reverse();
    return page(request, runs, (slice) => ({ total_count: runs.length, check_runs: slice.map((run) => checkRunJson(repo, run)) }));
  });

  // --- reviews and review comments ---
  route('POST', '/repos/:owner/:repo/pulls/:number/reviews', 'installation', (request) => {
    const [repo, pull] = pullOf(request);
    const write = validateReviewWrite(request.body, pull);
    const id = newId();
    const review: Review = {
      id,
      node_id: nodeId('PRR', id),
      repository: repo.fullName,
      pull_number: pull.number,
      user: state.app.bot,
      body: write.body,
      state: write.event === 'APPROVE' ? 'APPROVED' : write.event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : write.event === 'COMMENT' ? 'COMMENTED' : 'PENDING',
      commit_id: write.commit_id,
      submitted_at: now(),
      comment_ids: [],
    };
    for (const comment of write.comments) review.comment_ids.push(addComment(repo, pull, comment, review.id, write.commit_id).id);
    state.reviews.push(review);
    return { status: 200, body: reviewJson(repo, review) };
  });
  route('GET', '/repos/:owner/:repo/pulls/:number/reviews', 'installation', (request) => {
    const [repo, pull] = pullOf(request);
    const reviews = state.reviews.filter((review) => review.repository === repo.fullName && review.pull_number === pull.number);
    return page(request, reviews, (slice) => slice.map((review) => reviewJson(repo, review)));
  });
  route('GET', '/repos/:owner/:repo/pulls/:number/reviews/:id/comments', 'installation', (request) => {
    const [repo, pull] = pullOf(request);
    const review = state.reviews.find((candidate) => candidate.id === Number(request.params.id) && candidate.pull_number === pull.number);
    if (!review) throw notFound();
    const comments = state.reviewComments.filter((comment) => comment.pull_request_review_id === review.id);
    return page(request, comments, (slice) => slice.map((comment) => commentJson(repo, comment)));
  });
  route('GET', '/repos/:owner/:repo/pulls/:number/comments', 'installation', (request) => {
    const [repo, pull] = pullOf(request);
    const comments = state.reviewComments.filter((comment) => comment.repository === repo.fullName && comment.pull_number === pull.number);
    return page(request, comments, (slice) => slice.map((comment) => commentJson(repo, comment)));
  });
  route('POST', '/repos/:owner/:repo/pulls/:number/comments', 'installation', (request) => {
    const [repo, pull] = pullOf(request);
    if (isObject(request.body) && request.body.in_reply_to !== undefined) {
      const parent = state.reviewComments.find((comment) => comment.id === Number((request.body as { in_reply_to: unknown }).in_reply_to));
      if (!parent || parent.pull_number !== pull.number) throw notFound();
      const body = (request.body as { body?: unknown }).body;
      if (typeof body !== 'string' || body === '') throw unprocessable(['Body is required']);
      const reply = addComment(repo, pull, { path: parent.path, body, line: parent.original_line, side: parent.side, start_line: parent.original_start_line, start_side: parent.start_side }, null, parent.commit_id, parent);
      return { status: 201, body: commentJson(repo, reply) };
    }
    const commitId = isObject(request.body) && typeof request.body.commit_id === 'string' ? request.body.commit_id : '';
    if (!commitId) throw new HttpError(422, 'Invalid request.\n\n"commit_id" wasn\'t supplied.');
    const comment = validateReviewComment(request.body, 0, pull, commitId);
    return { status: 201, body: commentJson(repo, addComment(repo, pull, comment, null, commitId)) };
  });

  function addComment(
    repo: Repository,
    pull: PullRequest,
    write: { path: string; body: string; line: number; side: 'LEFT' | 'RIGHT'; start_line: number | null; start_side: 'LEFT' | 'RIGHT' | null },
    reviewId: number | null,
    commitId: string,
    replyTo?: ReviewComment,
  ): ReviewComment {
    const id = newId();
    const threadId = replyTo?.thread_id ?? nodeId('PRRT', id);
    const comment: ReviewComment = {
      id,
      node_id: nodeId('PRRC', id),
      repository: repo.fullName,
      pull_number: pull.number,
      pull_request_review_id: reviewId,
      thread_id: threadId,
      ...(replyTo && { in_reply_to_id: replyTo.id }),
      path: write.path,
      side: write.side,
      start_side: write.start_side,
      line: replyTo ? replyTo.line : write.line,
      start_line: replyTo ? replyTo.start_line : write.start_line,
      original_line: write.line,
      original_start_line: write.start_line,
      commit_id: commitId,
      original_commit_id: commitId,
      body: write.body,
      user: state.app.bot,
      created_at: now(),
      updated_at: now(),
    };
    state.reviewComments.push(comment);
    const thread = state.reviewThreads.find((candidate) => candidate.id === threadId);
    if (thread) thread.commentIds.push(id);
    else {
      state.reviewThreads.push({
        id: threadId,
        repository: repo.fullName,
        pull_number: pull.number,
        path: write.path,
        diffSide: write.side,
        line: write.line,
        startLine: write.start_line,
        originalLine: write.line,
        originalStartLine: write.start_line,
        isResolved: false,
        isOutdated: false,
        resolvedBy: null,
        commentIds: [id],
      });
    }
    return comment;
  }

  function applyOutput(run: CheckRun, output: ReturnType<typeof validateCheckRunWrite>['output']): void {
    if (!output) return;
    run.output.title = output.title;
    run.output.summary = output.summary;
    if (output.text !== undefined) run.output.text = output.text;
    run.annotations.push(...output.annotations);
    run.output.annotations_count = run.annotations.length;
  }

  function appJson() {
    return { id: state.app.id, slug: state.app.slug, name: state.app.slug, node_id: nodeId('A', state.app.id), owner: { login: 'octo-org', type: 'Organization' }, permissions: { checks: 'write', contents: 'read', metadata: 'read', pull_requests: 'write' }, events: ['pull_request', 'check_run', 'check_suite'] };
  }
  function ownerJson(repo: Repository) {
    return { login: repo.owner, id: 1, node_id: nodeId('O', repo.owner), type: 'Organization' };
  }
  function repoJson(repo: Repository) {
    return {
      id: repo.id,
      node_id: repo.nodeId,
      name: repo.name,
      full_name: repo.fullName,
      owner: ownerJson(repo),
      private: false,
      fork: false,
      default_branch: repo.defaultBranch,
      html_url: `${webUrl()}/${repo.fullName}`,
      url: `${apiUrl()}/repos/${repo.fullName}`,
    };
  }
  function pullJson(repo: Repository, pull: PullRequest) {
    const user = { login: 'octocat', id: 583231, node_id: 'MDQ6VXNlcjU4MzIzMQ==', type: 'User' };
    return {
      id: pull.id,
      node_id: pull.nodeId,
      number: pull.number,
      state: pull.state,
      draft: pull.draft,
      title: pull.title,
      user,
      html_url: `${webUrl()}/${repo.fullName}/pull/${pull.number}`,
      url: `${apiUrl()}/repos/${repo.fullName}/pulls/${pull.number}`,
      head: { label: `${repo.owner}:${pull.headRef}`, ref: pull.headRef, sha: pull.headSha, user, repo: repoJson(repo) },
      base: { label: `${repo.owner}:${pull.baseRef}`, ref: pull.baseRef, sha: pull.baseSha, user, repo: repoJson(repo) },
      changed_files: pull.files.length,
      additions: pull.files.reduce((sum, file) => sum + file.additions, 0),
      deletions: pull.files.reduce((sum, file) => sum + file.deletions, 0),
    };
  }
  function checkRunJson(repo: Repository, run: CheckRun) {
    const { annotations: _annotations, writes: _writes, repository: _repository, ...fields } = run;
    return {
      ...fields,
      url: `${apiUrl()}/repos/${repo.fullName}/check-runs/${run.id}`,
      html_url: `${webUrl()}/${repo.fullName}/runs/${run.id}`,
      output: { ...run.output, annotations_url: `${apiUrl()}/repos/${repo.fullName}/check-runs/${run.id}/annotations` },
      check_suite: { id: 1 },
      app: appJson(),
      pull_requests: [...repo.pulls.values()].filter((pull) => pull.headSha === run.head_sha).map((pull) => ({ number: pull.number, id: pull.id, head: { sha: pull.headSha, ref: pull.headRef }, base: { sha: pull.baseSha, ref: pull.baseRef } })),
    };
  }
  function reviewJson(repo: Repository, review: Review) {
    const { comment_ids: _ids, repository: _repository, pull_number: pullNumber, ...fields } = review;
    return {
      ...fields,
      html_url: `${webUrl()}/${repo.fullName}/pull/${pullNumber}#pullrequestreview-${review.id}`,
      pull_request_url: `${apiUrl()}/repos/${repo.fullName}/pulls/${pullNumber}`,
      author_association: 'NONE',
    };
  }
  function commentJson(repo: Repository, comment: ReviewComment) {
    const { thread_id: _thread, repository: _repository, pull_number: pullNumber, ...fields } = comment;
    const pull = repo.pulls.get(pullNumber)!;
    const file = pull.files.find((candidate) => candidate.filename === comment.path);
    return {
      ...fields,
      in_reply_to_id: comment.in_reply_to_id,
      diff_hunk: diffHunkFor(file?.patch, comment.original_line, comment.side),
      subject_type: 'line',
      author_association: 'NONE',
      url: `${apiUrl()}/repos/${repo.fullName}/pulls/comments/${comment.id}`,
      html_url: `${webUrl()}/${repo.fullName}/pull/${pullNumber}#discussion_r${comment.id}`,
      pull_request_url: `${apiUrl()}/repos/${repo.fullName}/pulls/${pullNumber}`,
    };
  }

  return routes;
}

/** Base64 wrapped at 60 characters, as the contents and blobs APIs send it. */
function base64Lines(content: Buffer): string {
  return (content.toString('base64').match(/.{1,60}/g) ?? []).join('\n');
}
