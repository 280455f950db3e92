// Part 3b: the App end to end with and without repository context, at 100 ms injected API latency. The same
// PR (one changed module using coroutines, an async context manager, an async generator and a blocking helper
// from unchanged modules, in a package of 40 modules and a repository of 240) is reviewed by a fresh App
// process with REPOSITORY_CONTEXT=off and with context on; then a second push changes the PR module again
// (the summaries of the unchanged modules are cached by then). Targets: at most +2 API requests and +0.5 s.
import { createPrivateKey } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startRepositoryContext } from "../src/app/repository-context.js";
import { MemorySummaryCache } from "../src/app/summary-cache.js";
import type { GitHubClient } from "../src/github/client.js";
import { installationClient } from "../test/fake-github/installation-client.js";
import { startFakeGitHub, type RequestLogEntry } from "../test/fake-github/server.js";
import { deliverWebhook, pullRequestEvent } from "../test/fake-github/webhooks.js";
import { appKeys, startAppServer, type AppKeys } from "./app-server.js";
import { mb, seconds, table, verdict } from "./markdown.js";
import type { AppContextResults, AppContextRun, BenchResults } from "./results.js";

export const contextTargets = { extraRequests: 2, extraMs: 500, latencyMs: 100 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nowMs = () => performance.timeOrigin + performance.now();

function repositoryFiles(): Record<string, string> {
  const files: Record<string, string> = {
    "src/shop/__init__.py": "from .db import fetch_invoice\n",
    "src/shop/db.py": "async def fetch_invoice(invoice_id):\n    return {\"id\": invoice_id}\n",
    "src/shop/sessions.py": "class Session:\n    async def __aenter__(self):\n        return self\n\n    async def __aexit__(self, *exc):\n        return False\n",
    "src/shop/streams.py": "async def rows():\n    yield 1\n",
    "src/shop/retry.py": "import time\n\n\ndef backoff():\n    time.sleep(1)\n",
    "src/shop/reports.py": "from .retry import backoff\n\n\ndef sync_totals():\n    backoff()\n    return 0\n",
    "src/shop/handlers.py": HANDLERS_BASE,
  };
  const filler = (i: number) => `"""Module ${i}."""\nimport asyncio\n\n\n${Array.from({ length: 20 }, (_, j) => `async def task_${j}(value):\n    await asyncio.sleep(0)\n    return value + ${j}\n`).join("\n\n")}`;
  for (let i = 0; i < 33; i++) files[`src/shop/module_${i}.py`] = filler(i);
  for (let i = 0; i < 200; i++) files[`src/other_${i % 10}/module_${i}.py`] = filler(i);
  return files;
}

const HANDLERS_BASE = `import time

from shop import fetch_invoice
from shop.reports import sync_totals
from shop.sessions import Session
from shop.streams import rows


async def handle(invoice_id):
    return invoice_id
`;
const HANDLERS_HEAD = HANDLERS_BASE.replace(
  "    return invoice_id\n",
  "    time.sleep(0.1)\n    fetch_invoice(invoice_id)\n    with Session() as session:\n        print(session)\n    for row in rows():\n        print(row)\n    return sync_totals()\n",
);

async function waitFor(done: () => boolean, inFlight: () => number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("the check run was not completed in time");
    await sleep(20);
  }
  const settle = Date.now() + 1500;
  while (Date.now() < settle || inFlight() > 0) await sleep(50);
}

function figures(entries: readonly RequestLogEntry[], deliveredAt: number) {
  const review = entries.find((e) => /\/pulls\/\d+\/reviews$/.test(e.route) && e.method === "POST" && e.status < 300);
  const check = entries.find((e) => e.route.includes("/check-runs") && e.method === "PATCH" && (e.body as { conclusion?: string } | undefined)?.conclusion !== undefined);
  const counted = entries.filter((e) => !e.route.endsWith("/access_tokens"));
  return {
    reviewPostedMs: review ? review.finishedAt - deliveredAt : undefined,
    checkCompletedMs: check ? check.finishedAt - deliveredAt : undefined,
    apiRequests: counted.length,
    treeRequests: counted.filter((e) => e.route.includes("/git/trees/")).length,
    contextQueries: counted.filter((e) => e.graphql?.name === "RepositoryContext").length,
    timeline: counted.map((e) => ({ request: `${e.method} ${e.graphql ? `graphql ${e.graphql.name ?? e.graphql.operation}` : e.route}`, startMs: Math.round(e.startedAt - deliveredAt), endMs: Math.round(e.finishedAt - deliveredAt), status: e.status })),
  };
}

