// Part 4: webhook intake. 200 signed `pull_request.opened` deliveries (one per PR of the fake GitHub) sent at
// once over loopback to the real App process; the latency of each answer is what GitHub waits for.
import { startFakeGitHub } from "../test/fake-github/server.js";
import { appKeys, startAppServer } from "./app-server.js";
import { percentile } from "./measure.js";
import type { IntakeResults } from "./results.js";
import { deliverWebhook, pullRequestPayload } from "./webhooks.js";

const module = (i: number) => `import asyncio\nimport time\n\n\nasync def handler_${i}(request):\n    time.sleep(0.1)\n    return await request.json()\n`;

export async function measureIntake(deliveries = 200): Promise<IntakeResults> {
  const keys = appKeys();
  const github = await startFakeGitHub({ latencyMs: 0, appId: keys.appId, appPublicKey: keys.publicKey });
  const repo = github.addRepository({ files: { "README.md": "service\n" } });
  const pulls = Array.from({ length: deliveries + 1 }, (_, i) => github.addPullRequest({ changes: { [`handlers/h${i}.py`]: module(i) } }));
  const app = await startAppServer(keys, github.host);
  try {
    // One delivery first, so that the figures are of a running server, not of its first request.
    await deliverWebhook(app.webhookUrl, keys.secret, "pull_request", pullRequestPayload(github.url, repo, pulls[0]!));
    const answers = await Promise.all(pulls.slice(1).map((pull) => deliverWebhook(app.webhookUrl, keys.secret, "pull_request", pullRequestPayload(github.url, repo, pull))));
    const latencies = answers.map((a) => a.ms);
    const statusCounts: Record<string, number> = {};
    for (const a of answers) statusCounts[a.status] = (statusCounts[a.status] ?? 0) + 1;
    return { deliveries, concurrency: deliveries, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: Math.max(...latencies), statusCounts };
  } finally {
    await app.stop();
    await github.close();
  }
}
