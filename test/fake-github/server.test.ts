// The fake GitHub answers like GitHub: these tests pin the validation the App's end-to-end test relies on.
import { Octokit } from '@octokit/rest';
import { execFileSync } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sequentialRoundTrips, startFakeGitHub, type FakeGitHub } from './server.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP_ID = 4242;

function appJwt(key = privateKey, appId = APP_ID): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: now - 60, exp: now + 540, iss: appId })}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key, 'base64url')}`;
}

async function installationClient(github: FakeGitHub, installationId = 1): Promise<Octokit> {
  const app = new Octokit({ baseUrl: github.apiUrl, auth: appJwt() });
  const { data } = await app.rest.apps.createInstallationAccessToken({ installation_id: installationId });
  return new Octokit({ baseUrl: github.apiUrl, auth: data.token });
}

/** A 422 from the fake, with GitHub's message and errors. */
async function rejection(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { status, response, message } = error as { status: number; message: string; response?: { data?: { message?: string; errors?: string[] } } };
    return { status, message: [message, response?.data?.message, ...(response?.data?.errors ?? [])].join(' ') };
  }
  throw new Error('expected the request to be rejected');
}

const ORIGINAL = Array.from({ length: 40 }, (_, index) => `line_${index + 1} = ${index + 1}`).join('\n') + '\n';
/** Changes line 5 and line 30: two hunks, RIGHT lines 2..8 and 27..33. */
const CHANGED = ORIGINAL.replace('line_5 = 5', 'line_5 = 500').replace('line_30 = 30', 'line_30 = 3000');

let github: FakeGitHub;
let octokit: Octokit;
const owner = 'octo-org';
const repo = 'service';

beforeEach(async () => {
  github = await startFakeGitHub({ appId: APP_ID, appPublicKey: publicKey });
  github.addRepository({ files: { 'app/main.py': ORIGINAL, 'old.py': 'x = 1\n', '.github/async-review.yml': 'filter: added\n' } });
  github.addPullRequest({
    number: 7,
    changes: { 'app/main.py': CHANGED, 'new.py': 'import asyncio\n', 'old.py': null },
  });
  octokit = await installationClient(github);
});

afterEach(async () => {
  await github.close();
});

describe('authentication', () => {
  it('issues installation tokens only for a JWT signed by the App key', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = new Octokit({ baseUrl: github.apiUrl, auth: appJwt(stranger) });
    expect((await rejection(forged.rest.apps.createInstallationAccessToken({ installation_id: 1 }))).status).toBe(401);
    const wrongApp = new Octokit({ baseUrl: github.apiUrl, auth: appJwt(privateKey, 1) });
    expect((await rejection(wrongApp.rest.apps.createInstallationAccessToken({ installation_id: 1 }))).status).toBe(401);
    const anonymous = new Octokit({ baseUrl: github.apiUrl });
    expect((await rejection(anonymous.rest.pulls.get({ owner, repo, pull_number: 7 }))).status).toBe(401);
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: 7 });
    expect(data.head.sha).toBe(github.state.repositories.get('octo-org/service')!.pulls.get(7)!.headSha);
  });

  it('hides repositories of other installations', async () => {
    github.addRepository({ owner: 'someone-else', name: 'private', installationId: 99 });
    expect((await rejection(octokit.rest.repos.get({ owner: 'someone-else', repo: 'private' }))).status).toBe(404);
  });
});

describe('pull request files', () => {
  it('lists statuses and git-style patches', async () => {
    const { data } = await octokit.rest.pulls.listFiles({ owner, repo, pull_number: 7 });
    expect(data.map((file) => [file.filename, file.status])).toEqual([
      ['app/main.py', 'modified'],
      ['new.py', 'added'],
      ['old.py', 'removed'],
    ]);
    const main = data[0]!;
    expect(main.patch).toMatch(/^@@ -2,7 \+2,7 @@\n line_2 = 2\n/);
    expect(main.patch).toContain('\n-line_5 = 5\n+line_5 = 500\n');
    expect(main.patch).toContain('@@ -27,7 +27,7 @@');
    expect([main.additions, main.deletions]).toEqual([2, 2]);
    expect(data[1]!.patch).toBe('@@ -0,0 +1 @@\n+import asyncio');
    expect(data[2]!.patch).toBe('@@ -1 +0,0 @@\n-x = 1');
  });

  it('paginates with Link headers and stops at 3 000 files', async () => {
    const changes = Object.fromEntries(Array.from({ length: 3005 }, (_, index) => [`pkg/m${index}.py`, `x = ${index}\n`]));
    github.addPullRequest({ number: 8, changes });
    const first = await octokit.rest.pulls.listFiles({ owner, repo, pull_number: 8, per_page: 100 });
    expect(first.headers.link).toMatch(/<http:\/\/127\.0\.0\.1:\d+\/api\/v3\/repos\/octo-org\/service\/pulls\/8\/files\?per_page=100&page=2>; rel="next"/);
    expect(first.headers.link).toContain('page=30>; rel="last"');
    const all = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: 8, per_page: 100 });
    expect(all).toHaveLength(3000);
    expect(new Set(all.map((file) => file.filename)).size).toBe(3000);
  });

  it('renames keep the previous name, and binary files have no patch', async () => {
    github.addPullRequest({ number: 9, changes: { 'logo.png': Buffer.from([0x89, 0x50, 0x00, 0x01]) }, renames: { 'app/core.py': 'app/main.py' } });
    const { data } = await octokit.rest.pulls.listFiles({ owner, repo, pull_number: 9 });
    const renamed = data.find((file) => file.filename === 'app/core.py')!;
    expect(renamed).toMatchObject({ status: 'renamed', previous_filename: 'app/main.py', changes: 0 });
    expect(data.find((file) => file.filename === 'logo.png')).not.toHaveProperty('patch');
  });
});

describe('reviews', () => {
  const review = (comments: object[], extra: object = {}) =>
    octokit.rest.pulls.createReview({ owner, repo, pull_number: 7, event: 'COMMENT', body: 'async-review', comments: comments as never, ...extra });

  it('accepts comments on added and context lines of a hunk, on either side', async () => {
    await review([
      { path: 'app/main.py', line: 5, side: 'RIGHT', body: 'changed line' },
      { path: 'app/main.py', line: 2, body: 'context line, side defaults to RIGHT' },
      { path: 'app/main.py', start_line: 28, line: 31, side: 'RIGHT', body: 'range inside the second hunk' },
      { path: 'old.py', line: 1, side: 'LEFT', body: 'removed line' },
      { path: 'new.py', line: 1, body: 'added file' },
    ]);
    expect(github.state.reviews).toHaveLength(1);
    expect(github.state.reviewComments.map((comment) => [comment.path, comment.line])).toEqual([
      ['app/main.py', 5],
      ['app/main.py', 2],
      ['app/main.py', 31],
      ['old.py', 1],
      ['new.py', 1],
    ]);
    const listed = await octokit.paginate(octokit.rest.pulls.listReviewComments, { owner, repo, pull_number: 7 });
    expect(listed[0]!.diff_hunk).toBe('@@ -2,7 +2,7 @@\n line_2 = 2\n line_3 = 3\n line_4 = 4\n-line_5 = 5\n+line_5 = 500');
    expect(listed[0]!.user!.login).toBe('async-review[bot]');
  });

  it.each([
    ['a line outside every hunk', { path: 'app/main.py', line: 15, body: 'x' }, 'Line could not be resolved'],
    ['a line past the end of the file', { path: 'new.py', line: 2, body: 'x' }, 'Line could not be resolved'],
    ['the RIGHT side of a removed file', { path: 'old.py', line: 1, side: 'RIGHT', body: 'x' }, 'Line could not be resolved'],
    ['a range spanning two hunks', { path: 'app/main.py', start_line: 5, line: 30, body: 'x' }, 'same hunk'],
    ['a range starting outside the hunk', { path: 'app/main.py', start_line: 1, line: 3, body: 'x' }, 'same hunk'],
    ['start_line equal to line', { path: 'app/main.py', start_line: 5, line: 5, body: 'x' }, 'start line must precede the end line'],
    ['a file the PR does not change', { path: 'README.md', line: 1, body: 'x' }, 'Path could not be resolved'],
    ['a comment without path', { line: 5, body: 'x' }, '"comments[1].path" wasn\'t supplied'],
    ['a comment without body', { path: 'app/main.py', line: 5 }, '"comments[1].body" wasn\'t supplied'],
  ])('rejects the whole review for %s (422)', async (_case, bad, message) => {
    const answer = await rejection(review([{ path: 'app/main.py', line: 5, body: 'valid' }, bad]));
    expect(answer.status).toBe(422);
    expect(answer.message).toContain(message);
    expect(github.state.reviews).toHaveLength(0);
    expect(github.state.reviewComments).toHaveLength(0);
  });

  it('rejects an empty COMMENT review and a commit that is not the PR head', async () => {
    expect((await rejection(review([], { body: '' }))).status).toBe(422);
    const base = github.state.repositories.get('octo-org/service')!.pulls.get(7)!.baseSha;
    expect((await rejection(review([], { commit_id: base }))).status).toBe(422);
  });
});

describe('check runs', () => {
  const head = () => github.state.repositories.get('octo-org/service')!.pulls.get(7)!.headSha;
  const annotation = (line: number) => ({ path: 'app/main.py', start_line: line, end_line: line, annotation_level: 'failure' as const, message: `finding ${line}` });
  const create = (body: object) => octokit.request('POST /repos/{owner}/{repo}/check-runs', { owner, repo, ...body } as never);

  it('creates in progress, then completes with annotations appended across updates', async () => {
    const { data } = await octokit.rest.checks.create({ owner, repo, name: 'async-review', head_sha: head(), status: 'in_progress' });
    const fifty = Array.from({ length: 50 }, (_, index) => annotation(index + 1));
    await octokit.rest.checks.update({ owner, repo, check_run_id: data.id, output: { title: 't', summary: 's', annotations: fifty } });
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: data.id,
      conclusion: 'failure',
      output: { title: '51 findings', summary: 'summary', annotations: [annotation(51)] },
    });
    const [run] = github.state.checkRuns;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure', output: { title: '51 findings', annotations_count: 51 } });
    const { data: listed } = await octokit.rest.checks.listForRef({ owner, repo, ref: head(), check_name: 'async-review' });
    expect(listed.check_runs.map((candidate) => candidate.id)).toEqual([data.id]);
  });

  it.each([
    ['no name', {}, '"name" wasn\'t supplied'],
    ['no head_sha', { name: 'async-review', head_sha: undefined }, '"head_sha" wasn\'t supplied'],
    ['an unknown head_sha', { name: 'async-review', head_sha: 'f'.repeat(40) }, 'No commit found'],
    ['completed without a conclusion', { name: 'async-review', status: 'completed' }, '"conclusion" wasn\'t supplied'],
    ['an output without summary', { name: 'async-review', output: { title: 't' } }, '"output.summary" wasn\'t supplied'],
    ['a summary over 65 535 characters', { name: 'async-review', output: { title: 't', summary: 'x'.repeat(65_536) } }, 'Only 65535 characters'],
    ['a title over 255 characters', { name: 'async-review', output: { title: 't'.repeat(256), summary: 's' } }, 'Only 255 characters'],
    ['51 annotations', { name: 'async-review', output: { title: 't', summary: 's', annotations: Array.from({ length: 51 }, (_, index) => ({ path: 'a.py', start_line: index + 1, end_line: index + 1, annotation_level: 'notice', message: 'm' })) } }, 'Only 50 annotations'],
    ['an annotation without start_line', { name: 'async-review', output: { title: 't', summary: 's', annotations: [{ path: 'a.py', end_line: 1, annotation_level: 'notice', message: 'm' }] } }, 'start_line" wasn\'t supplied'],
    ['an annotation without annotation_level', { name: 'async-review', output: { title: 't', summary: 's', annotations: [{ path: 'a.py', start_line: 1, end_line: 1, message: 'm' }] } }, 'annotation_level" wasn\'t supplied'],
    ['an annotation without message', { name: 'async-review', output: { title: 't', summary: 's', annotations: [{ path: 'a.py', start_line: 1, end_line: 1, annotation_level: 'notice' }] } }, 'message" wasn\'t supplied'],
    ['an unknown annotation level', { name: 'async-review', output: { title: 't', summary: 's', annotations: [{ path: 'a.py', start_line: 1, end_line: 1, annotation_level: 'error', message: 'm' }] } }, 'is not a member'],
    ['columns on a multi-line annotation', { name: 'async-review', output: { title: 't', summary: 's', annotations: [{ path: 'a.py', start_line: 1, end_line: 2, start_column: 1, end_column: 3, annotation_level: 'notice', message: 'm' }] } }, 'columns are only allowed'],
  ])('rejects a check run with %s (422)', async (_case, body, message) => {
    const answer = await rejection(create({ head_sha: head(), ...body }));
    expect(answer.status).toBe(422);
    expect(answer.message).toContain(message);
    expect(github.state.checkRuns).toHaveLength(0);
  });

  it('rejects an update with more than 50 annotations and keeps the run as it was', async () => {
    const { data } = await octokit.rest.checks.create({ owner, repo, name: 'async-review', head_sha: head(), status: 'in_progress' });
    const tooMany = Array.from({ length: 51 }, (_, index) => annotation(index + 1));
    const answer = await rejection(octokit.rest.checks.update({ owner, repo, check_run_id: data.id, conclusion: 'success', output: { title: 't', summary: 's', annotations: tooMany } }));
    expect(answer.status).toBe(422);
    expect(github.state.checkRuns[0]).toMatchObject({ status: 'in_progress', conclusion: null, annotations: [] });
  });
});

describe('git data', () => {
  it('serves blobs by git object id (as git hash-object computes it)', async () => {
    const { data: files } = await octokit.rest.pulls.listFiles({ owner, repo, pull_number: 7 });
    const main = files[0]!;
    const expectedSha = execFileSync('git', ['hash-object', '--stdin'], { input: CHANGED }).toString().trim();
    expect(main.sha).toBe(expectedSha);
    const { data: blob } = await octokit.rest.git.getBlob({ owner, repo, file_sha: main.sha! });
    expect(blob.encoding).toBe('base64');
    expect(Buffer.from(blob.content, 'base64').toString('utf8')).toBe(CHANGED);
  });

  it('serves the contents API, raw or base64', async () => {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path: '.github/async-review.yml' });
    expect(Buffer.from((data as { content: string }).content, 'base64').toString()).toBe('filter: added\n');
    const raw = await octokit.rest.repos.getContent({ owner, repo, path: '.github/async-review.yml', mediaType: { format: 'raw' } });
    expect(String(raw.data)).toBe('filter: added\n');
    expect((await rejection(octokit.rest.repos.getContent({ owner, repo, path: 'missing.yml' }))).status).toBe(404);
  });

  it("serves a commit's tree, recursive or not, with blob SHAs and sizes, truncated past the repository's limit", async () => {
    const head = github.state.repositories.get('octo-org/service')!.pulls.get(7)!.headSha;
    const { data: top } = await octokit.rest.git.getTree({ owner, repo, tree_sha: head });
    expect(top.tree.map((entry) => [entry.path, entry.type])).toEqual([['.github', 'tree'], ['app', 'tree'], ['new.py', 'blob']]);
    const { data: all } = await octokit.rest.git.getTree({ owner, repo, tree_sha: head, recursive: '1' });
    expect(all.truncated).toBe(false);
    expect(all.tree.filter((entry) => entry.type === 'blob').map((entry) => entry.path)).toEqual(['.github/async-review.yml', 'app/main.py', 'new.py']);
    const main = all.tree.find((entry) => entry.path === 'app/main.py')!;
    expect(main).toMatchObject({ sha: execFileSync('git', ['hash-object', '--stdin'], { input: CHANGED }).toString().trim(), size: Buffer.byteLength(CHANGED), mode: '100644' });
    github.state.repositories.get('octo-org/service')!.treeEntryLimit = 2;
    const { data: cut } = await octokit.rest.git.getTree({ owner, repo, tree_sha: head, recursive: '1' });
    expect(cut.truncated).toBe(true);
    expect(cut.tree).toHaveLength(2);
    expect((await rejection(octokit.rest.git.getTree({ owner, repo, tree_sha: 'f'.repeat(40) }))).status).toBe(404);
  });
});

describe('GraphQL', () => {
  it('answers aliased object(expression) lookups, truncating text at 512 000 bytes', async () => {
    const big = `# ${'x'.repeat(600_000)}\n`;
    github.addPullRequest({ number: 10, changes: { 'big.py': big, 'config_user.py': 'y = 2\n', '.github/async-review.yml': 'filter: file\n' } });
    const head = github.state.repositories.get('octo-org/service')!.pulls.get(10)!.headSha;
    const result = await octokit.graphql<Record<string, Record<string, { text: string | null; isTruncated: boolean; byteSize: number } | null>>>(
      `query($owner: String!, $name: String!) {
        repository(owner: $owner, name: $name) {
          f0: object(expression: "${head}:big.py") { ... on Blob { text isTruncated byteSize oid } }
          f1: object(expression: "${head}:config_user.py") { ... on Blob { text isTruncated byteSize } }
          f2: object(expression: "${head}:absent.py") { ... on Blob { text } }
          config: object(expression: "HEAD:.github/async-review.yml") { ... on Blob { text } }
        }
      }`,
      { owner, name: repo },
    );
    const repository = result.repository!;
    expect(repository.f0).toMatchObject({ isTruncated: true, byteSize: big.length });
    expect(Buffer.byteLength(repository.f0!.text!)).toBe(512_000);
    expect(repository.f1).toEqual({ text: 'y = 2\n', isTruncated: false, byteSize: 6 });
    expect(repository.f2).toBeNull();
    // HEAD is the default branch: a PR cannot change the configuration that reviews it.
    expect(repository.config!.text).toBe('filter: added\n');
  });

  it('rejects queries that GitHub schema does not allow, and connections without first/last', async () => {
    const unknownField = await rejection(octokit.graphql(`{ repository(owner: "${owner}", name: "${repo}") { object(expression: "HEAD:x") { ... on Blob { contents } } } }`));
    expect(unknownField.message).toContain('Cannot query field "contents" on type "Blob"');
    const unbounded = await rejection(octokit.graphql(`{ repository(owner: "${owner}", name: "${repo}") { pullRequest(number: 7) { reviewThreads { nodes { id } } } } }`));
    expect(unbounded.message).toContain('You must provide a `first` or `last` value');
    const tooMany = await rejection(octokit.graphql(`{ repository(owner: "${owner}", name: "${repo}") { pullRequest(number: 7) { reviewThreads(first: 101) { nodes { id } } } } }`));
    expect(tooMany.message).toContain('exceeds the `first` limit of 100 records');
  });

  it('lists review threads with their comments and resolves them', async () => {
    await octokit.rest.pulls.createReview({ owner, repo, pull_number: 7, event: 'COMMENT', body: 'b', comments: [{ path: 'app/main.py', line: 5, body: '<!-- fingerprint: abc -->' }] });
    type Threads = { repository: { pullRequest: { reviewThreads: { nodes: Array<{ id: string; isResolved: boolean; isOutdated: boolean; line: number; comments: { nodes: Array<{ body: string; author: { login: string } }> } }> } } } };
    const query = `query { repository(owner: "${owner}", name: "${repo}") { pullRequest(number: 7) {
      reviewThreads(first: 100) { nodes { id isResolved isOutdated line comments(first: 1) { nodes { body author { login } } } } } } } }`;
    const before = await octokit.graphql<Threads>(query);
    const [thread] = before.repository.pullRequest.reviewThreads.nodes;
    expect(thread).toMatchObject({ isResolved: false, isOutdated: false, line: 5, comments: { nodes: [{ body: '<!-- fingerprint: abc -->', author: { login: 'async-review' } }] } });
    await octokit.graphql(`mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { id isResolved } } }`, { id: thread!.id });
    const after = await octokit.graphql<Threads>(query);
    expect(after.repository.pullRequest.reviewThreads.nodes[0]!.isResolved).toBe(true);
    const unknown = await rejection(octokit.graphql(`mutation { resolveReviewThread(input: { threadId: "PRRT_nope" }) { thread { id } } }`));
    expect(unknown.message).toContain('Could not resolve to a node');
  });

  it('moves a thread with its line on a push, and marks it outdated when its line changes', async () => {
    await octokit.rest.pulls.createReview({ owner, repo, pull_number: 7, event: 'COMMENT', body: 'b', comments: [
      { path: 'app/main.py', line: 5, body: 'will change' },
      { path: 'app/main.py', line: 30, body: 'stays' },
    ] });
    github.pushToPullRequest(7, { 'app/main.py': `import os\nimport sys\n${CHANGED.replace('line_5 = 500', 'line_5 = 5_000')}` });
    expect(github.state.reviewThreads.map((thread) => [thread.isOutdated, thread.line])).toEqual([[true, null], [false, 32]]);
    const listed = await octokit.paginate(octokit.rest.pulls.listReviewComments, { owner, repo, pull_number: 7 });
    expect(listed.map((comment) => [comment.line ?? null, comment.original_line])).toEqual([[null, 5], [32, 30]]);
  });
});

