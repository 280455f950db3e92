// Part 5: load. 200 signed deliveries in 10 s over 20 pull requests, each PR's ten in order at random
// moments: opened, its redelivery, a synchronize storm (two pushes in a row, a late redelivery of the first,
// a redelivery of the second), a re-run of the checks and its redelivery, a last push and its redelivery.
// Run against the embedded mode (one App process) and Redis mode (an App process that only takes webhooks,
// with one or two `npm run worker` processes), each on a fresh fake GitHub with API latency, under Probot's
// default throttling. Afterwards every head must hold at most one completed check run (plus one per re-run
// asked for it), none in progress, every PR's last head reviewed, and no comment posted twice.
import { randomUUID } from "node:crypto";
import { startFakeGitHub, type FakeGitHub, type PullRequest, type Repository } from "../test/fake-github/server.js";
import { checkSuiteRerequestedEvent, deliverWebhook, pullRequestEvent } from "../test/fake-github/webhooks.js";
import { startRedisServer } from "../test/helpers/redis-server.js";
import { RedisReviewQueue } from "../src/app/redis-queue.js";
import { appKeys, startAppServer, startWorkerProcess, type AppKeys, type AppServer, type WorkerProcess } from "./app-server.js";
import { percentile } from "./measure.js";
import type { LoadResults, LoadScenario } from "./results.js";

const PULLS = 20;
const PER_PULL = 10;
const WINDOW_MS = 10_000;
const LATENCY_MS = 50;
const DRAIN_TIMEOUT_MS = 15 * 60_000;

const module = (pull: number, push: number) =>
  `import asyncio\nimport time\n\nVERSION = ${push}\n\n\nasync def handler_${pull}(request):\n    time.sleep(0.1)\n    return await request.json()\n`;

/** A seeded shuffle (mulberry32), so every mode gets the same order. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Traffic {
  latencies: number[];
  statuses: number[];
  /** Epoch ms of the first delivery that announced each head. */
  announced: Map<string, number>;
  /** Re-runs asked per head. */
  reruns: Map<string, number>;
}

/** The 200 deliveries, one every 50 ms, each PR's ten in their order. A redelivery resends the first
 *  delivery's body under its id, as GitHub does, even when the PR has moved on since. */
async function sendTraffic(github: FakeGitHub, repo: Repository, pulls: PullRequest[], webhookUrl: string, keys: AppKeys): Promise<Traffic> {
  const traffic: Traffic = { latencies: [], statuses: [], announced: new Map(), reruns: new Map() };
  const first = pulls.map(() => new Map<string, { event: string; payload: unknown; deliveryId: string }>());
  const pushes = pulls.map(() => 0);
  const sent: Promise<void>[] = [];
  const send = (event: string, payload: unknown, deliveryId: string) =>
    sent.push(
      deliverWebhook(webhookUrl, { event, payload, secret: keys.secret, deliveryId }).then(
        (result) => {
          traffic.latencies.push(result.elapsedMs);
          traffic.statuses.push(result.status);
        },
        () => void traffic.statuses.push(0),
      ),
    );
  const deliver = (index: number, name: string, event: string, payload: unknown) => {
    const delivery = { event, payload, deliveryId: randomUUID() };
    first[index]!.set(name, delivery);
    send(event, payload, delivery.deliveryId);
  };
  const redeliver = (index: number, name: string) => {
    const delivery = first[index]!.get(name)!;
    send(delivery.event, delivery.payload, delivery.deliveryId);
  };
  const push = (index: number) => {
    const pull = github.pushToPullRequest(pulls[index]!.number, { [`service/handler_${index}.py`]: module(index, ++pushes[index]!) });
    if (!traffic.announced.has(pull.headSha)) traffic.announced.set(pull.headSha, performance.timeOrigin + performance.now());
    deliver(index, `push${pushes[index]}`, "pull_request", pullRequestEvent(repo, pull, "synchronize"));
  };
  const rerun = (index: number) => {
    const pull = pulls[index]!;
    traffic.reruns.set(pull.headSha, (traffic.reruns.get(pull.headSha) ?? 0) + 1);
    deliver(index, "rerun", "check_suite", checkSuiteRerequestedEvent(github.state, repo, pull));
  };
  const steps: Array<(index: number) => void> = [
    (i) => {
      traffic.announced.set(pulls[i]!.headSha, performance.timeOrigin + performance.now());
      deliver(i, "opened", "pull_request", pullRequestEvent(repo, pulls[i]!, "opened"));
    },
    (i) => redeliver(i, "opened"),
    push,
    push,
    (i) => redeliver(i, "push1"),
    (i) => redeliver(i, "push2"),
    rerun,
    (i) => redeliver(i, "rerun"),
    push,
    (i) => redeliver(i, "push3"),
  ];
  const order = shuffled(pulls.flatMap((_, index) => Array.from({ length: PER_PULL }, () => index)), 20261207);
  const done = pulls.map(() => 0);
  const start = performance.now();
  for (const [slot, index] of order.entries()) {
    const wait = start + (slot * WINDOW_MS) / order.length - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    steps[done[index]!++]!(index);
  }
  await Promise.all(sent);
  return traffic;
}

