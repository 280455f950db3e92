// Part 4: webhook intake. Bursts of signed `pull_request` deliveries sent at once over loopback to the real
// App process, from a third process; the latency of each answer is what GitHub waits for.
//   1. warm-up: `closed` deliveries, which the App ignores (JIT and connection handling warm, no side effects);
//   2. floor: `closed` deliveries again: verification, parsing and Probot's event plumbing, no review;
//   3. measured: `opened` deliveries, one per PR of the fake GitHub, so each queues a real review.
// For reference, the same bursts against a bare node:http server show what this machine allows at all.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startFakeGitHub } from "../test/fake-github/server.js";
import { appKeys, startAppServer } from "./app-server.js";
import { median, percentile } from "./measure.js";
import { distBench } from "./paths.js";
import type { IntakeBurst, IntakeResults } from "./results.js";
import { pullRequestEvent, type PullRequestAction } from "../test/fake-github/webhooks.js";

const module = (i: number) => `import asyncio\nimport time\n\n\nasync def handler_${i}(request):\n    time.sleep(0.1)\n    return await request.json()\n`;

export const intakeBurstLabels = {
  measured: "App, `opened`: each queues a review",
  floor: "App, `closed`: ignored by the App (Probot's floor)",
  bare: "bare node:http server that only parses the JSON (reference)",
};

type Burst = { label: string; payloads: unknown[] };

/** Sends the bursts from a separate process (bench/intake-client.ts) and summarises all but the first. */
async function sendBursts(webhookUrl: string, secret: string, bursts: Burst[]): Promise<IntakeBurst[]> {
  const scratch = mkdtempSync(join(tmpdir(), "async-review-intake-"));
  try {
    const jobFile = join(scratch, "job.json");
    writeFileSync(jobFile, JSON.stringify({ webhookUrl, secret, bursts }));
    const { stdout } = await promisify(execFile)(process.execPath, [join(distBench, "intake-client.js"), jobFile], { timeout: 120_000, maxBuffer: 1 << 24 });
    const measured = JSON.parse(stdout) as { label: string; latenciesMs: number[]; statuses: number[] }[];
    return measured.slice(1).map(({ label, latenciesMs, statuses }) => {
      const statusCounts: Record<string, number> = {};
      for (const status of statuses) statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      return { label, p50Ms: percentile(latenciesMs, 50), p99Ms: percentile(latenciesMs, 99), maxMs: Math.max(...latenciesMs), statusCounts };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** What any Node server pays on this machine for the same bursts: accept, read ~21 KB, JSON.parse, answer. */
async function bareServerBursts(payloads: unknown[]): Promise<IntakeBurst[]> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      response.writeHead(202).end("Accepted");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await sendBursts(`http://127.0.0.1:${port}/api/github/webhooks`, "unused", [
      { label: "warm-up", payloads },
      { label: intakeBurstLabels.bare, payloads },
    ]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** One repetition: a fresh fake GitHub and App process, the bursts, then both stopped. */
async function intakeOnce(deliveries: number): Promise<IntakeBurst[]> {
  const keys = appKeys();
  const github = await startFakeGitHub({ latencyMs: 0, appId: keys.appId, appPublicKey: keys.publicKey });
  const repo = github.addRepository({ files: { "README.md": "service\n" } });
  const pulls = Array.from({ length: deliveries }, (_, i) => github.addPullRequest({ changes: { [`handlers/h${i}.py`]: module(i) } }));
  const payloads = (action: PullRequestAction) => pulls.map((pull) => pullRequestEvent(repo, pull, action));
  const bare = await bareServerBursts(payloads("closed"));
  const app = await startAppServer(keys, github.host);
  try {
    const bursts = await sendBursts(app.webhookUrl, keys.secret, [
      { label: "warm-up", payloads: payloads("closed") },
      { label: intakeBurstLabels.floor, payloads: payloads("closed") },
      { label: intakeBurstLabels.measured, payloads: payloads("opened") },
    ]);
    return [...bursts, ...bare];
  } finally {
    await app.stop();
    await github.close();
  }
}

/** Repeats the whole measurement (fresh processes each time) and keeps, per burst, the median of each figure. */
export async function measureIntake(deliveries = 200, repetitions = 3): Promise<IntakeResults> {
  const runs: IntakeBurst[][] = [];
  for (let i = 0; i < repetitions; i++) runs.push(await intakeOnce(deliveries));
  const bursts = runs[0]!.map(({ label }) => {
    const same = runs.map((run) => run.find((b) => b.label === label)!);
    const statusCounts: Record<string, number> = {};
    for (const b of same) for (const [status, n] of Object.entries(b.statusCounts)) statusCounts[status] = (statusCounts[status] ?? 0) + n;
    return {
      label,
      p50Ms: median(same.map((b) => b.p50Ms)),
      p99Ms: median(same.map((b) => b.p99Ms)),
      maxMs: Math.max(...same.map((b) => b.maxMs)),
      p99PerRepetitionMs: same.map((b) => Math.round(b.p99Ms)),
      statusCounts,
    };
  });
  return { deliveries, repetitions, bursts };
}
