// Part 3: the App end to end. For each injected API latency and PR size: a fresh fake GitHub holding a PR
// whose every changed module gains a pitfall, a fresh App process, one signed `pull_request.opened`
// delivery, then the fake's request log says when the review was posted and the check run completed, how
// many requests were made and how many had to happen one after another.
import { fileURLToPath } from "node:url";
import { isWrite, sequentialRoundTrips, startFakeGitHub, type FakeGitHub, type RequestLogEntry } from "../test/fake-github/server.js";
import { appKeys, startAppServer, type AppKeys } from "./app-server.js";
import type { AppResults, AppScenario } from "./results.js";
import { deliverWebhook, pullRequestEvent } from "../test/fake-github/webhooks.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nowMs = () => performance.timeOrigin + performance.now();

/** A service module as it is on the default branch… */
function baseModule(i: number): string {
  return `"""Client for upstream service ${i}."""
import asyncio
import time

import aiohttp


class Client${i}:
    def __init__(self, base_url):
        self.base_url = base_url
        self._lock = asyncio.Lock()
        self._tasks = set()

    async def get(self, session, path):
        async with self._lock:
            async with session.get(self.base_url + path) as response:
                return await response.json()

    async def poll(self, session, path, attempts=3):
        for _ in range(attempts):
            data = await self.get(session, path)
            if data:
                return data
            await asyncio.sleep(1)
        return None

    def started_at(self):
        return time.monotonic()
`;
}

/** …and as the PR changes it: the retry now blocks the loop, and every fourth module drops a task. */
function headModule(i: number): string {
  let text = baseModule(i).replace("            await asyncio.sleep(1)\n", "            time.sleep(1)\n");
  if (i % 4 === 0) {
    text += `
    async def warm_up(self, session):
        asyncio.create_task(self.poll(session, "/health"))
`;
  }
  return text;
}

export const prSizes = { full: [1, 10, 100, 1000], quick: [1, 100] };
export const latencies = [0, 100];

/** The figures of one scenario from the fake GitHub's request log (entries made after the delivery). */
export function analyseLog(entries: readonly RequestLogEntry[], deliveredAt: number) {
  const completedCheck = entries.find((e) => e.route.includes("/check-runs") && e.method !== "GET" && e.status < 300 && (e.body as { status?: string; conclusion?: string } | undefined)?.conclusion !== undefined);
  const review = entries.find((e) => /\/pulls\/\d+\/reviews$/.test(e.route) && e.method === "POST" && e.status < 300);
  const annotationRequests = entries.filter((e) => ((e.body as { output?: { annotations?: unknown[] } } | undefined)?.output?.annotations?.length ?? 0) > 0);
  return {
    reviewPostedMs: review ? review.finishedAt - deliveredAt : undefined,
    checkCompletedMs: completedCheck ? completedCheck.finishedAt - deliveredAt : undefined,
    lastRequestMs: entries.length ? Math.max(...entries.map((e) => e.finishedAt)) - deliveredAt : undefined,
    apiRequests: entries.length,
    writes: entries.filter(isWrite).length,
    annotationBatches: annotationRequests.length,
    requestsBeyondFirstAnnotationBatch: entries.length - Math.max(0, annotationRequests.length - 1),
    sequentialRoundTrips: sequentialRoundTrips(entries),
    timeline: entries.map((e) => ({
      request: `${e.method} ${e.graphql ? `graphql ${e.graphql.operation} ${e.graphql.name ?? ""}`.trim() : e.route}`,
      startMs: Math.round(e.startedAt - deliveredAt),
      endMs: Math.round(e.finishedAt - deliveredAt),
      status: e.status,
    })),
  };
}

async function waitForQuiet(github: FakeGitHub, done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  // Let trailing requests (a review after the check, thread resolutions) land: quiet for 2 s.
  let seen = github.requests.length;
  let quietSince = Date.now();
  while (Date.now() - quietSince < 2000 && Date.now() < deadline) {
    await sleep(50);
    if (github.requests.length !== seen || github.inFlight > 0) {
      seen = github.requests.length;
      quietSince = Date.now();
    }
  }
  return true;
}