/** Checks the outcome and measures it; throws when a guarantee broke. */
function outcome(label: string, github: FakeGitHub, pulls: PullRequest[], traffic: Traffic, firstSentAt: number, memory: { workers: number[]; intakeMb: number }): LoadScenario {
  const problems: string[] = [];
  const runs = github.state.checkRuns;
  const inProgress = runs.filter((run) => run.status !== "completed");
  if (inProgress.length) problems.push(`${inProgress.length} check run(s) left in progress`);
  const completedBy = new Map<string, number>();
  for (const run of runs) if (run.status === "completed") completedBy.set(run.head_sha, (completedBy.get(run.head_sha) ?? 0) + 1);
  for (const [sha, count] of completedBy) {
    if (count > 1 + (traffic.reruns.get(sha) ?? 0)) problems.push(`${sha.slice(0, 7)}: ${count} completed check runs for ${traffic.reruns.get(sha) ?? 0} re-run(s)`);
  }
  for (const pull of pulls) if (!completedBy.has(pull.headSha)) problems.push(`#${pull.number}: its last head ${pull.headSha.slice(0, 7)} was never reviewed`);
  for (const pull of pulls) {
    const bodies = github.state.reviewComments.filter((comment) => comment.pull_number === pull.number).map((comment) => comment.body);
    if (new Set(bodies).size !== bodies.length) problems.push(`#${pull.number}: a comment was posted twice`);
  }
  // Time to review: from the first delivery announcing a head to the completion of its first check run.
  const completions = github.requests.filter((entry) => entry.method === "PATCH" && /\/check-runs\/\d+$/.test(entry.route) && (entry.body as { status?: string } | undefined)?.status === "completed");
  const completedAt = new Map<string, number>();
  for (const entry of completions) {
    const id = Number(/\/check-runs\/(\d+)$/.exec(entry.route)![1]);
    const sha = runs.find((run) => run.id === id)?.head_sha;
    if (sha && !completedAt.has(sha)) completedAt.set(sha, entry.finishedAt);
  }
  const timesToReview = [...completedAt].filter(([sha]) => traffic.announced.has(sha)).map(([sha, at]) => at - traffic.announced.get(sha)!);
  const lastCompletion = Math.max(...completions.map((entry) => entry.finishedAt));
  const minutes = (lastCompletion - firstSentAt) / 60_000;
  const failed = traffic.statuses.filter((status) => status === 0 || status >= 300).length;
  if (failed) problems.push(`${failed} deliveries not answered 2xx`);
  const webhookP99Ms = percentile(traffic.latencies, 99);
  if (webhookP99Ms >= 1000) problems.push(`webhook answer p99 ${webhookP99Ms.toFixed(0)} ms ≥ 1 s`);
  return {
    label,
    deliveries: traffic.statuses.length,
    reviews: completions.length,
    reviewedHeads: completedAt.size,
    reviewsPerMinute: completions.length / minutes,
    drainSeconds: (lastCompletion - firstSentAt) / 1000,
    p95TimeToReviewSeconds: percentile(timesToReview, 95) / 1000,
    webhookP50Ms: percentile(traffic.latencies, 50),
    webhookP99Ms,
    workerPeakRssMb: memory.workers,
    intakePeakRssMb: memory.intakeMb,
    apiRequests: github.requests.length,
    problems,
  };
}

