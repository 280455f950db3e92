import nock from 'nock';
import type { Probot } from 'probot';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reviewQueue } from '../../src/app/queue.js';
import { extractFingerprint } from '../../src/render/fingerprint.js';
import {
  addedPatch,
  createProbot,
  examplePayload,
  HEAD_SHA,
  mockAccessToken,
  mockBlob,
  mockCheckRunCreation,
  mockCheckRunUpdates,
  mockFileList,
  mockResolveMutation,
  mockReview,
  mockSnapshot,
  newRecorded,
  type PullFile,
  type PullState,
  type Recorded,
} from './github-mock.js';

const BLOCKING = `import asyncio
import time


async def poll():
    time.sleep(1)
`;
const CLEAN = `import asyncio


async def poll():
    await asyncio.sleep(1)
`;

let probot: Probot;
let recorded: Recorded;

beforeAll(() => nock.disableNetConnect());
beforeEach(async () => {
  // Tests deliver the same commit with other contents: the queue must not take it for one already reviewed.
  reviewQueue.forgetReviewed();
  nock.cleanAll();
  probot = await createProbot();
  recorded = newRecorded();
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

async function deliver(name: 'pull_request', action: 'opened' | 'synchronize'): Promise<void> {
  const payload = examplePayload(name, action);
  expect(payload.pull_request.head.sha).toBe(HEAD_SHA);
  await probot.receive({ id: `delivery-${Math.random()}`, name, payload });
  await reviewQueue.onIdle();
}

/** The usual run: token, check run ‖ file list, one snapshot query, then the check update. */
function mockRun(state: PullState, options: { review?: boolean; updates?: number; token?: boolean } = {}): void {
  // Probot caches the installation token, so a second delivery to the same instance asks for none.
  if (options.token !== false) mockAccessToken();
  mockCheckRunCreation(recorded);
  mockFileList(recorded, state.files);
  mockSnapshot(recorded, state);
  if (options.review) mockReview(recorded);
  if (options.updates !== 0) mockCheckRunUpdates(recorded, options.updates ?? 1);
}

const sleeper: PullFile = { filename: 'app/poll.py', status: 'added', patch: addedPatch(BLOCKING) };

describe('pull_request.opened', () => {
  it('posts one review with a suggestion and completes a failing check with an annotation', async () => {
    mockRun({ files: [sleeper], contents: { 'app/poll.py': BLOCKING } }, { review: true });
    await deliver('pull_request', 'opened');

    expect(recorded.checkRunCreations).toEqual([
      expect.objectContaining({ name: 'async-review', head_sha: HEAD_SHA, status: 'in_progress' }),
    ]);
    const [review] = recorded.reviews;
    expect(review).toMatchObject({ commit_id: HEAD_SHA, event: 'COMMENT' });
    expect(review.comments).toHaveLength(1);
    const [comment] = review.comments;
    expect(comment).toMatchObject({ path: 'app/poll.py', line: 6, side: 'RIGHT' });
    expect(comment).not.toHaveProperty('start_line');
    expect(comment.body).toContain('**blocking-sleep**');
    expect(comment.body).toContain('```suggestion\n    await asyncio.sleep(1)\n```');
    expect(comment.body).toContain('# noqa: ASYNC251');
    expect(extractFingerprint(comment.body)).toMatch(/^[0-9a-f]{20}$/);

    const [update] = recorded.checkRunUpdates;
    expect(update).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(update.output.annotations).toEqual([
      expect.objectContaining({ path: 'app/poll.py', start_line: 6, end_line: 6, annotation_level: 'failure', title: 'blocking-sleep' }),
    ]);
    expect(update.output.title).toBe('1 asyncio pitfall: 1 error');
    // The config comes from the default branch, the files and pytest's config from the head commit.
    const variables = recorded.snapshotQueries[0].variables;
    expect(variables.config).toBe('HEAD:.github/async-review.yml');
    expect(Object.values(variables)).toContain(`${HEAD_SHA}:app/poll.py`);
    expect(Object.values(variables)).toContain(`${HEAD_SHA}:pyproject.toml`);
  });

  it('posts nothing and succeeds when the Python code is clean', async () => {
    mockRun({ files: [{ filename: 'app/poll.py', status: 'added', patch: addedPatch(CLEAN) }], contents: { 'app/poll.py': CLEAN } });
    await deliver('pull_request', 'opened');
    expect(recorded.reviews).toEqual([]);
    expect(recorded.checkRunUpdates[0]).toMatchObject({ conclusion: 'success', output: { title: 'No asyncio pitfalls on the changed lines' } });
  });
});

describe('pull_request.synchronize', () => {
  it('posts no review when every finding already has an open thread of the App', async () => {
    mockRun({ files: [sleeper], contents: { 'app/poll.py': BLOCKING } }, { review: true });
    await deliver('pull_request', 'opened');
    const posted = recorded.reviews[0].comments[0];

    // The push moved the code down a few lines: same finding, same fingerprint, no second comment.
    const moved = `"""Docstring."""\n\n${BLOCKING}`;
    recorded = newRecorded();
    mockRun({
      files: [{ filename: 'app/poll.py', status: 'added', patch: addedPatch(moved) }],
      contents: { 'app/poll.py': moved },
      threads: [{ id: 'PRRT_1', isResolved: false, path: 'app/poll.py', body: posted.body }],
    }, { token: false });
    await deliver('pull_request', 'synchronize');
    expect(recorded.reviews).toEqual([]);
    expect(recorded.mutations).toEqual([]);
    const [update] = recorded.checkRunUpdates;
    expect(update.conclusion).toBe('failure');
    expect(update.output.summary).toContain('0 new inline comments · 1 already commented');
    expect(update.output.annotations).toEqual([expect.objectContaining({ start_line: 8 })]);
  });

  it("resolves the App's threads whose finding is gone, and only those", async () => {
    mockRun({ files: [sleeper], contents: { 'app/poll.py': BLOCKING } }, { review: true });
    await deliver('pull_request', 'opened');
    const oldBody = recorded.reviews[0].comments[0].body;

    recorded = newRecorded();
    mockRun({
      files: [{ filename: 'app/poll.py', status: 'added', patch: addedPatch(CLEAN) }],
      contents: { 'app/poll.py': CLEAN },
      threads: [
        { id: 'PRRT_stale', isResolved: false, path: 'app/poll.py', body: oldBody },
        { id: 'PRRT_done', isResolved: true, path: 'app/poll.py', body: oldBody },
        { id: 'PRRT_human', isResolved: false, path: 'app/poll.py', body: oldBody, authorType: 'User' },
        { id: 'PRRT_plain', isResolved: false, path: 'app/poll.py', body: 'Looks good to me' },
      ],
    }, { token: false });
    mockResolveMutation(recorded);
    await deliver('pull_request', 'synchronize');
    expect(recorded.reviews).toEqual([]);
    expect(recorded.checkRunUpdates[0].conclusion).toBe('success');
    expect(recorded.mutations).toHaveLength(1);
    expect(Object.values(recorded.mutations[0].variables)).toEqual(['PRRT_stale']);
    expect(recorded.mutations[0].query).toContain('resolveReviewThread(input: { threadId: $t0 })');
  });
});

describe('changed files', () => {
  it('reviews a renamed file under its new name and never fetches a removed one', async () => {
    const before = CLEAN.replace('await asyncio.sleep(1)', 'pass');
    const patch = ['@@ -3,3 +3,4 @@ import asyncio', ' ', ' async def poll():', '-    pass', '+    import time', '+    time.sleep(1)'].join('\n');
    const after = `import asyncio\n\n\nasync def poll():\n    import time\n    time.sleep(1)\n`;
    expect(before).not.toBe(after);
    mockRun(
      {
        files: [
          { filename: 'pkg/renamed.py', previous_filename: 'pkg/old.py', status: 'renamed', patch },
          { filename: 'pkg/gone.py', status: 'removed', patch: '@@ -1 +0,0 @@\n-import time' },
        ],
        contents: { 'pkg/renamed.py': after },
      },
      { review: true },
    );
    await deliver('pull_request', 'opened');
    const variables = Object.values(recorded.snapshotQueries[0].variables);
    expect(variables).toContain(`${HEAD_SHA}:pkg/renamed.py`);
    expect(variables.some((value) => String(value).includes('gone.py') || String(value).includes('old.py'))).toBe(false);
    expect(recorded.reviews[0].comments).toEqual([expect.objectContaining({ path: 'pkg/renamed.py', line: 6 })]);
  });

  it('completes a successful check without review or snapshot when no Python file changed', async () => {
    mockAccessToken();
    mockCheckRunCreation(recorded);
    mockFileList(recorded, [
      { filename: 'README.md', status: 'modified', patch: '@@ -1 +1 @@\n-a\n+b' },
      { filename: 'tools/poll.py', status: 'removed', patch: '@@ -1 +0,0 @@\n-import time' },
    ]);
    mockCheckRunUpdates(recorded);
    // Only the App's threads are read (none here): no file contents, no config.
    mockSnapshot(recorded, { files: [] });
    await deliver('pull_request', 'opened');
    expect(recorded.snapshotQueries).toHaveLength(1);
    expect(recorded.snapshotQueries[0].query).not.toContain('object(');
    expect(recorded.reviews).toEqual([]);
    expect(recorded.checkRunUpdates[0]).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: 'No Python files changed' } });
  });

  it('resolves every open thread of the App once a push leaves no Python change in the PR', async () => {
    mockRun({ files: [sleeper], contents: { 'app/poll.py': BLOCKING } }, { review: true });
    await deliver('pull_request', 'opened');
    const body = recorded.reviews[0].comments[0].body;

    recorded = newRecorded();
    mockCheckRunCreation(recorded);
    mockFileList(recorded, [{ filename: 'README.md', status: 'modified', patch: '@@ -1 +1 @@\n-a\n+b' }]);
    mockCheckRunUpdates(recorded);
    mockSnapshot(recorded, { files: [], threads: [{ id: 'PRRT_old', isResolved: false, path: 'app/poll.py', body }] });
    mockResolveMutation(recorded);
    await deliver('pull_request', 'synchronize');
    expect(recorded.checkRunUpdates[0].conclusion).toBe('success');
    expect(recorded.mutations.map((m) => Object.values(m.variables))).toEqual([['PRRT_old']]);
  });

  it('keeps the successful check when the threads cannot be read afterwards', async () => {
    mockAccessToken();
    mockCheckRunCreation(recorded);
    mockFileList(recorded, [{ filename: 'README.md', status: 'modified', patch: '@@ -1 +1 @@\n-a\n+b' }]);
    mockCheckRunUpdates(recorded);
    // GitHub keeps failing past the review's deadline (a query is retried until then).
    nock('https://api.github.com').post('/graphql').reply(502, { message: 'Bad Gateway' }).persist();
    await deliver('pull_request', 'opened');
    expect(recorded.checkRunUpdates).toHaveLength(1);
    expect(recorded.checkRunUpdates[0].conclusion).toBe('success');
  });

  it('lists 300+ files page by page and fetches them in chunks of at most 200 per query', async () => {
    const files: PullFile[] = Array.from({ length: 350 }, (_, index) => ({
      filename: `pkg/module_${index}.py`,
      status: 'added',
      patch: addedPatch(index === 321 ? BLOCKING : CLEAN),
    }));
    const contents = Object.fromEntries(files.map((file, index) => [file.filename, index === 321 ? BLOCKING : CLEAN]));
    mockAccessToken();
    mockCheckRunCreation(recorded);
    mockFileList(recorded, files);
    mockSnapshot(recorded, { files, contents }, 2);
    mockReview(recorded);
    mockCheckRunUpdates(recorded);
    await deliver('pull_request', 'opened');
    expect(recorded.filePages.sort()).toEqual([1, 2, 3, 4]);
    const fileCounts = recorded.snapshotQueries.map((q) => Object.keys(q.variables).filter((name) => /^f\d+$/.test(name)).length);
    expect(fileCounts.sort()).toEqual([150, 200]);
    expect(recorded.reviews[0].comments).toEqual([expect.objectContaining({ path: 'pkg/module_321.py' })]);
    expect(recorded.checkRunUpdates[0].output.summary).toContain('350 Python files analyzed');
  });

  it('reads a file over 1 MB, which GraphQL truncates, as a blob', async () => {
    const large = `${BLOCKING}${Array.from({ length: 1100 }, (_, i) => `BLOB_${i} = "${'x'.repeat(1000)}"\n`).join('')}`;
    expect(Buffer.byteLength(large)).toBeGreaterThan(1024 * 1024);
    mockRun(
      { files: [{ ...sleeper, sha: 'bigblobsha', patch: addedPatch(large) }], contents: { 'app/poll.py': { large } } },
      { review: true },
    );
    mockBlob(recorded, 'bigblobsha', large);
    await deliver('pull_request', 'opened');
    expect(recorded.blobs).toEqual(['bigblobsha']);
    expect(recorded.reviews[0].comments).toEqual([expect.objectContaining({ path: 'app/poll.py', line: 6 })]);
  });
});

