// Deliveries out of order: a late event for an older commit must not cost the newest push its review, and a
// redelivery of a head already reviewed opens no second check run. The review itself is stubbed here (its
// stale-head check is tested in review-flow.test.ts); what is tested is what the handlers and the queue do
// with its answer.
import nock from 'nock';
import type { Probot } from 'probot';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const reviewed: string[] = [];
/** GitHub's head of the pull request, as the stubbed review reads it. */
let githubHead = '';
/** A review of this commit waits until released: later deliveries queue up behind it. */
let gate: { sha: string; released: Promise<void> } | null = null;

vi.mock('../../src/app/review-pull-request.js', () => ({
  reviewPullRequest: async (request: { headSha: string; rerun?: boolean }) => {
    if (gate?.sha === request.headSha) await gate.released;
    reviewed.push(request.headSha);
    const stale = request.headSha !== githubHead && !request.rerun;
    return { conclusion: stale ? 'neutral' : 'success', commentsPosted: 0, threadsResolved: 0, ...(stale ? { supersededBy: githubHead } : {}) };
  },
}));

const { createProbot, examplePayload, mockAccessToken } = await import('./github-mock.js');
const { reviewQueue } = await import('../../src/app/queue.js');

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
let probot: Probot;

function push(action: 'opened' | 'synchronize', sha: string, id: string) {
  const payload = examplePayload('pull_request', action);
  payload.pull_request.head.sha = sha;
  return probot.receive({ id, name: 'pull_request', payload });
}

beforeAll(() => nock.disableNetConnect());
beforeEach(async () => {
  nock.cleanAll();
  reviewed.length = 0;
  reviewQueue.forgetReviewed();
  probot = await createProbot();
  // Installation tokens for the reviews (at most one per review).
  for (let i = 0; i < 4; i++) mockAccessToken();
});
afterEach(() => nock.cleanAll());

describe('deliveries out of order', () => {
  it('reviews the newest push when the first push\'s delivery arrives last', async () => {
    const C = 'c'.repeat(40);
    githubHead = B;
    let release!: () => void;
    gate = { sha: C, released: new Promise<void>((resolve) => (release = resolve)) };
    await push('opened', C, 'delivery-c'); // under review while the others arrive
    await push('synchronize', B, 'delivery-b'); // the newest push
    await push('opened', A, 'delivery-a-late'); // an older push's delivery, late: it marks B superseded
    release();
    await reviewQueue.onIdle();
    gate = null;
    // The stale reviews of C (and A, if it runs) post nothing; GitHub's head B is reviewed, once.
    expect(reviewed.filter((sha) => sha === B)).toHaveLength(1);
    expect(reviewed).toContain(C);
  });

  it('opens no second review for a redelivery of a delivery already reviewed, once idle', async () => {
    const D = 'd'.repeat(40);
    const E = 'e'.repeat(40);
    githubHead = D;
    await push('synchronize', D, 'delivery-d');
    await reviewQueue.onIdle();
    await push('synchronize', D, 'delivery-d'); // GitHub's redelivery keeps the id
    await reviewQueue.onIdle();
    expect(reviewed).toEqual([D]);
    // A late redelivery of an older head: its review is superseded, and D (already reviewed) is not run again.
    await push('opened', E, 'delivery-e-redelivered');
    await reviewQueue.onIdle();
    expect(reviewed).toEqual([D, E]);
  });
});
