// End to end: the real Probot server receives signed webhooks over HTTP and talks to a fake GitHub that
// validates like GitHub (a comment off the diff, > 50 annotations or a missing field is a 422).
// Probot's default throttling is on (writes ≥ 1 s apart), so each review takes a few seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGitHub, PullRequest, Repository } from '../fake-github/server.js';
import { checkRunRerequestedEvent, deliverWebhook, pullRequestEvent, signWebhook, PullRequestAction } from '../fake-github/webhooks.js';
import { generateAppKeys, startAppWithFakeGitHub, stopAppAndFakeGitHub, type RunningApp } from './app-server.js';

const SECRET = 'e2e-webhook-secret';
const keys = generateAppKeys();

let github: FakeGitHub;
let app: RunningApp;

beforeAll(async () => {
  ({ github, app } = await startAppWithFakeGitHub(keys, SECRET));
});

afterAll(async () => {
  await stopAppAndFakeGitHub(app, github);
});

/** A module with an old `time.sleep` in a coroutine (line 10) far from the handler the PR edits. */
const BASE = `import asyncio
import time


def warm_up():
    time.sleep(0.1)


async def legacy_poll():
    time.sleep(5)


${Array.from({ length: 12 }, (_, index) => `CONSTANT_${index} = ${index}`).join('\n')}


async def handler(request):
    return request
`;
const LEGACY_LINE = 10;
/** The PR adds a blocking sleep to the handler (and the new line's number is where the comment belongs). */
const WITH_SLEEP = BASE.replace('async def handler(request):\n', 'async def handler(request):\n    time.sleep(1)\n');
const SLEEP_LINE = WITH_SLEEP.split('\n').indexOf('    time.sleep(1)') + 1;

function stateOf(repo: Repository, pull: PullRequest) {
  const reviews = github.state.reviews.filter((review) => review.repository === repo.fullName && review.pull_number === pull.number);
  const comments = github.state.reviewComments.filter((comment) => comment.repository === repo.fullName && comment.pull_number === pull.number);
  const checkRuns = github.state.checkRuns.filter((run) => run.repository === repo.fullName && run.head_sha === pull.headSha);
  const threads = github.state.reviewThreads.filter((thread) => thread.repository === repo.fullName && thread.pull_number === pull.number);
  return { reviews, comments, checkRuns, threads };
}

async function deliverPullRequest(repo: Repository, pull: PullRequest, action: PullRequestAction, deliveryId?: string) {
  const delivery = await deliverWebhook(app.webhookUrl, { event: 'pull_request', payload: pullRequestEvent(repo, pull, action), secret: SECRET, deliveryId });
  expect(delivery.status, delivery.body).toBeLessThan(300);
  await app.idle();
  return delivery;
}

const unprocessable = () => github.requests.filter((entry) => entry.status === 422);

