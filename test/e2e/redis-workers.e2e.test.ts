// Redis mode end to end: a real redis-server, a real App process (`probot run dist/src/index.js`, taking
// signed webhooks over HTTP and running reviews) and a real worker process (`node dist/src/worker.js`), both
// on the fake GitHub with API latency so that reviews are mid-flight when the worker is SIGKILLed.
// The App's worker takes up the dead worker's reviews: each head ends with exactly one check run, the one
// opened before the kill, completed; no comment is posted twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKeys, startAppServer, startWorkerProcess, type AppServer, type WorkerProcess } from '../../bench/app-server.js';
import { startFakeGitHub, type FakeGitHub, type PullRequest, type Repository } from '../fake-github/server.js';
import { deliverWebhook, pullRequestEvent } from '../fake-github/webhooks.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { until } from '../helpers/until.js';

const keys = appKeys();
const PULLS = 4;
/** Each worker runs two reviews at once, so with four in flight each holds two. */
const settings = { REVIEW_CONCURRENCY: '2', REDIS_JOB_LOCK_MS: '2000' };

const module = (i: number) => `import asyncio\nimport time\n\n\nasync def handler_${i}(request):\n    time.sleep(0.1)\n    return await request.json()\n`;

let redis: RedisServer;
let github: FakeGitHub;
let app: AppServer;
let worker: WorkerProcess;

beforeAll(async () => {
  redis = await startRedisServer();
  github = await startFakeGitHub({ appId: keys.appId, appPublicKey: keys.publicKey, latencyMs: 400 });
  app = await startAppServer(keys, github.host, [], { ...settings, REDIS_URL: redis.url });
  worker = await startWorkerProcess(keys, github.host, redis.url, settings);
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await app?.stop();
  await github?.close();
  await redis?.stop();
});


describe('Redis mode with two workers', () => {
  it('finishes the reviews of a worker SIGKILLed mid-review on the other worker, each exactly once', async () => {
    const repo: Repository = github.addRepository({ name: 'service', files: { 'README.md': '# service\n' } });
    const pulls: PullRequest[] = Array.from({ length: PULLS }, (_, i) =>
      github.addPullRequest({ name: 'service', number: i + 1, changes: { [`service/handler_${i}.py`]: module(i) } }),
    );
    for (const pull of pulls) {
      const delivery = await deliverWebhook(app.webhookUrl, { event: 'pull_request', payload: pullRequestEvent(repo, pull, 'opened'), secret: keys.secret });
      expect(delivery.status, delivery.body).toBeLessThan(300);
      // GitHub's redelivery of the same delivery while it is queued: coalesced.
      await deliverWebhook(app.webhookUrl, { event: 'pull_request', payload: pullRequestEvent(repo, pull, 'opened'), secret: keys.secret, deliveryId: delivery.deliveryId });
    }
    // Four reviews started (each opens its check run first): two on each worker, all mid-flight.
    await until(() => github.state.checkRuns.length >= PULLS, () => 'timed out waiting for four check runs', 30_000, 50);
    await worker.kill('SIGKILL');
    const createdBeforeKill = new Set(github.state.checkRuns.map((run) => run.id));

    const completed = (pull: PullRequest) => github.state.checkRuns.filter((run) => run.head_sha === pull.headSha && run.status === 'completed');
    await until(() => pulls.every((pull) => completed(pull).length >= 1), () => 'timed out waiting for a completed check run on every head', 90_000, 50);
    // Let anything still running settle before counting.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    for (const pull of pulls) {
      expect(completed(pull), `#${pull.number}`).toHaveLength(1);
      expect(completed(pull)[0]!.conclusion).toBe('failure');
      const comments = github.state.reviewComments.filter((comment) => comment.pull_number === pull.number);
      expect(comments, `#${pull.number}`).toHaveLength(1);
      expect(comments[0]!.body).toContain('blocking-sleep');
    }
    // The killed worker really was reviewing: its pull requests were read again from the start by the App.
    const fileListings = (number: number) => github.requests.filter((entry) => entry.method === 'GET' && entry.route.endsWith(`/pulls/${number}/files`)).length;
    const restarted = pulls.filter((pull) => fileListings(pull.number) > 1);
    expect(restarted.length).toBeGreaterThanOrEqual(1);
    expect(pulls.every((pull) => fileListings(pull.number) <= 2)).toBe(true);
    // No check run stays in progress, the dead worker's included: the next attempt completed the one the dead
    // attempt opened (recorded in Redis with the job) instead of opening a second one.
    expect(github.state.checkRuns.filter((run) => run.status !== 'completed').map((run) => run.id)).toEqual([]);
    for (const pull of pulls) {
      const runs = github.state.checkRuns.filter((run) => run.head_sha === pull.headSha);
      expect(runs.map((run) => run.id), `#${pull.number}`).toHaveLength(1);
      expect(createdBeforeKill.has(runs[0]!.id), `#${pull.number}: its check run is the one opened before the kill`).toBe(true);
    }
    expect(github.requests.filter((entry) => entry.status === 422)).toEqual([]);
  }, 150_000);

  it('is ready while Redis answers, and says it is not when Redis is gone', async () => {
    const ready = await fetch(`${app.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok' } });
    const health = await (await fetch(`${app.url}/health`)).json();
    expect(health).toEqual({ status: 'ok', queue: { queued: 0, running: 0 } });
    // /metrics counts the shared queue in Redis, and the reviews this process ran.
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/^async_review_queue_depth\{state="queued"\} 0$/m);
    expect(metrics).toMatch(/^async_review_queue_depth\{state="running"\} 0$/m);
    expect(metrics).toMatch(/^async_review_reviews_total\{outcome="failure"\} [1-9]/m);

    await redis.stop();
    const unready = await fetch(`${app.url}/ready`);
    expect(unready.status).toBe(503);
    expect(await unready.json()).toMatchObject({ status: 'not ready', checks: { redis: expect.any(String) } });
    // Liveness does not depend on Redis: a load balancer stops sending, the orchestrator does not restart.
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    // A webhook that cannot be queued is answered 500 at once, so GitHub shows it as failed (to redeliver).
    const pull = github.addPullRequest({ name: 'service', number: 99, changes: { 'service/late.py': module(99) } });
    const repo = github.state.repositories.get('octo-org/service')!;
    const delivery = await deliverWebhook(app.webhookUrl, { event: 'pull_request', payload: pullRequestEvent(repo, pull, 'opened'), secret: keys.secret });
    expect(delivery.status).toBe(500);
    expect(delivery.elapsedMs).toBeLessThan(5_000);
  }, 30_000);
});
