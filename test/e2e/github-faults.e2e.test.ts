// GitHub fails the ways it documents, and the App still reviews each commit exactly once: the real Probot
// server over HTTP with signed webhooks, against the fake GitHub with faults injected.
// - a write GitHub applied but answered 502 is read back, not posted again;
// - a secondary rate limit (403 + Retry-After) is waited out, on the token request too;
// - a token endpoint that stays down holds a review no longer than its deadline; the job runs again later.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGitHub, PullRequest, Repository } from '../fake-github/server.js';
import { deliverWebhook, pullRequestEvent } from '../fake-github/webhooks.js';
import { generateAppKeys, startAppWithFakeGitHub, stopAppAndFakeGitHub, type RunningApp } from './app-server.js';

// Read by the App from the process environment: a short deadline and quick retries keep the test short.
process.env.REVIEW_DEADLINE_SECONDS = '3';
process.env.GITHUB_RETRY_BASE_MS = '100';
process.env.RETRY_DELAY_SECONDS = '1';

const SECRET = 'faults-secret';
const keys = generateAppKeys();
const BASE = 'import asyncio\n\n\nasync def handler(request):\n    return request\n';
const BLOCKING = 'import asyncio\nimport time\n\n\nasync def handler(request):\n    time.sleep(1)\n    return request\n';

let github: FakeGitHub;
let app: RunningApp;
let repo: Repository;
let nextPull = 1;

beforeAll(async () => {
  ({ github, app } = await startAppWithFakeGitHub(keys, SECRET));
  repo = github.addRepository({ name: 'service', files: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`service/m${i}.py`, BASE])) });
});
afterAll(async () => {
  await stopAppAndFakeGitHub(app, github);
});
beforeEach(() => {
  github.requests.length = 0;
});

function newPull(): PullRequest {
  const number = nextPull++;
  return github.addPullRequest({ name: 'service', number, changes: { [`service/m${number}.py`]: BLOCKING } });
}

function stateOf(pull: PullRequest) {
  const state = github.state;
  return {
    reviews: state.reviews.filter((r) => r.repository === repo.fullName && r.pull_number === pull.number),
    comments: state.reviewComments.filter((c) => c.repository === repo.fullName && c.pull_number === pull.number),
    checkRuns: state.checkRuns.filter((r) => r.repository === repo.fullName && r.head_sha === pull.headSha),
  };
}

async function deliver(pull: PullRequest): Promise<void> {
  const delivery = await deliverWebhook(app.webhookUrl, { event: 'pull_request', payload: pullRequestEvent(repo, pull, 'opened'), secret: SECRET });
  expect(delivery.status, delivery.body).toBeLessThan(300);
}