describe('files without a patch', () => {
  it('lists the findings of a new file GitHub sent no diff for in the summary, and counts them', async () => {
    mockRun({ files: [{ filename: 'app/poll.py', status: 'added' }], contents: { 'app/poll.py': BLOCKING } });
    await deliver('pull_request', 'opened');
    expect(recorded.reviews).toEqual([]);
    const [update] = recorded.checkRunUpdates;
    expect(update.conclusion).toBe('failure');
    expect(update.output.summary).toContain('`app/poll.py:6`');
    expect(update.output.summary).toContain('_(GitHub sent no diff for this file)_');
    expect(update.output.annotations).toHaveLength(1);
  });

  it('does not count findings of a modified file without a diff, but still lists them', async () => {
    mockRun({ files: [{ filename: 'app/poll.py', status: 'modified' }], contents: { 'app/poll.py': BLOCKING } });
    await deliver('pull_request', 'opened');
    expect(recorded.reviews).toEqual([]);
    const [update] = recorded.checkRunUpdates;
    expect(update.conclusion).toBe('success');
    expect(update.output.summary).toContain('_(GitHub sent no diff for this file)_');
    expect(update.output).not.toHaveProperty('annotations');
  });
});

describe('a review of a commit that is no longer the head', () => {
  const NEWER = 'b'.repeat(40);

  it('posts no review and resolves no thread: the check says it was superseded', async () => {
    mockRun({
      files: [sleeper],
      contents: { 'app/poll.py': BLOCKING },
      currentHead: NEWER,
      threads: [{ id: 'PRRT_old', isResolved: false, path: 'app/gone.py', body: 'old finding <!-- async-review:fp=0123456789abcdef0123 -->' }],
    });
    await deliver('pull_request', 'opened');
    expect(recorded.reviews).toEqual([]);
    expect(recorded.mutations).toEqual([]);
    expect(recorded.checkRunUpdates[0]).toMatchObject({ status: 'completed', conclusion: 'neutral', output: { title: 'Superseded by a newer push' } });
    expect(recorded.checkRunUpdates[0].output.summary).toContain(NEWER.slice(0, 7));
  });
});