describe('latency, faults and the request log', () => {
  it('delays each answer and tells parallel round trips from sequential ones', async () => {
    github.latencyMs = 100;
    const get = () => octokit.rest.pulls.get({ owner, repo, pull_number: 7 });
    github.requests.length = 0;
    const started = performance.now();
    await Promise.all([get(), get(), get()]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(99);
    expect(performance.now() - started).toBeLessThan(290);
    expect(sequentialRoundTrips(github.requests)).toBe(1);
    await get();
    await get();
    expect(github.requests).toHaveLength(5);
    expect(sequentialRoundTrips(github.requests)).toBe(3);
    expect(github.requests[0]).toMatchObject({ method: 'GET', route: '/repos/octo-org/service/pulls/7', status: 200 });
  });

  it('injects faults on matching requests only, the given number of times', async () => {
    github.injectFault({ method: 'POST', route: /\/reviews$/, status: 502, times: 1 });
    const answer = await rejection(octokit.rest.pulls.createReview({ owner, repo, pull_number: 7, event: 'COMMENT', body: 'b', request: { retries: 0 } }));
    expect(answer.status).toBe(502);
    await octokit.rest.pulls.createReview({ owner, repo, pull_number: 7, event: 'COMMENT', body: 'b' });
    expect(github.state.reviews).toHaveLength(1);
    expect(github.requests.filter((entry) => entry.route.endsWith('/reviews')).map((entry) => entry.status)).toEqual([502, 200]);
  });
});
