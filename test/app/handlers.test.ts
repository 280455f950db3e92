import nock from 'nock';
import type { Probot } from 'probot';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReviewQueue, reviewQueue, type ReviewJob } from '../../src/app/queue.js';
import {
  addedPatch,
  createProbot,
  examplePayload,
  HEAD_SHA,
  mockAccessToken,
  mockCheckRunCreation,
  mockCheckRunUpdates,
  mockFileList,
  mockSnapshot,
  newRecorded,
  type Recorded,
  mockReview,
  mockResolveMutation,
} from './github-mock.js';

const BLOCKING = 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n';
const CLEAN = 'import asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)\n';
const files = [{ filename: 'app/poll.py', status: 'added' as const, patch: addedPatch(CLEAN) }];

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

function mockOneRun(): void {
  mockAccessToken();
  mockCheckRunCreation(recorded);
  mockFileList(recorded, files);
  mockSnapshot(recorded, { files, contents: { 'app/poll.py': CLEAN } });
  mockCheckRunUpdates(recorded);
}

/** GitHub's re-run of our check on HEAD_SHA, in the pull request example's repository. */
function ourCheckRerun(): any {
  const payload = examplePayload('check_run', 'rerequested');
  payload.check_run.name = 'async-review';
  payload.repository = examplePayload('pull_request', 'opened').repository;
  payload.installation = { id: 1 };
  payload.check_run.head_sha = HEAD_SHA;
  return payload;
}

