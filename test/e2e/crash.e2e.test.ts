// Crash and redeploy, embedded mode: the built App runs as its own process against a fake GitHub with
// latency, so reviews are mid-flight when it is killed. Restarted on the same data directory, it takes its
// journaled jobs up again: every review completes exactly once, with no duplicate comment, and no check
// run is left in progress. (Run `npm run build` first: the process runs dist/.)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub, type PullRequest, type Repository } from '../fake-github/server.js';
import { deliverWebhook, pullRequestEvent } from '../fake-github/webhooks.js';
import { startAppProcess, type AppProcess } from './app-process.js';
import { generateAppKeys } from './app-server.js';

const SECRET = 'crash-secret';
const keys = generateAppKeys();
const BASE = 'import asyncio\n\n\nasync def handler(request):\n    return request\n';
const BLOCKING = 'import asyncio\nimport time\n\n\nasync def handler(request):\n    time.sleep(1)\n    return request\n';

let github: FakeGitHub | undefined;
const apps: AppProcess[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
  await github?.close();
});

async function setUp(pulls: number, latencyMs: number): Promise<{ repo: Repository; pulls: PullRequest[] }> {
  github = await startFakeGitHub({ appId: keys.appId, appPublicKey: keys.publicKey, latencyMs });
  const repo = github.addRepository({ name: 'service', files: Object.fromEntries(Array.from({ length: pulls }, (_, i) => [`service/m${i}.py`, BASE])) });
  const created = Array.from({ length: pulls }, (_, i) => github!.addPullRequest({ name: 'service', number: i + 1, changes: { [`service/m${i}.py`]: BLOCKING } }));
  return { repo, pulls: created };
}

async function deliverAll(app: AppProcess, repo: Repository, pulls: PullRequest[]): Promise<void> {
  for (const pull of pulls) {
    const delivery = await deliverWebhook(app.webhookUrl, { event: 'pull_request', payload: pullRequestEvent(repo, pull, 'opened'), secret: SECRET });
    expect(delivery.status, delivery.body).toBeLessThan(300);
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function summary(repo: Repository, pulls: PullRequest[]) {
  const state = github!.state;
  return pulls.map((pull) => ({
    pull: pull.number,
    reviews: state.reviews.filter((r) => r.repository === repo.fullName && r.pull_number === pull.number).length,
    comments: state.reviewComments.filter((c) => c.repository === repo.fullName && c.pull_number === pull.number).length,
    checkRuns: state.checkRuns.filter((r) => r.repository === repo.fullName && r.head_sha === pull.headSha).map((r) => `${r.status}:${r.conclusion}`),
  }));
}

const allDone = (repo: Repository, pulls: PullRequest[]) => () =>
  summary(repo, pulls).every((entry) => entry.reviews === 1 && entry.checkRuns.length > 0 && entry.checkRuns.every((run) => run.startsWith('completed')));

describe('crash recovery (embedded mode)', () => {
  it('SIGKILL mid-review: the restarted App completes every review exactly once, with the check runs it had opened', async () => {
    const { repo, pulls } = await setUp(6, 400);
    const dataDir = mkdtempSync(join(tmpdir(), 'async-review-crash-'));
    const first = await startAppProcess(github!, keys, SECRET, dataDir);
    apps.push(first);
    await deliverAll(first, repo, pulls);
    // Mid-flight: some check runs open, not every review posted.
    await waitFor(() => github!.state.checkRuns.filter((run) => run.status === 'in_progress').length >= 2, 30_000, 'check runs in progress');
    const journal = JSON.parse(readFileSync(join(dataDir, 'jobs.json'), 'utf8'));
    first.child.kill('SIGKILL');
    await first.exited;
    expect(journal.jobs.length).toBeGreaterThan(0);
    const before = summary(repo, pulls);
    expect(before.some((entry) => entry.checkRuns.some((run) => run.startsWith('in_progress')))).toBe(true);
    expect(before.filter((entry) => entry.reviews === 1).length).toBeLessThan(pulls.length);

    const second = await startAppProcess(github!, keys, SECRET, dataDir);
    apps.push(second);
    await waitFor(allDone(repo, pulls), 90_000, 'every review after the restart');
    // Let anything still queued settle, then check nothing more was written.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const entry of summary(repo, pulls)) {
      expect(entry, JSON.stringify(entry)).toMatchObject({ reviews: 1, comments: 1 });
      // The run opened before the crash is the one completed: one check run per head, failing (the sleep).
      expect(entry.checkRuns, JSON.stringify(entry)).toEqual(['completed:failure']);
    }
    expect(second.output()).toContain('resuming');
    const after = JSON.parse(readFileSync(join(dataDir, 'jobs.json'), 'utf8'));
    expect(after.jobs).toEqual([]);
  }, 150_000);

  it('SIGTERM with slow GitHub: the drain completes the check runs it interrupts, exits in time, and the next start reviews those commits', async () => {
    const { repo, pulls } = await setUp(3, 1_500);
    const dataDir = mkdtempSync(join(tmpdir(), 'async-review-drain-'));
    const first = await startAppProcess(github!, keys, SECRET, dataDir, { SHUTDOWN_TIMEOUT_SECONDS: '6' });
    apps.push(first);
    await deliverAll(first, repo, pulls);
    await waitFor(() => github!.state.checkRuns.some((run) => run.status === 'in_progress'), 30_000, 'a check run in progress');
    const stoppedAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited, first.output()).toBe(0);
    if (process.env.E2E_KEEP_LOGS) console.log(dataDir, first.output());
    expect(Date.now() - stoppedAt).toBeLessThan(9_000);
    // Wait for the fake to apply what was sent before the exit, then: nothing left in progress.
    await waitFor(() => github!.inFlight === 0, 10_000, 'the fake to settle');
    expect(github!.state.checkRuns.filter((run) => run.status !== 'completed')).toEqual([]);

    const second = await startAppProcess(github!, keys, SECRET, dataDir);
    apps.push(second);
    await waitFor(allDone(repo, pulls), 90_000, 'every review after the restart');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const entry of summary(repo, pulls)) {
      expect(entry, JSON.stringify(entry)).toMatchObject({ reviews: 1, comments: 1 });
      expect(entry.checkRuns.every((run) => run.startsWith('completed')), JSON.stringify(entry)).toBe(true);
      // The last word on the commit is the review's (an interrupted run is neutral; the final one failing).
      expect(entry.checkRuns[entry.checkRuns.length - 1]).toBe('completed:failure');
    }
  }, 150_000);
});