async function waitUntilReviewed(pull: PullRequest, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { checkRuns } = stateOf(pull);
    if (checkRuns.length > 0 && checkRuns.every((run) => run.status === 'completed') && github.inFlight === 0) {
      await app.idle();
      return;
    }
    if (Date.now() > deadline) throw new Error(`PR #${pull.number} not reviewed: ${JSON.stringify(checkRuns)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const posts = (suffix: string) => github.requests.filter((entry) => entry.method === 'POST' && entry.route.endsWith(suffix));

describe('GitHub faults', () => {
  it('a check run created but answered 502 is found again by its external_id: one check run, completed', async () => {
    const pull = newPull();
    github.injectFault({ method: 'POST', route: `/repos/${repo.fullName}/check-runs`, status: 502, afterApply: true });
    await deliver(pull);
    await waitUntilReviewed(pull);
    const { checkRuns, reviews, comments } = stateOf(pull);
    expect(posts('/check-runs')).toHaveLength(1);
    expect(checkRuns.map((run) => [run.status, run.conclusion])).toEqual([['completed', 'failure']]);
    expect(reviews).toHaveLength(1);
    expect(comments).toHaveLength(1);
  });

  it('a review posted but answered 502 is found again by its marker: posted once', async () => {
    const pull = newPull();
    github.injectFault({ method: 'POST', route: `/repos/${repo.fullName}/pulls/${pull.number}/reviews`, status: 502, afterApply: true });
    await deliver(pull);
    await waitUntilReviewed(pull);
    const { checkRuns, reviews, comments } = stateOf(pull);
    expect(posts('/reviews')).toHaveLength(1);
    expect(github.requests.some((entry) => entry.method === 'GET' && entry.route.endsWith(`/pulls/${pull.number}/reviews`))).toBe(true);
    expect(reviews).toHaveLength(1);
    expect(comments).toHaveLength(1);
    expect(checkRuns.map((run) => run.conclusion)).toEqual(['failure']);
    // The check does not say the review failed: it went through.
    expect(checkRuns[0]!.output.summary).not.toContain('could not be posted');
  });

  it('a review that failed 502 without being applied is posted again after reading back that it is missing', async () => {
    const pull = newPull();
    github.injectFault({ method: 'POST', route: `/repos/${repo.fullName}/pulls/${pull.number}/reviews`, status: 502 });
    await deliver(pull);
    await waitUntilReviewed(pull);
    expect(posts('/reviews')).toHaveLength(2);
    expect(stateOf(pull).reviews).toHaveLength(1);
    expect(stateOf(pull).comments).toHaveLength(1);
  });

  it('a secondary rate limit (403 + Retry-After) is waited out, on the token request and on a write', async () => {
    const pull = newPull();
    const rateLimited = { status: 403, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit.', documentation_url: 'https://docs.github.com' } };
    github.injectFault({ method: 'POST', route: /^\/app\/installations\/\d+\/access_tokens$/, ...rateLimited });
    github.injectFault({ method: 'POST', route: `/repos/${repo.fullName}/check-runs`, ...rateLimited });
    const started = Date.now();
    await deliver(pull);
    await waitUntilReviewed(pull);
    const { checkRuns, reviews } = stateOf(pull);
    expect(checkRuns.map((run) => run.conclusion)).toEqual(['failure']);
    expect(reviews).toHaveLength(1);
    const limited = github.requests.filter((entry) => entry.status === 403);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    // Each retry came after the second GitHub asked for.
    for (const entry of limited) {
      const next = github.requests.find((later) => later.route === entry.route && later.method === entry.method && later.startedAt > entry.finishedAt);
      expect(next!.startedAt - entry.finishedAt).toBeGreaterThanOrEqual(950);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('with the token endpoint down, a review gives up at its deadline, and the job runs again once it is back', async () => {
    // An installation whose token the App has not cached yet.
    const other = github.addRepository({ name: 'other', installationId: 77, files: { 'service/m0.py': BASE } });
    const pull = github.addPullRequest({ name: 'other', number: 1, changes: { 'service/m0.py': BLOCKING } });
    const tokenRoute = /^\/app\/installations\/77\/access_tokens$/;
    github.injectFault({ method: 'POST', route: tokenRoute, status: 502, times: 1_000 });
    // The job's next attempt comes 5 s after the first gave up, when the endpoint is back.
    process.env.RETRY_DELAY_SECONDS = '5';
    const delivery = await deliverWebhook(app.webhookUrl, { event: 'pull_request', payload: pullRequestEvent(other, pull, 'opened'), secret: SECRET });
    expect(delivery.status).toBeLessThan(300);
    // Deadline 3 s: the attempt stops within it (plus one backoff step), having opened nothing.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const tokenRequests = github.requests.filter((entry) => tokenRoute.test(entry.route));
    expect(tokenRequests.length).toBeGreaterThan(1);
    // No retry starts past the deadline.
    expect(tokenRequests.at(-1)!.startedAt - tokenRequests[0]!.startedAt).toBeLessThan(3_200);
    const runsOf = () => github.state.checkRuns.filter((run) => run.repository === other.fullName);
    expect(runsOf()).toEqual([]);
    // GitHub is back: the retried job reviews the commit.
    github.clearFaults(tokenRoute);
    const deadline = Date.now() + 25_000;
    while (!(runsOf().length > 0 && runsOf().every((run) => run.status === 'completed'))) {
      if (Date.now() > deadline) throw new Error('not reviewed after the token endpoint came back');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await app.idle();
    process.env.RETRY_DELAY_SECONDS = '1';
    expect(runsOf().map((run) => run.conclusion), JSON.stringify(runsOf().map((run) => run.output))).toEqual(['failure']);
    expect(github.state.reviews.filter((review) => review.repository === other.fullName)).toHaveLength(1);
  });

  it('a check run whose completion keeps failing past the deadline still ends, and the job runs again without posting twice', async () => {
    const pull = newPull();
    github.injectFault({ method: 'PATCH', route: /^\/repos\/octo-org\/service\/check-runs\/\d+$/, status: 502, times: 25 });
    await deliver(pull);
    const deadline = Date.now() + 60_000;
    while (!stateOf(pull).checkRuns.some((run) => run.conclusion === 'failure')) {
      if (Date.now() > deadline) throw new Error(`check run still open: ${JSON.stringify(stateOf(pull).checkRuns)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await app.idle();
    const { checkRuns, reviews, comments } = stateOf(pull);
    // The first attempt's run ends neutral ("could not finish", within its grace period); the next attempt's
    // run carries the review's conclusion. None is left in progress.
    expect(checkRuns.map((run) => [run.status, run.conclusion])).toEqual([['completed', 'neutral'], ['completed', 'failure']]);
    expect(checkRuns[0]!.output.summary).toContain('tries again');
    expect(reviews).toHaveLength(1);
    expect(comments).toHaveLength(1);
    expect(github.requests.filter((entry) => entry.method === 'PATCH' && entry.status === 502)).toHaveLength(25);
  }, 90_000);
});