/** One fresh fake GitHub and App process: the opened PR, then a push that changes the PR module again. */
async function runOnce(keys: AppKeys, withContext: boolean, latencyMs: number): Promise<AppContextRun[]> {
  const github = await startFakeGitHub({ latencyMs, appId: keys.appId, appPublicKey: keys.publicKey });
  const repo = github.addRepository({ files: repositoryFiles() });
  const pull = github.addPullRequest({ changes: { "src/shop/handlers.py": HANDLERS_HEAD } });
  const app = await startAppServer(keys, github.host, [], withContext ? {} : { REPOSITORY_CONTEXT: "off" });
  const runs: AppContextRun[] = [];
  try {
    for (const push of ["opened", "synchronize"] as const) {
      if (push === "synchronize") github.pushToPullRequest(pull.number, { "src/shop/handlers.py": `${HANDLERS_HEAD}\n# again\n` });
      const first = github.requests.length;
      const deliveredAt = nowMs();
      const answer = await deliverWebhook(app.webhookUrl, { event: "pull_request", secret: keys.secret, payload: pullRequestEvent(repo, pull, push) });
      if (answer.status >= 300) throw new Error(`the App answered the webhook with ${answer.status}`);
      await waitFor(() => github.state.checkRuns.some((run) => run.head_sha === pull.headSha && run.status === "completed"), () => github.inFlight, 60_000);
      const comments = github.state.reviewComments.filter((c) => c.commit_id === pull.headSha).length;
      runs.push({ withContext, push, latencyMs, ...figures(github.requests.slice(first), deliveredAt), inlineComments: comments, peakRssMb: app.peakRssMb() });
    }
  } finally {
    await app.stop();
    await github.close();
  }
  return runs;
}

/** The context reads alone, as the analyzer will make them: the tree, then the imported modules of the PR
 *  module (one query, which also fetches their folder's other modules ahead), then the next level (answered
 *  from what was fetched ahead). What the App adds between its snapshot query and its throttled review. */