export async function runScenario(keys: AppKeys, latencyMs: number, changedFiles: number): Promise<AppScenario> {
  const github = await startFakeGitHub({ latencyMs, appId: keys.appId, appPublicKey: keys.publicKey });
  const base: Record<string, string> = {};
  const changes: Record<string, string> = {};
  for (let i = 0; i < changedFiles; i++) {
    base[`services/client_${i}.py`] = baseModule(i);
    changes[`services/client_${i}.py`] = headModule(i);
  }
  const repo = github.addRepository({ files: base });
  const pull = github.addPullRequest({ changes });
  const app = await startAppServer(keys, github.host);
  const scenario: AppScenario = { latencyMs, changedFiles, apiRequests: 0, writes: 0, annotationBatches: 0, requestsBeyondFirstAnnotationBatch: 0, sequentialRoundTrips: 0, peakRssMb: Number.NaN, findings: 0, inlineComments: 0, timeline: [] };
  try {
    const firstRequest = github.requests.length;
    const deliveredAt = nowMs();
    const answer = await deliverWebhook(app.webhookUrl, { event: "pull_request", secret: keys.secret, payload: pullRequestEvent(repo, pull) });
    if (answer.status >= 300) throw new Error(`the App answered the webhook with ${answer.status}`);
    const checkDone = () => github.state.checkRuns.some((run) => run.head_sha === pull.headSha && run.status === "completed");
    const finished = await waitForQuiet(github, checkDone, 60_000 + changedFiles * 200);
    Object.assign(scenario, analyseLog(github.requests.slice(firstRequest), deliveredAt));
    scenario.peakRssMb = app.peakRssMb();
    const check = github.state.checkRuns.find((run) => run.head_sha === pull.headSha);
    scenario.conclusion = check?.conclusion ?? check?.status;
    scenario.findings = check?.annotations.length ?? 0;
    scenario.inlineComments = github.state.reviewComments.filter((c) => c.pull_number === pull.number).length;
    if (!finished) scenario.error = `check run not completed after the time limit; App output: ${app.output().slice(-300)}`;
  } catch (error) {
    scenario.error = (error as Error).message.split("\n")[0];
  } finally {
    await app.stop();
    await github.close();
  }
  return scenario;
}

export async function runAppBenchmarks(quick: boolean, log: (line: string) => void): Promise<AppResults> {
  const keys = appKeys();
  const scenarios: AppScenario[] = [];
  for (const latencyMs of latencies) {
    for (const files of quick ? prSizes.quick : prSizes.full) {
      const s = await runScenario(keys, latencyMs, files);
      scenarios.push(s);
      log(`   ${String(latencyMs).padStart(3)} ms latency, ${String(files).padStart(4)} files: review ${s.reviewPostedMs?.toFixed(0) ?? "-"} ms, check ${s.checkCompletedMs?.toFixed(0) ?? "-"} ms, ${s.apiRequests} requests (${s.writes} writes, ${s.annotationBatches} annotation batches), ${s.sequentialRoundTrips} sequential, ${s.peakRssMb.toFixed(0)} MB${s.error ? `, error: ${s.error}` : ""}`);
    }
  }
  return {
    scenarios,
    notes: [
      "Each scenario: a fresh fake GitHub (`test/fake-github`) and a fresh App process (`probot run dist/src/index.js`, NODE_ENV=production, default throttling), one signed `pull_request.opened` delivery. Every changed module gains a blocking `time.sleep` in a coroutine; every fourth also drops an `asyncio.create_task`.",
      "Times run from sending the webhook to the answer of the request that created the review / completed the check run. *API requests* counts every request the App made, token requests included; *beyond 1st annotation batch* is that count less the annotation batches after the first (the target's measure). *Sequential round trips* is the longest chain of requests each of which started after the previous one was answered: at 100 ms latency each costs at least 0.1 s. Peak RSS is the App process's VmHWM.",
    ],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = Number(process.argv[2] ?? 100);
  const latency = Number(process.argv[3] ?? 100);
  console.log(JSON.stringify(await runScenario(appKeys(), latency, files), null, 2));
}