describe('configuration', () => {
  it('gives a neutral check naming the problem when the config is invalid, and posts nothing', async () => {
    mockRun({ files: [sleeper], contents: { 'app/poll.py': BLOCKING }, config: 'review:\n  max_comments: many\nfilter: everything\n' });
    await deliver('pull_request', 'opened');
    expect(recorded.reviews).toEqual([]);
    const [update] = recorded.checkRunUpdates;
    expect(update).toMatchObject({ status: 'completed', conclusion: 'neutral', output: { title: 'Invalid .github/async-review.yml' } });
    expect(update.output.summary).toContain('review.max_comments: Invalid input: expected number, received string (got "many")');
    expect(update.output.summary).toMatch(/filter: .*"added".*\(got "everything"\)/);
  });

  it("reads the config from pyproject.toml's [tool.async-review] on the default branch too", async () => {
    mockRun({ files: [sleeper], contents: { 'app/poll.py': BLOCKING }, defaultPyproject: '[project]\nname = "app"\n\n[tool.async-review.rules]\nblocking-sleep = "warning"\n\n[tool.async-review.check]\nfail_on = "error"\n' }, { review: true });
    await deliver('pull_request', 'opened');
    const [update] = recorded.checkRunUpdates;
    // The finding is a warning now, below fail_on: the check passes.
    expect(update).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(update.output.annotations).toEqual([expect.objectContaining({ annotation_level: 'warning', title: 'blocking-sleep' })]);
    expect(recorded.snapshotQueries[0].variables.configPyproject).toBe('HEAD:pyproject.toml');
  });

  it('gives a neutral check when both config files configure it', async () => {
    mockRun({ files: [sleeper], contents: { 'app/poll.py': BLOCKING }, config: 'filter: file\n', defaultPyproject: '[tool.async-review]\nfilter = "added"\n' });
    await deliver('pull_request', 'opened');
    expect(recorded.reviews).toEqual([]);
    expect(recorded.checkRunUpdates[0]).toMatchObject({ conclusion: 'neutral', output: { title: 'Two async-review configurations' } });
  });

  it('applies rule severities, fail_on, paths and the comment cap from the config', async () => {
    const many = `import time\n\n\nasync def poll():\n${Array.from({ length: 60 }, (_, i) => `    time.sleep(${i})`).join('\n')}\n`;
    mockRun(
      {
        files: [
          { filename: 'app/many.py', status: 'added', patch: addedPatch(many) },
          { filename: 'vendor/lib.py', status: 'added', patch: addedPatch(BLOCKING) },
        ],
        contents: { 'app/many.py': many, 'vendor/lib.py': BLOCKING },
        config: 'rules:\n  ASYNC251: warning\ncheck:\n  fail_on: error\nreview:\n  max_comments: 2\npaths:\n  exclude: ["vendor/**"]\n',
      },
      { review: true, updates: 2 },
    );
    await deliver('pull_request', 'opened');
    expect(recorded.reviews[0].comments.map((c: any) => c.line)).toEqual([5, 6]);
    const [first, second] = recorded.checkRunUpdates;
    // Warnings only, below fail_on: success. 60 annotations: 50 with the completion, 10 in a second update.
    expect(first).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(first.output.annotations).toHaveLength(50);
    expect(first.output.annotations[0].annotation_level).toBe('warning');
    expect(second.output.annotations).toHaveLength(10);
    expect(first.output.summary).toContain('58 listed here only');
    expect(first.output.summary).toContain('_(over the inline comment limit)_');
    expect(first.output.summary).toContain('1 changed Python file(s) skipped by `paths`');
    expect(first.output.annotations.some((a: any) => a.path === 'vendor/lib.py')).toBe(false);
  });
  it("leaves async tests alone when a conftest.py above them runs them itself, read at the head commit", async () => {
    const test = 'import asyncio\n\n\nasync def test_poll():\n    await asyncio.sleep(0)\n';
    const files = [{ filename: 'tests/api/test_poll.py', status: 'added' as const, patch: addedPatch(test) }];
    const hook = 'def pytest_pyfunc_call(pyfuncitem):\n    ...\n';
    const deps = { 'requirements-dev.txt': 'pytest\npytest-asyncio\n' };
    mockRun({ files, contents: { ...deps, 'tests/api/test_poll.py': test, 'tests/conftest.py': hook } });
    await deliver('pull_request', 'opened');
    expect(recorded.reviews).toEqual([]);
    expect(recorded.checkRunUpdates[0]).toMatchObject({ conclusion: 'success' });
    const asked = Object.values(recorded.snapshotQueries[0].variables);
    expect(asked).toEqual(expect.arrayContaining(['tests/api/conftest.py', 'tests/conftest.py', 'conftest.py'].map((p) => `${HEAD_SHA}:${p}`)));

    // Without the hook the same test is reported: pytest would skip it.
    recorded = newRecorded();
    mockRun({ files, contents: { ...deps, 'tests/api/test_poll.py': test } }, { review: true, token: false });
    await deliver('pull_request', 'synchronize');
    expect(recorded.reviews[0].comments.map((c: any) => c.body)).toEqual([expect.stringContaining('async-test-without-runner')]);
  });

  it('reads the dependency files of the folders above changed test modules: a plugin that runs unmarked async tests keeps them quiet', async () => {
    const test = 'import asyncio\n\n\nasync def test_poll():\n    await asyncio.sleep(0)\n';
    const files = [{ filename: 'tests/api/test_poll.py', status: 'added' as const, patch: addedPatch(test) }];
    mockRun({ files, contents: { 'tests/api/test_poll.py': test, 'pyproject.toml': '[project.optional-dependencies]\ntest = ["pytest", "pytest-aiohttp<1"]\n' } });
    await deliver('pull_request', 'opened');
    expect(recorded.reviews).toEqual([]);
    expect(recorded.checkRunUpdates[0]).toMatchObject({ conclusion: 'success', output: { title: 'No asyncio pitfalls on the changed lines' } });
    const asked = Object.values(recorded.snapshotQueries[0].variables);
    expect(asked).toEqual(expect.arrayContaining(['tests/api/requirements.txt', 'tests/requirements-dev.txt', 'requirements/test.txt'].map((p) => `${HEAD_SHA}:${p}`)));

    // Nothing declared: unknown, quiet too.
    recorded = newRecorded();
    mockRun({ files, contents: { 'tests/api/test_poll.py': test } }, { token: false });
    await deliver('pull_request', 'synchronize');
    expect(recorded.reviews).toEqual([]);
    expect(recorded.checkRunUpdates[0]).toMatchObject({ conclusion: 'success' });
  });
});