async function embeddedBusy(url: string): Promise<boolean> {
  const { queue } = (await (await fetch(`${url}/health`)).json()) as { queue: { queued: number; running: number } };
  return queue.queued + queue.running > 0;
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** One scenario: workers 0 is the embedded mode (the App process reviews); n > 0 is Redis mode with n workers. */
async function scenario(workers: number, log: (line: string) => void): Promise<LoadScenario> {
  const keys = appKeys();
  const github = await startFakeGitHub({ latencyMs: LATENCY_MS, appId: keys.appId, appPublicKey: keys.publicKey });
  const repo = github.addRepository({ name: "service", files: { "README.md": "# service\n" } });
  const pulls = Array.from({ length: PULLS }, (_, i) => github.addPullRequest({ name: "service", number: i + 1, changes: { [`service/handler_${i}.py`]: module(i, 0) } }));
  const redis = workers > 0 ? await startRedisServer() : undefined;
  let app: AppServer | undefined;
  const workerProcesses: WorkerProcess[] = [];
  let observer: RedisReviewQueue | undefined;
  const label = workers === 0 ? "embedded (one App process)" : `Redis, ${workers} worker${workers > 1 ? "s" : ""} (+ an intake-only App process)`;
  try {
    const started = await startAppServer(keys, github.host, [], redis ? { REDIS_URL: redis.url, REVIEW_CONCURRENCY: "0" } : {});
    app = started;
    for (let i = 0; i < workers; i++) workerProcesses.push(await startWorkerProcess(keys, github.host, redis!.url));
    observer = redis && new RedisReviewQueue({ url: redis.url, concurrency: 0, log: { info() {}, warn() {}, error() {} } });
    const firstSentAt = performance.timeOrigin + performance.now();
    const traffic = await sendTraffic(github, repo, pulls, started.webhookUrl, keys);
    log(`   ${label}: ${traffic.statuses.length} deliveries sent; waiting for the reviews`);
    let quietSince = Date.now();
    let lastCount = -1;
    await until(async () => {
      const busy = observer ? Object.values(await observer.depth()).some((n) => n > 0) : await embeddedBusy(started.url);
      const count = github.requests.length;
      if (busy || github.inFlight > 0 || count !== lastCount) {
        lastCount = count;
        quietSince = Date.now();
      }
      return Date.now() - quietSince > 3000;
    }, "the queue to drain");
    const memory = workers === 0 ? { workers: [app.peakRssMb()], intakeMb: app.peakRssMb() } : { workers: workerProcesses.map((w) => w.peakRssMb()), intakeMb: app.peakRssMb() };
    const result = outcome(label, github, pulls, traffic, firstSentAt, memory);
    log(`   ${label}: ${result.reviews} reviews in ${result.drainSeconds.toFixed(0)} s (${result.reviewsPerMinute.toFixed(1)}/min), p95 time to review ${result.p95TimeToReviewSeconds.toFixed(1)} s, webhook p99 ${result.webhookP99Ms.toFixed(0)} ms${result.problems.length ? `; PROBLEMS: ${result.problems.join("; ")}` : ""}`);
    return result;
  } finally {
    await observer?.close();
    await Promise.all(workerProcesses.map((worker) => worker.stop()));
    await app?.stop();
    await github.close();
    await redis?.stop();
  }
}

export async function measureLoad(log: (line: string) => void, workerCounts: number[] = [0, 1, 2]): Promise<LoadResults> {
  const scenarios: LoadScenario[] = [];
  for (const workers of workerCounts) scenarios.push(await scenario(workers, log));
  return { pulls: PULLS, deliveries: PULLS * PER_PULL, windowSeconds: WINDOW_MS / 1000, latencyMs: LATENCY_MS, scenarios };
}
