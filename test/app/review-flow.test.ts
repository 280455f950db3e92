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
function mockRun(state: PullState, options: { review?: boolean; updates?: number } = {}): void {
  mockAccessToken();
  mockCheckRunCreation(recorded);
  mockFileList(recorded, state.files);
  mockSnapshot(recorded, state);
  if (options.review) mockReview(recorded);
  mockCheckRunUpdates(recorded, options.updates ?? 1);
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