describe('webhook handlers', () => {
  it('coalesces a redelivered pull_request webhook for the same head SHA', async () => {
    mockOneRun();
    const payload = examplePayload('pull_request', 'opened');
    await probot.receive({ id: 'delivery-1', name: 'pull_request', payload });
    await probot.receive({ id: 'delivery-1', name: 'pull_request', payload });
    await reviewQueue.onIdle();
    expect(recorded.checkRunCreations).toHaveLength(1);
  });

  it('reviews each pull request of a re-requested check run, looking them up by commit when not listed', async () => {
    const payload = ourCheckRerun();
    expect(payload.check_run.pull_requests).toEqual([]);
    mockAccessToken();
    nock('https://api.github.com')
      .get(`/repos/Codertocat/Hello-World/commits/${HEAD_SHA}/pulls`)
      .reply(200, [
        { number: 2, state: 'open', head: { sha: HEAD_SHA } },
        { number: 9, state: 'closed', head: { sha: HEAD_SHA } },
      ]);
    mockCheckRunCreation(recorded);
    mockFileList(recorded, files);
    mockSnapshot(recorded, { files, contents: { 'app/poll.py': CLEAN } });
    mockCheckRunUpdates(recorded);
    await probot.receive({ id: 'rerun-1', name: 'check_run', payload });
    await reviewQueue.onIdle();
    expect(recorded.checkRunCreations).toEqual([expect.objectContaining({ head_sha: HEAD_SHA, name: 'async-review' })]);
    expect(recorded.checkRunUpdates[0].conclusion).toBe('success');
  });

  it('completes a re-run of an older commit without touching the pull request\'s review or threads', async () => {
    const payload = ourCheckRerun();
    payload.check_run.pull_requests = [{ number: 2, base: { repo: { id: payload.repository.id } } }];
    mockAccessToken();
    mockCheckRunCreation(recorded);
    mockFileList(recorded, [{ filename: 'app/poll.py', status: 'added' as const, patch: addedPatch(BLOCKING) }]);
    // GitHub says the head moved on; the App's thread on the pull request must stay as it is.
    mockSnapshot(recorded, {
      files, contents: { 'app/poll.py': BLOCKING }, currentHead: 'c'.repeat(40),
      threads: [{ id: 'PRRT_kept', isResolved: false, path: 'app/other.py', body: `x <!-- async-review:fp=${'0'.repeat(20)} -->` }],
    });
    mockCheckRunUpdates(recorded);
    // Offered, so that a review or a resolved thread would be recorded; neither may be used.
    const review = mockReview(recorded);
    const resolve = mockResolveMutation(recorded);
    await probot.receive({ id: 'rerun-old', name: 'check_run', payload });
    await reviewQueue.onIdle();
    expect(recorded.reviews).toEqual([]);
    expect(recorded.mutations).toEqual([]);
    expect(recorded.checkRunUpdates[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(review.isDone() || resolve.isDone()).toBe(false);
    nock.cleanAll();
  });

  it("ignores re-runs of other apps' check runs", async () => {
    const payload = examplePayload('check_run', 'rerequested');
    expect(payload.check_run.name).not.toBe('async-review');
    await probot.receive({ id: 'rerun-2', name: 'check_run', payload });
    await reviewQueue.onIdle();
    expect(recorded.checkRunCreations).toEqual([]);
  });

  it('reviews the pull requests a re-requested check suite lists', async () => {
    const payload = examplePayload('check_suite', 'rerequested');
    payload.installation = { id: 1 };
    expect(payload.check_suite.pull_requests.map((pull: { number: number }) => pull.number)).toEqual([2]);
    mockOneRun();
    await probot.receive({ id: 'suite-1', name: 'check_suite', payload });
    await reviewQueue.onIdle();
    expect(recorded.checkRunCreations).toEqual([expect.objectContaining({ head_sha: payload.check_suite.head_sha })]);
  });

  it('ignores a pull_request webhook without an installation', async () => {
    const payload = examplePayload('pull_request', 'opened');
    delete payload.installation;
    await probot.receive({ id: 'no-installation', name: 'pull_request', payload });
    await reviewQueue.onIdle();
    expect(recorded.checkRunCreations).toEqual([]);
  });

  it('ignores a pull_request webhook without a head commit, and queues nothing', async () => {
    const payload = examplePayload('pull_request', 'opened');
    delete payload.pull_request.head.sha;
    await probot.receive({ id: 'no-head-sha', name: 'pull_request', payload });
    const broken = examplePayload('pull_request', 'opened');
    broken.pull_request.head.sha = 'not-a-sha';
    await probot.receive({ id: 'bad-head-sha', name: 'pull_request', payload: broken });
    expect(reviewQueue.stats).toEqual({ queued: 0, running: 0 });
    await reviewQueue.onIdle();
    expect(recorded.checkRunCreations).toEqual([]);
  });
});

describe('ReviewQueue', () => {
  const job = (headSha: string): ReviewJob => ({ installationId: 1, owner: 'o', repo: 'r', pullNumber: 7, headSha });

  it('skips a queued review whose pull request got a newer head, but not a re-run of an old commit', async () => {
    const queue = new ReviewQueue(1);
    const ran: string[] = [];
    let release!: () => void;
    const blocker = new Promise<void>((resolve) => (release = resolve));
    const run = async (j: ReviewJob) => {
      ran.push(j.headSha);
      if (j.headSha === 'blocker') await blocker;
    };
    const options = { newHead: true, onError: (error: unknown) => { throw error; } };
    queue.enqueue({ ...job('blocker'), pullNumber: 99 }, run, options);
    queue.enqueue(job('sha-1'), run, options);
    queue.enqueue(job('sha-2'), run, options);
    expect(queue.enqueue(job('sha-2'), run, options)).toBe('coalesced');
    queue.enqueue({ ...job('sha-0'), pullNumber: 7 }, run, { ...options, newHead: false });
    release();
    await queue.onIdle();
    expect(ran).toEqual(['blocker', 'sha-2', 'sha-0']);
  });

  it('skips a push that a force-push back to the commit under review superseded (A, then B, then A again)', async () => {
    const queue = new ReviewQueue(1);
    const ran: string[] = [];
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    const run = async (j: ReviewJob) => {
      ran.push(j.headSha);
      if (j.headSha === 'sha-a') await running;
    };
    const options = { newHead: true, onError: (error: unknown) => { throw error; } };
    expect(queue.enqueue(job('sha-a'), run, options)).toBe('queued');
    expect(queue.enqueue(job('sha-b'), run, options)).toBe('queued');
    expect(queue.enqueue(job('sha-a'), run, options)).toBe('coalesced');
    release();
    await queue.onIdle();
    expect(ran).toEqual(['sha-a']);
  });

  it('runs the jobs of one pull request one after another, other pull requests alongside', async () => {
    const queue = new ReviewQueue(4);
    const events: string[] = [];
    const gates = new Map<string, () => void>();
    const run = (j: ReviewJob) =>
      new Promise<void>((resolve) => {
        events.push(`start ${j.pullNumber}@${j.headSha}`);
        gates.set(`${j.pullNumber}@${j.headSha}`, () => {
          events.push(`end ${j.pullNumber}@${j.headSha}`);
          resolve();
        });
      });
    const options = { newHead: false, onError: (error: unknown) => { throw error; } };
    queue.enqueue(job('a'), run, options);
    queue.enqueue(job('b'), run, options);
    queue.enqueue({ ...job('c'), pullNumber: 8 }, run, options);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual(['start 7@a', 'start 8@c']);
    expect(queue.stats).toEqual({ queued: 1, running: 2 });
    gates.get('7@a')!();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual(['start 7@a', 'start 8@c', 'end 7@a', 'start 7@b']);
    gates.get('7@b')!();
    gates.get('8@c')!();
    await queue.onIdle();
    expect(queue.stats).toEqual({ queued: 0, running: 0 });
  });

  it('reports a failing job and keeps going', async () => {
    const queue = new ReviewQueue(1);
    const errors: unknown[] = [];
    const ran: string[] = [];
    const onError = (error: unknown) => errors.push(error);
    queue.enqueue(job('bad'), async () => { throw new Error('boom'); }, { newHead: false, onError });
    queue.enqueue({ ...job('good'), pullNumber: 8 }, async (j) => { ran.push(j.headSha); }, { newHead: false, onError });
    await queue.onIdle();
    expect(errors.map((error) => (error as Error).message)).toEqual(['boom']);
    expect(ran).toEqual(['good']);
    // A finished job can be queued again (a later re-run of the same SHA).
    expect(queue.enqueue(job('bad'), async () => {}, { newHead: false, onError })).toBe('queued');
    await queue.onIdle();
  });
});