describe('the App against a fake GitHub', () => {
  let repo: Repository;
  let pull: PullRequest;
  let firstDeliveryId: string;

  it('reviews an opened PR: one review with the comment on the added line, a failing check with annotations', async () => {
    repo = github.addRepository({ name: 'service', files: { 'service/worker.py': BASE, 'README.md': '# service\n' } });
    pull = github.addPullRequest({ name: 'service', number: 1, changes: { 'service/worker.py': WITH_SLEEP } });
    const delivery = await deliverPullRequest(repo, pull, 'opened');
    firstDeliveryId = delivery.deliveryId;
    // Probot answers GitHub once handlers return; the review runs from the queue.
    expect(delivery.elapsedMs).toBeLessThan(2000);

    const { reviews, comments, checkRuns } = stateOf(repo, pull);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ state: 'COMMENTED', commit_id: pull.headSha });
    expect(comments.map((comment) => [comment.path, comment.line, comment.side])).toEqual([['service/worker.py', SLEEP_LINE, 'RIGHT']]);
    const body = comments[0]!.body;
    expect(body).toContain('blocking-sleep');
    expect(body).toMatch(/```+suggestion\n {4}await asyncio\.sleep\(1\)\n```+/);
    expect(body).not.toContain('time.sleep(5)');

    expect(checkRuns).toHaveLength(1);
    const [run] = checkRuns;
    expect(run).toMatchObject({ name: 'async-review', status: 'completed', conclusion: 'failure' });
    expect(run!.annotations).toEqual([
      expect.objectContaining({ path: 'service/worker.py', start_line: SLEEP_LINE, end_line: SLEEP_LINE, annotation_level: 'failure' }),
    ]);
    expect(run!.output.summary).toContain('blocking-sleep');
    expect(unprocessable()).toEqual([]);
  });

  it('posts nothing new when GitHub redelivers the same webhook', async () => {
    const before = stateOf(repo, pull);
    const writesBefore = github.requests.filter((entry) => entry.route.endsWith('/reviews') && entry.method === 'POST').length;
    await deliverPullRequest(repo, pull, 'opened', firstDeliveryId);
    const after = stateOf(repo, pull);
    expect(after.reviews).toHaveLength(before.reviews.length);
    expect(after.comments).toHaveLength(before.comments.length);
    expect(github.requests.filter((entry) => entry.route.endsWith('/reviews') && entry.method === 'POST')).toHaveLength(writesBefore);
    // Whatever the App did with its check run, none is left in progress.
    expect(after.checkRuns.every((run) => run.status === 'completed')).toBe(true);
    expect(unprocessable()).toEqual([]);
  });

  it('posts nothing new when the check is re-run from the Checks UI', async () => {
    const before = stateOf(repo, pull);
    const payload = checkRunRerequestedEvent(github.state, repo, before.checkRuns[0]!.id);
    const delivery = await deliverWebhook(app.webhookUrl, { event: 'check_run', payload, secret: SECRET });
    expect(delivery.status).toBeLessThan(300);
    await app.idle();
    const after = stateOf(repo, pull);
    expect(after.reviews).toHaveLength(before.reviews.length);
    expect(after.comments).toHaveLength(before.comments.length);
    expect(after.checkRuns.length).toBeGreaterThan(before.checkRuns.length);
    expect(after.checkRuns.at(-1)).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  it('rejects a webhook with a wrong signature and changes nothing', async () => {
    const requestsBefore = github.requests.length;
    const reviewsBefore = github.state.reviews.length;
    const runsBefore = github.state.checkRuns.length;
    const payload = pullRequestEvent(repo, github.pushToPullRequest(1, { 'service/other.py': 'import time\n\nasync def f():\n    time.sleep(2)\n' }), 'synchronize');
    const forged = await deliverWebhook(app.webhookUrl, {
      event: 'pull_request',
      payload,
      secret: SECRET,
      signature: signWebhook(JSON.stringify(payload), 'not-the-secret'),
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
    const unsigned = await deliverWebhook(app.webhookUrl, { event: 'pull_request', payload, secret: SECRET, signature: '' });
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    expect(unsigned.status).toBeLessThan(500);
    await app.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(github.requests).toHaveLength(requestsBefore);
    expect(github.state.reviews).toHaveLength(reviewsBefore);
    expect(github.state.checkRuns).toHaveLength(runsBefore);
  });

  it('on a push, comments only the new finding and resolves the thread of a finding that is gone', async () => {
    // The push above (delivered with a bad signature, so never reviewed) added service/other.py; this one
    // also fixes the handler.
    github.pushToPullRequest(1, { 'service/worker.py': WITH_SLEEP.replace('    time.sleep(1)', '    await asyncio.sleep(1)') });
    const oldThread = stateOf(repo, pull).threads[0]!;
    await deliverPullRequest(repo, pull, 'synchronize');
    const { reviews, comments, checkRuns, threads } = stateOf(repo, pull);
    expect(reviews).toHaveLength(2);
    expect(comments.slice(1).map((comment) => [comment.path, comment.line])).toEqual([['service/other.py', 4]]);
    expect(threads.find((thread) => thread.id === oldThread.id)).toMatchObject({ isResolved: true });
    expect(checkRuns.at(-1)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(github.requests.some((entry) => entry.graphql?.operation === 'mutation')).toBe(true);
    expect(unprocessable()).toEqual([]);
  });

  it('on a push that only moves a finding, posts nothing new and resolves nothing', async () => {
    github.pushToPullRequest(1, { 'service/other.py': '"""Other."""\n\nimport time\n\nasync def f():\n    time.sleep(2)\n' });
    const before = stateOf(repo, pull);
    const openThreads = before.threads.filter((thread) => !thread.isResolved).length;
    await deliverPullRequest(repo, pull, 'synchronize');
    const after = stateOf(repo, pull);
    expect(after.reviews).toHaveLength(before.reviews.length);
    expect(after.comments).toHaveLength(before.comments.length);
    expect(after.threads.filter((thread) => !thread.isResolved)).toHaveLength(openThreads);
    expect(after.checkRuns.at(-1)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(after.checkRuns.at(-1)!.annotations).toEqual([expect.objectContaining({ path: 'service/other.py', start_line: 6 })]);
  });

  it('caps inline comments at 30, lists the rest in the summary, and sends annotations 50 at a time', async () => {
    const many = ['import time', '', ...Array.from({ length: 60 }, (_, index) => `async def task_${index}():\n    time.sleep(${index})\n`)].join('\n');
    const manyPull = github.addPullRequest({ name: 'service', number: 4, changes: { 'service/many.py': many } });
    await deliverPullRequest(repo, manyPull, 'opened');
    const { reviews, comments, checkRuns } = stateOf(repo, manyPull);
    expect(unprocessable()).toEqual([]);
    expect(reviews).toHaveLength(1);
    expect(comments).toHaveLength(30);
    const [run] = checkRuns;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run!.annotations).toHaveLength(60);
    const updates = github.requests.filter((entry) => entry.method === 'PATCH' && entry.route.endsWith(`/check-runs/${run!.id}`));
    const sizes = updates.map((entry) => ((entry.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(60);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(run!.output.summary).toContain('over the inline comment limit');
  });

  it('never sends a comment outside the hunks, even when the config asks for findings anywhere in the file', async () => {
    const fileMode = github.addRepository({
      name: 'file-mode',
      files: { '.github/async-review.yml': 'filter: file\n', 'service/worker.py': BASE },
    });
    const filePull = github.addPullRequest({ name: 'file-mode', number: 1, changes: { 'service/worker.py': WITH_SLEEP } });
    await deliverPullRequest(fileMode, filePull, 'opened');
    const { reviews, comments, checkRuns } = stateOf(fileMode, filePull);
    expect(unprocessable()).toEqual([]);
    expect(reviews).toHaveLength(1);
    expect(comments.map((comment) => comment.line)).toEqual([SLEEP_LINE]);
    const [run] = checkRuns;
    expect(run).toMatchObject({ status: 'completed' });
    // The finding the diff cannot hold is told in the summary instead.
    expect(run!.output.summary).toContain(`service/worker.py:${LEGACY_LINE}`);
  });

  it('gives a PR without Python files a successful check and no review', async () => {
    const docs = github.addPullRequest({ name: 'service', number: 2, changes: { 'README.md': '# service\n\nNow with docs.\n' } });
    await deliverPullRequest(repo, docs, 'opened');
    const { reviews, checkRuns } = stateOf(repo, docs);
    expect(reviews).toHaveLength(0);
    expect(checkRuns).toHaveLength(1);
    expect(checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('reads a file GraphQL truncates (over 512 000 bytes) from its git blob and comments on its last lines', async () => {
    const padding = Array.from({ length: 600 }, (_, index) => `DATA_${index} = "${'x'.repeat(1000)}"`).join('\n');
    const big = `import time\n${padding}\n\nasync def at_the_end():\n    time.sleep(3)\n`;
    const bigLine = big.split('\n').indexOf('    time.sleep(3)') + 1;
    const bigPull = github.addPullRequest({ name: 'service', number: 3, changes: { 'service/big.py': big } });
    await deliverPullRequest(repo, bigPull, 'opened');
    expect(github.requests.some((entry) => entry.route.includes('/git/blobs/'))).toBe(true);
    const { comments, checkRuns } = stateOf(repo, bigPull);
    expect(comments.map((comment) => [comment.path, comment.line])).toEqual([['service/big.py', bigLine]]);
    expect(checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  it('completes the check and says why when GitHub refuses the review', async () => {
    const faulty = github.addRepository({ name: 'faulty', files: { 'service/worker.py': BASE } });
    const faultyPull = github.addPullRequest({ name: 'faulty', number: 1, changes: { 'service/worker.py': WITH_SLEEP } });
    github.injectFault({ method: 'POST', route: '/repos/octo-org/faulty/pulls/1/reviews', status: 422, body: { message: 'Unprocessable Entity', errors: ['Injected by the test'] } });
    await deliverPullRequest(faulty, faultyPull, 'opened');
    const { reviews, checkRuns } = stateOf(faulty, faultyPull);
    expect(reviews).toHaveLength(0);
    expect(checkRuns).toHaveLength(1);
    expect(checkRuns[0]!.status).toBe('completed');
    expect(checkRuns[0]!.output.summary).toContain('422');
  });

  it('answers its health route', async () => {
    const response = await fetch(`${app.url}/health`);
    expect(response.status).toBe(200);
  });
});