describe('failures', () => {
  it('completes the check and says why when GitHub rejects the review with 422', async () => {
    mockAccessToken();
    mockCheckRunCreation(recorded);
    mockFileList(recorded, [sleeper]);
    mockSnapshot(recorded, { files: [sleeper], contents: { 'app/poll.py': BLOCKING } });
    mockReview(recorded, 422, { message: 'Unprocessable Entity', errors: ['Line could not be resolved'] });
    mockCheckRunUpdates(recorded);
    await deliver('pull_request', 'opened');
    expect(recorded.reviews).toHaveLength(1);
    const [update] = recorded.checkRunUpdates;
    expect(update).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(update.output.summary).toContain('The review could not be posted:** HTTP 422');
    expect(update.output.annotations).toHaveLength(1);
  });

  it('completes the check as neutral when GitHub keeps failing while listing files past the deadline', async () => {
    mockAccessToken();
    mockCheckRunCreation(recorded);
    nock('https://api.github.com').get('/repos/Codertocat/Hello-World/pulls/2/files').query(true).reply(502, { message: 'Bad Gateway' }).persist();
    mockCheckRunUpdates(recorded);
    await deliver('pull_request', 'opened');
    const [update] = recorded.checkRunUpdates;
    expect(update).toMatchObject({ status: 'completed', conclusion: 'neutral', output: { title: 'async-review could not finish this review' } });
    expect(update.output.summary).toContain('HTTP 502');
    expect(update.output.summary).toContain("would pass the review's deadline");
  });

  it('retries a read that GitHub answers 502 once, and the review goes on', async () => {
    mockAccessToken();
    mockCheckRunCreation(recorded);
    nock('https://api.github.com').get('/repos/Codertocat/Hello-World/pulls/2/files').query(true).reply(502, { message: 'Bad Gateway' });
    mockFileList(recorded, [sleeper]);
    mockSnapshot(recorded, { files: [sleeper], contents: { 'app/poll.py': BLOCKING } });
    mockReview(recorded);
    mockCheckRunUpdates(recorded);
    await deliver('pull_request', 'opened');
    expect(recorded.filePages).toEqual([1]);
    expect(recorded.reviews).toHaveLength(1);
    expect(recorded.checkRunUpdates[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  it('still completes the check when the first completion is refused', async () => {
    mockRun({ files: [sleeper], contents: { 'app/poll.py': BLOCKING } }, { review: true, updates: 0 });
    nock('https://api.github.com').patch('/repos/Codertocat/Hello-World/check-runs/4242').reply(422, { message: 'Invalid annotations' });
    mockCheckRunUpdates(recorded);
    await deliver('pull_request', 'opened');
    const [update] = recorded.checkRunUpdates;
    expect(update).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(update.output).not.toHaveProperty('annotations');
    expect(update.output.summary).toContain('Completing this check with its annotations failed: HTTP 422');
  });
});
