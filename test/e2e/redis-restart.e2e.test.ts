// Redis mode, the only App process SIGKILLed mid-review (API latency injected, so reviews are in flight) and
// started again: the queue in Redis still holds the reviews, the new process takes them up once the dead
// one's locks expire, and each completes exactly once with no comment posted twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appKeys, startAppServer, type AppServer } from '../../bench/app-server.js';
import { startFakeGitHub, type FakeGitHub, type PullRequest } from '../fake-github/server.js';
import { deliverWebhook, pullRequestEvent } from '../fake-github/webhooks.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { until } from '../helpers/until.js';

const keys = appKeys();
const settings = { REVIEW_CONCURRENCY: '2', REDIS_JOB_LOCK_MS: '2000' };
const module = (i: number) => `import asyncio\nimport time\n\n\nasync def poll_${i}():\n    time.sleep(1)\n`;

let redis: RedisServer;
let github: FakeGitHub;
const apps: AppServer[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  github = await startFakeGitHub({ appId: keys.appId, appPublicKey: keys.publicKey, latencyMs: 400 });
});

afterAll(async () => {
  for (const app of apps) await app.stop();
  await github?.close();
  await redis?.stop();
});


describe('Redis mode, the App killed and restarted', () => {
  it('completes the reviews the killed App had queued and running, once each', async () => {
    const first = await startAppServer(keys, github.host, [], { ...settings, REDIS_URL: redis.url });
    apps.push(first);
    const repo = github.addRepository({ name: 'jobs', files: { 'README.md': '# jobs\n' } });
    // Two run at once, the third waits in Redis.
    const pulls: PullRequest[] = [1, 2, 3].map((number) => github.addPullRequest({ name: 'jobs', number, changes: { [`jobs/poll_${number}.py`]: module(number) } }));
    for (const pull of pulls) {
      const delivery = await deliverWebhook(first.webhookUrl, { event: 'pull_request', payload: pullRequestEvent(repo, pull, 'opened'), secret: keys.secret });
      expect(delivery.status, delivery.body).toBeLessThan(300);
    }
    await until(() => github.state.checkRuns.length >= 2, () => 'timed out waiting for two reviews in flight', 30_000, 50);
    await first.kill('SIGKILL');
    const reviewedBeforeKill = github.state.checkRuns.filter((run) => run.status === 'completed').length;
    expect(reviewedBeforeKill).toBe(0);

    const second = await startAppServer(keys, github.host, [], { ...settings, REDIS_URL: redis.url });
    apps.push(second);
    // Slow on purpose: Probot's throttle keeps its state in the same Redis, and a write slot the killed process
    // held is freed by Bottleneck's job expiration (60 s), so the new process's first write waits that long.
    const completed = (pull: PullRequest) => github.state.checkRuns.filter((run) => run.head_sha === pull.headSha && run.status === 'completed');
    await until(() => pulls.every((pull) => completed(pull).length >= 1), () => 'timed out waiting for every head reviewed after the restart', 90_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    for (const pull of pulls) {
      expect(completed(pull), `#${pull.number}`).toHaveLength(1);
      const comments = github.state.reviewComments.filter((comment) => comment.repository === repo.fullName && comment.pull_number === pull.number);
      expect(comments, `#${pull.number}`).toHaveLength(1);
    }
    expect(github.requests.filter((entry) => entry.status === 422)).toEqual([]);
  }, 150_000);
});