async function measureReads(keys: AppKeys, latencyMs: number): Promise<NonNullable<AppContextResults["reads"]>> {
  const github = await startFakeGitHub({ latencyMs, appId: keys.appId, appPublicKey: keys.publicKey });
  try {
    github.addRepository({ files: repositoryFiles() });
    const pull = github.addPullRequest({ changes: { "src/shop/handlers.py": HANDLERS_HEAD } });
    const octokit = await installationClient(github, createPrivateKey(keys.privateKey), keys.appId);
    const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const first = github.requests.length;
    const started = performance.now();
    const context = await startRepositoryContext({ owner: "octo-org", repo: "service", octokit: octokit as unknown as GitHubClient, headSha: pull.headSha, log: quiet, cache: new MemorySummaryCache() });
    if (!context) throw new Error("no repository context");
    const treeMs = performance.now() - started;
    const level1 = await context.source.read(["src/shop/__init__.py", "src/shop/reports.py", "src/shop/sessions.py", "src/shop/streams.py"]);
    const level2 = await context.source.read(["src/shop/db.py", "src/shop/retry.py"]);
    return {
      latencyMs,
      treeMs,
      totalMs: performance.now() - started,
      modulesAnswered: level1.size + level2.size,
      ...context.source.stats,
      requests: github.requests.length - first,
    };
  } finally {
    await github.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function runAppContextBenchmark(quick: boolean, log: (line: string) => void): Promise<AppContextResults> {
  const keys = appKeys();
  const repetitions = quick ? 1 : 3;
  const runs: AppContextRun[] = [];
  for (let i = 0; i < repetitions; i++) {
    for (const withContext of [false, true]) {
      for (const run of await runOnce(keys, withContext, contextTargets.latencyMs)) {
        runs.push(run);
        log(`   ${run.withContext ? "with context   " : "without context"} ${run.push.padEnd(11)} review ${seconds(run.reviewPostedMs ?? NaN)}, check ${seconds(run.checkCompletedMs ?? NaN)}, ${run.apiRequests} requests (${run.treeRequests} tree, ${run.contextQueries} context queries), ${run.inlineComments} comments, ${mb(run.peakRssMb)}`);
      }
    }
  }
  const summary = (["opened", "synchronize"] as const).map((push) => {
    const of = (withContext: boolean) => runs.filter((r) => r.push === push && r.withContext === withContext);
    const m = (withContext: boolean, pick: (r: AppContextRun) => number | undefined) => median(of(withContext).map((r) => pick(r) ?? NaN));
    return {
      push,
      reviewPostedMs: { without: m(false, (r) => r.reviewPostedMs), with: m(true, (r) => r.reviewPostedMs) },
      checkCompletedMs: { without: m(false, (r) => r.checkCompletedMs), with: m(true, (r) => r.checkCompletedMs) },
      apiRequests: { without: m(false, (r) => r.apiRequests), with: m(true, (r) => r.apiRequests) },
      peakRssMb: { without: m(false, (r) => r.peakRssMb), with: m(true, (r) => r.peakRssMb) },
    };
  });
  const reads = await measureReads(keys, contextTargets.latencyMs);
  log(`   context reads alone: tree ${reads.treeMs.toFixed(0)} ms, tree + 2 levels ${reads.totalMs.toFixed(0)} ms, ${reads.requests} requests, ${reads.modulesFetched} modules (${(reads.bytesFetched / 1024).toFixed(0)} KB) fetched, ${reads.prefetchHits} answered from the read-ahead`);
  return { repetitions, runs, summary, reads };
}

export function appContextTargetRows(r: BenchResults): string[][] {
  const opened = r.appContext?.summary.find((s) => s.push === "opened");
  const extraMs = opened ? opened.reviewPostedMs.with - opened.reviewPostedMs.without : undefined;
  const extraRequests = opened ? opened.apiRequests.with - opened.apiRequests.without : undefined;
  const signed = (v: number, unit: (v: number) => string) => `${v >= 0 ? "+" : "−"}${unit(Math.abs(v))}`;
  return [
    ["App with repository context at 100 ms: review posted ≤ +0.5 s", extraMs === undefined ? "n/a" : signed(extraMs, seconds), verdict(extraMs, contextTargets.extraMs, (v) => signed(v, seconds))],
    ["App with repository context: ≤ +2 API requests", extraRequests === undefined ? "n/a" : signed(extraRequests, String), verdict(extraRequests, contextTargets.extraRequests, (v) => signed(v, String))],
  ];
}

export function appContextSection(r: BenchResults): string {
  const out = ["## 3b. The App with repository context", ""];
  const c = r.appContext;
  if (!c || c.skipped) return out.concat(`Not measured in this run${c?.skipped ? `: ${c.skipped}` : ""}.`, "").join("\n");
  out.push(
    `One PR changes \`src/shop/handlers.py\`, which uses a coroutine (re-exported through \`__init__.py\`), an async context manager, an async generator and a blocking helper two calls deep, all in unchanged modules of a 40-module package (240 modules in the repository). A fresh App process reviews it with \`REPOSITORY_CONTEXT=off\` and with context, at ${contextTargets.latencyMs} ms per request under Probot's default throttling; then a second push changes the PR module again. Medians of ${c.repetitions} run(s); token requests are not counted. With context the App reads the head tree (one REST GET beside the snapshot query) and, when the analyzer asks for imported modules, one batched GraphQL query outside the write throttle.`,
    "",
  );
  out.push(table(["push", "review posted (without → with)", "check completed", "API requests", "App peak RSS"], c.summary.map((s) => [s.push, `${seconds(s.reviewPostedMs.without)} → ${seconds(s.reviewPostedMs.with)}`, `${seconds(s.checkCompletedMs.without)} → ${seconds(s.checkCompletedMs.with)}`, `${s.apiRequests.without} → ${s.apiRequests.with}`, `${mb(s.peakRssMb.without)} → ${mb(s.peakRssMb.with)}`])), "");
  if (c.reads) {
    out.push(`The reads alone, as the analyzer will make them once it reads the context (it is merged separately; until then the App's reviews above make the tree request only): at ${c.reads.latencyMs} ms per request, the tree took ${seconds(c.reads.treeMs)}; the tree plus two levels of imports (4 modules, then 2 more) took ${seconds(c.reads.totalMs)} in ${c.reads.requests} requests, fetching ${c.reads.modulesFetched} modules (${(c.reads.bytesFetched / 1024).toFixed(0)} KB: the requested ones and their folder's other modules ahead), the second level answered from the read-ahead (${c.reads.prefetchHits} modules) without a request. The tree runs beside the snapshot query, and the read between the snapshot and the review, which Probot's throttling holds until 1 s after the snapshot query anyway.`, "");
  }
  const sample = c.runs.find((run) => run.withContext && run.push === "opened");
  if (sample) out.push("Requests of one opened review with context:", "", table(["#", "request", "sent", "answered", "status"], sample.timeline.map((t, i) => [i + 1, `\`${t.request}\``, `${t.startMs} ms`, `${t.endMs} ms`, t.status])), "");
  return out.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await runAppContextBenchmark(process.argv.includes("--quick"), console.log);
  console.log(JSON.stringify(results.summary, null, 2));
}
