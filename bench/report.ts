// Writes BENCHMARKS.md from bench/results.json's data: the tables, the targets beside the figures, and
// for a missed target the figures that explain what limits it.
import { appContextSection, appContextTargetRows } from "./app-context.js";
import type { BenchResults } from "./results.js";
import { differencesMarkdown } from "./findings-compare.js";
import { intakeBurstLabels } from "./intake.js";
import { mb, millis, ratio, seconds, table, verdict } from "./markdown.js";
import { FUZZ_TARGET_RATIO } from "./fuzz.js";

export const targets = {
  cliToRuffWall: 0.5,
  /** `check .` with repository context at most this much of the same check without it (issue 10). */
  contextCost: 1.1,
  appReviewMs: 2500,
  appCheckMs: 3500,
  appExtraRequests: 10,
  intakeP99Ms: 100,
  loadWebhookP99Ms: 1000,
  appTargetFiles: 100,
  appTargetLatencyMs: 100,
};

function targetRows(r: BenchResults): string[][] {
  const rows: string[][] = [];
  const ratios = r.corpusTiming?.ratios;
  rows.push(["CLI wall time ≤ 0.5× ruff's (corpus, medians)", ratio(ratios?.oursToRuffWall), verdict(ratios?.oursToRuffWall, targets.cliToRuffWall, (v) => `${v.toFixed(2)}×`)]);
  rows.push(["… the same on each runner's best round", ratio(ratios?.oursToRuffWallBest), verdict(ratios?.oursToRuffWallBest, targets.cliToRuffWall, (v) => `${v.toFixed(2)}×`)]);
  const runner = (name: string) => r.corpusTiming?.runners.find((x) => x.name === name);
  const alone = runner("async-review-alone");
  for (const [label, name] of [["with its summary cache", "async-review"], ["first run, no cache", "async-review-cold"]] as const) {
    const withContext = runner(name);
    const cost = withContext && alone ? withContext.medianWallMs / alone.medianWallMs : undefined;
    const cpu = withContext && alone ? withContext.medianCpuMs / alone.medianCpuMs : undefined;
    rows.push([`\`check .\` with repository context ≤ ${targets.contextCost}× without (${label})`, cost === undefined ? "n/a" : `${ratio(cost)} wall, ${ratio(cpu)} CPU`, verdict(cost, targets.contextCost, (v) => `${v.toFixed(2)}×`)]);
  }
  rows.push(["CLI peak memory a fraction of ruff's", ratio(ratios?.oursToRuffRss), ratios?.oursToRuffRss === undefined ? "not measured" : ratios.oursToRuffRss < 1 ? `**met** (${(ratios.oursToRuffRss * 100).toFixed(0)}% of ruff's)` : "**missed**"]);
  const app = r.app?.scenarios.find((s) => s.changedFiles === targets.appTargetFiles && s.latencyMs === targets.appTargetLatencyMs);
  rows.push(["100-file PR at 100 ms: review posted ≤ 2.5 s", app ? seconds(app.reviewPostedMs ?? NaN) : "n/a", verdict(app?.reviewPostedMs, targets.appReviewMs, seconds)]);
  rows.push(["100-file PR at 100 ms: check completed ≤ 3.5 s", app ? seconds(app.checkCompletedMs ?? NaN) : "n/a", verdict(app?.checkCompletedMs, targets.appCheckMs, seconds)]);
  rows.push(["100-file PR: ≤ 10 API requests beyond the first annotation batch", app ? String(app.requestsBeyondFirstAnnotationBatch) : "n/a", verdict(app?.requestsBeyondFirstAnnotationBatch, targets.appExtraRequests, String)]);
  rows.push(...appContextTargetRows(r));
  const fuzz = r.fuzz;
  rows.push([`no fuzzed file slower than ${FUZZ_TARGET_RATIO}× the corpus median per KB`, fuzz ? `worst ${ratio(fuzz.worst.ratio)}, ${fuzz.over} of ${fuzz.cases.length} over` : "n/a", verdict(fuzz?.worst.ratio, FUZZ_TARGET_RATIO, (v) => `${v.toFixed(1)}×`)]);
  const intake = r.intake?.bursts.find((b) => b.label === intakeBurstLabels.measured);
  rows.push(["webhook intake p99 < 100 ms (200 concurrent)", intake ? millis(intake.p99Ms) : "n/a", verdict(intake?.p99Ms, targets.intakeP99Ms, millis)]);
  const load = r.load?.scenarios ?? [];
  const worstP99 = load.length ? Math.max(...load.map((s) => s.webhookP99Ms)) : undefined;
  rows.push(["load (200 deliveries in 10 s): webhook p99 < 1 s in every mode", worstP99 === undefined ? "n/a" : millis(worstP99), verdict(worstP99, targets.loadWebhookP99Ms, millis)]);
  const broken = load.flatMap((s) => s.problems);
  rows.push(["load: one completed check run per head, no duplicate comment, last heads reviewed", load.length ? `${load.length} mode(s)` : "n/a", load.length === 0 ? "not measured" : broken.length ? `**missed** (${broken.length} problem(s))` : "**met**"]);
  return rows;
}

function corpusSection(r: BenchResults): string {
  const out: string[] = ["## 1. Analyzer on real code", ""];
  out.push(`Corpus: ${r.corpus.files} Python files, ${(r.corpus.bytes / 1e6).toFixed(1)} MB, the sources of ${r.corpus.packages.length} Debian packages (\`bench/corpus.ts\`: \`apt-get download\` + \`dpkg -x\`, cached in \`bench/corpus/\`):`, "");
  out.push(r.corpus.packages.map((p) => `${p.name} ${p.version} (${p.files} files)`).join(", ") + ".", "");
  const t = r.corpusTiming;
  if (!t) return out.concat("Not measured in this run.", "").join("\n");
  out.push(`Whole processes, alternating ${t.runners.map((x) => x.name).join(" → ")} for ${t.runners[0]?.rounds ?? 0} rounds after one untimed warm-up round each; medians. CPU time is user + sys of the process (both cores count); memory is peak RSS; both from GNU time.`, "");
  out.push(table(["runner", "command", "wall", "best wall", "CPU", "peak RSS", "wall per round (s)"], t.runners.map((x) => [x.name, `\`${x.command}\``, seconds(x.medianWallMs), seconds(x.minWallMs), seconds(x.medianCpuMs), mb(x.medianPeakRssMb), x.wallMs.map((w) => (w / 1000).toFixed(2)).join(" ")])), "");
  if (t.skipped.length) out.push(...t.skipped.map((s) => `- skipped: ${s}`), "");
  const q = t.ratios;
  if (q.oursToRuffWall !== undefined) {
    out.push(table(["ratio", "wall", "CPU", "peak RSS"], [
      ["async-review / ruff", `${ratio(q.oursToRuffWall)} (best rounds: ${ratio(q.oursToRuffWallBest)})`, ratio(q.oursToRuffCpu), ratio(q.oursToRuffRss)],
      ["async-review / parse floor", ratio(q.oursToFloorWall), ratio(q.oursToFloorCpu), ""],
    ]), "");
    const floor = t.runners.find((x) => x.name === "parse-floor")!;
    const ruff = t.runners.find((x) => x.name === "ruff")!;
    out.push(`The parse floor (one thread parsing every file once) takes ${ratio(floor.medianWallMs / ruff.medianWallMs)} of ruff's wall time, so meeting 0.5× needs both cores and skipping files that cannot hold a finding.`, "");
  }
  const prof = r.cpuProfiles;
  if (prof) {
    const floorParse = prof.parseFloor.buckets.find((b) => b.bucket.startsWith("tree-sitter parsing"))?.ms ?? NaN;
    out.push("### Where the CLI's CPU time goes", "");
    out.push(`One more run of the CLI under \`node --cpu-prof\` (${prof.cli.threads} threads profiled, ${seconds(prof.cli.totalMs)} of samples; the profiler slows everything a little), each sample put into a bucket by the code it was in. For scale: the parse floor under the same profiler spends ${seconds(floorParse)} in tree-sitter parsing.`, "");
    out.push(table(["bucket", "CPU", "share"], prof.cli.buckets.map((b) => [b.bucket, millis(b.ms), `${(b.share * 100).toFixed(0)}%`])), "");
  }
  if (r.sizeScaling?.length) {
    out.push("### Cost per file size", "");
    out.push("One realistic ~1 KB async module with a few pitfalls, repeated to the size shown, analyzed in-process with a warm engine (`analyzeFiles`). Linear growth shows as a flat time per KB.", "");
    out.push(table(["size", "lines", "runs", "median time", "per KB", "findings"], r.sizeScaling.map((p) => [`${p.sizeKb >= 1000 ? `${p.sizeKb / 1000} MB` : `${p.sizeKb} KB`}`, p.lines, p.runs, millis(p.medianMs), `${p.usPerKb.toFixed(0)} µs`, p.findings])), "");
    const first = r.sizeScaling.find((p) => p.sizeKb >= 10) ?? r.sizeScaling[0];
    const last = r.sizeScaling[r.sizeScaling.length - 1];
    out.push(`Time per KB at ${last.sizeKb / 1000} MB is ${ratio(last.usPerKb / first.usPerKb)} that at ${first.sizeKb} KB (1.00× is perfectly linear).`, "");
  }
  out.push(fuzzSection(r));
  return out.join("\n");
}

function fuzzSection(r: BenchResults): string {
  const f = r.fuzz;
  const out = ["### Bounded analysis under fuzzing", ""];
  if (!f) return out.concat("Not measured in this run (`--only fuzz` measures it).", "").join("\n");
  const limit = (f.corpusMedianUsPerKb * f.targetRatio) / 1000;
  out.push(`\`bench/fuzz.ts\` (seed ${f.seed}): ${f.cases.filter((c) => c.kind === "shape").length} synthetic pathological files (deep nesting of every bracket, operator and statement kind, stacked decorators, comment runs with form feeds, closing and unclosed runs, unterminated strings, huge lines, NUL bytes, invalid UTF-8; at ${f.sizesKb.join(", ")} KB) and ${f.cases.filter((c) => c.kind === "mutation").length} seeded mutations of corpus files, each analyzed alone on the App's analyzer pool (one thread, the default per-file deadline) and timed. Baseline: the median time per KB of ${f.corpusFiles} real corpus files of 8 KB and more measured the same way, ${(f.corpusMedianUsPerKb / 1000).toFixed(2)} ms per KB; the target is no file over ${f.targetRatio}× that (${limit.toFixed(1)} ms per KB).`, "");
  out.push(table(["figure", "value", "target"], [
    ["worst file, time per KB / corpus median", `${ratio(f.worst.ratio)} (${f.worst.name}, ${(f.worst.usPerKb / 1000).toFixed(2)} ms per KB)`, `≤ ${f.targetRatio}×: ${f.worst.ratio <= f.targetRatio ? "**met**" : "**missed**"}`],
    [`files over ${f.targetRatio}×`, `${f.over} of ${f.cases.length}`, "0"],
    ["files not analyzed (deadline, memory, stack, thread stopped)", String(f.notAnalyzed), "each reported as a problem"],
  ]), "");
  const slowest = [...f.cases].sort((a, b) => b.ratio - a.ratio).slice(0, 12);
  out.push("Slowest files per KB:", "");
  out.push(table(["file", "size", "time", "per KB", "× corpus median", "problems reported"], slowest.map((c) => [c.name, `${(c.bytes / 1024).toFixed(0)} KB`, millis(c.ms), `${(c.usPerKb / 1000).toFixed(2)} ms`, ratio(c.ratio), c.problems.join("; ").replace(/\|/g, "\\|") || "none"])), "");
  return out.join("\n");
}

function findingsSection(r: BenchResults): string {
  const f = r.findings;
  const out = ["## 2. Findings on real code", ""];
  if (!f) return out.concat("Not measured in this run (our CLI was not available).", "").join("\n");
  out.push(`Counts on the corpus above; ruff ${f.ruffVersion ?? ""} with \`select = ["ASYNC", "RUF006", "PLE1142"]\` (stable rules). A ruff code belongs to our rule when the rule lists it in its \`aliases\`; a finding is shared when both name the same file and ruff's line lies within ours.`, "");
  out.push(table(["our rule", "ruff codes", "async-review", "ruff", "both", "only ours", "only ruff"], f.shared.map((s) => [s.rule, s.ruffCodes.join(" "), s.ours, s.ruff, s.both, s.onlyOurs.length, s.onlyRuff.length])), "");
  const lacks = f.aliasesRuffLacks ?? {};
  const ourOnly = f.ourRulesWithoutCounterpart.map((rule) => [rule, f.oursByRule[rule], lacks[rule]?.length ? `${lacks[rule].join(" ")}: not implemented by ruff ${f.ruffVersion ?? ""}` : "no ruff code"]);
  if (ourOnly.length) out.push("Our rules that fired and that ruff's selection cannot compare with:", "", table(["rule", "findings", "why"], ourOnly), "");
  const ruffOnly = f.ruffCodesWithoutCounterpart.map((code) => [code, f.ruffByCode[code]]);
  if (ruffOnly.length) out.push("Ruff codes that fired and that none of our rules lists as an alias (not compared):", "", table(["ruff code", "diagnostics"], ruffOnly), "");
  out.push("### Differences (first 10 per list; all of them, and every finding of our rules that ruff cannot compare with, in `bench/results/differences.md`)", "", differencesMarkdown(f, 10));
  return out.join("\n");
}

function appSection(r: BenchResults): string {
  const out = ["## 3. The App end to end", ""];
  if (!r.app || r.app.skipped) return out.concat(`Not measured in this run${r.app?.skipped ? `: ${r.app.skipped}` : ""}.`, "").join("\n");
  out.push(...r.app.notes, "");
  out.push(table(["API latency", "changed files", "review posted", "check completed", "last request done", "API requests", "writes", "beyond 1st annotation batch", "sequential round trips", "peak RSS", "findings", "inline comments", "conclusion"],
    r.app.scenarios.map((s) => [`${s.latencyMs} ms`, s.changedFiles, s.reviewPostedMs === undefined ? "none" : seconds(s.reviewPostedMs), s.checkCompletedMs === undefined ? "never" : seconds(s.checkCompletedMs), seconds(s.lastRequestMs ?? NaN), s.apiRequests, s.writes, s.requestsBeyondFirstAnnotationBatch, s.sequentialRoundTrips, mb(s.peakRssMb), s.findings, s.inlineComments, s.error ? `error: ${s.error}` : s.conclusion ?? ""])), "");
  const target = r.app.scenarios.find((s) => s.changedFiles === targets.appTargetFiles && s.latencyMs === targets.appTargetLatencyMs);
  if (target?.timeline.length) {
    out.push(`Where the time goes for the ${target.changedFiles}-file PR at ${target.latencyMs} ms: every request the App made, from the delivery (writes are the ones Probot's throttling spaces ≥ 1 s apart).`, "");
    out.push(table(["#", "request", "sent", "answered", "status"], target.timeline.map((t, i) => [i + 1, `\`${t.request}\``, millis(t.startMs), millis(t.endMs), t.status])), "");
  }
  return out.join("\n");
}

function journalSection(r: BenchResults): string {
  const j = r.journal;
  if (!j) return "";
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  return [
    "## 5. Job journal (embedded mode)",
    "",
    "Each change to the journal of queued and running reviews is an fsynced write of a temporary file and a rename (write-file-atomic), in the system's temporary directory; the webhook is answered once its job is on disk. Changes made while a write is on disk go together in the next.",
    "",
    table(["what", "figure"], [
      [`one delivery's job made durable, one after another (up to ${j.enqueue.others} others journaled)`, `p50 ${ms(j.enqueue.p50Ms)}, p95 ${ms(j.enqueue.p95Ms)}, max ${ms(j.enqueue.maxMs)}`],
      [`${j.burst.count} deliveries made durable at once (coalesced)`, `${j.burst.totalMs.toFixed(1)} ms in all`],
      [`a job's whole life (queued; started with its check run; done), ${j.lifecycle.writes} fsynced writes, 20 others journaled`, `p50 ${ms(j.lifecycle.p50Ms)}, p95 ${ms(j.lifecycle.p95Ms)}`],
    ]),
    "",
  ].join("\n");
}

function intakeSection(r: BenchResults): string {
  const out = ["## 4. Webhook intake", ""];
  const i = r.intake;
  if (!i || i.skipped) return out.concat(`Not measured in this run${i?.skipped ? `: ${i.skipped}` : ""}.`, "").join("\n");
  out.push(`Bursts of ${i.deliveries} signed \`pull_request\` deliveries (~21 KB each, from @octokit/webhooks-examples), all sent at once on ${i.deliveries} loopback connections to the real server by a separate process, after one warm-up burst of ignored \`closed\` deliveries; the floor burst runs before the measured one, on an idle server. Latency: from sending a request to its answer. The \`closed\` burst shows what the server costs without any review work; the difference to the \`opened\` burst is the App's own handler and the reviews it runs on the same event loop meanwhile.`, "");
  if ((i.repetitions ?? 1) > 1) out.push(`The whole measurement ran ${i.repetitions} times, each with a fresh App process; p50 and p99 are the medians of the runs, max the largest answer time of all.`, "");
  out.push(table(["burst", "p50", "p99", "p99 of each run", "max", "responses"], i.bursts.map((b) => [b.label, millis(b.p50Ms), millis(b.p99Ms), (b.p99PerRepetitionMs ?? []).map((v) => `${v} ms`).join(", "), millis(b.maxMs), Object.entries(b.statusCounts).map(([k, v]) => `${v}× ${k}`).join(", ")])), "");
  return out.join("\n");
}

function loadSection(r: BenchResults): string {
  const out = ["## 6. Load: one App or many workers on Redis", ""];
  const l = r.load;
  if (!l || l.skipped || l.scenarios.length === 0) return out.concat(`Not measured in this run${l?.skipped ? `: ${l.skipped}` : ""} (\`--only load\` measures it).`, "").join("\n");
  out.push(`\`bench/load.ts\`: ${l.deliveries} signed deliveries in ${l.windowSeconds} s over ${l.pulls} pull requests, each PR's ten in order at seeded random moments: \`opened\` and its redelivery, two pushes in a row, a late redelivery of the first push (its old head), a redelivery of the second, a re-run of the checks and its redelivery, a last push and its redelivery. A fresh fake GitHub answers every request after ${l.latencyMs} ms; Probot's default throttling is on. Embedded: one App process that takes the webhooks and reviews. Redis: a real redis-server, an App process that only takes webhooks (\`REVIEW_CONCURRENCY=0\`) and one or two \`npm run worker\` processes (4 reviews at once each). Afterwards each run is checked: no check run in progress, at most one completed check run per head (plus one per re-run asked for it), every PR's last head reviewed, no comment posted twice, webhook p99 under 1 s.`, "");
  out.push(table(["mode", "check runs completed", "heads reviewed", "reviews per minute", "drained after", "p95 time to review", "webhook p50 / p99", "peak memory per worker", "webhook process", "guarantees"], l.scenarios.map((s) => [
    s.label,
    s.reviews,
    s.reviewedHeads,
    s.reviewsPerMinute.toFixed(1),
    seconds(s.drainSeconds * 1000),
    seconds(s.p95TimeToReviewSeconds * 1000),
    `${millis(s.webhookP50Ms)} / ${millis(s.webhookP99Ms)}`,
    s.workerPeakRssMb.map(mb).join(", "),
    mb(s.intakePeakRssMb),
    s.problems.length ? s.problems.join("; ") : "all held",
  ])), "");
  out.push("Most deliveries end as no review at all: redeliveries coalesce or are remembered, pushes superseded before their review starts are skipped, and a re-run asked while its head's review is still queued joins it. What remains is paced by Probot's throttling, which spaces writes and GraphQL POSTs ≥ 1 s apart per process, and in Redis mode across all processes (Probot keeps its throttle in the same Redis): a second worker adds analysis capacity and survives the loss of the first, but not GitHub write throughput. That pacing is what GitHub asks of integrations to stay clear of its secondary rate limits.", "");
  return out.join("\n");
}

/** For each missed target, the figures of this run that bound it. */
function limitsSection(r: BenchResults): string {
  const out: string[] = [];
  const t = r.corpusTiming;
  const ours = t?.runners.find((x) => x.name === "async-review");
  const ruff = t?.runners.find((x) => x.name === "ruff");
  const floor = t?.runners.find((x) => x.name === "parse-floor");
  if (ours && ruff && floor && (t!.ratios.oursToRuffWall ?? 0) > targets.cliToRuffWall) {
    const budget = ruff.medianWallMs * targets.cliToRuffWall;
    out.push(`- **CLI vs ruff.** The target allows ${seconds(budget)} (half of ruff's ${seconds(ruff.medianWallMs)}); the CLI took ${seconds(ours.medianWallMs)}. Parsing alone costs ${seconds(floor.medianCpuMs)} of CPU, so even split perfectly over ${r.machine.cores} cores it needs ${seconds(floor.medianCpuMs / r.machine.cores)} before any rule runs; the CLI spent ${seconds(ours.medianCpuMs)} of CPU in all, ${seconds(ours.medianCpuMs - floor.medianCpuMs)} more than the floor (start-up, reading, the pre-filter, the semantic model and rules), and its wall time is ${ratio(ours.medianWallMs / ours.medianCpuMs)} of its CPU time (1/${r.machine.cores} would be perfect use of the cores).${r.cpuProfiles ? ` Under the profiler, ${r.cpuProfiles.cli.buckets.slice(0, 4).map((b) => `${(b.share * 100).toFixed(0)}% ${b.bucket}`).join(", ")}: see "Where the CLI's CPU time goes".` : ""}${ours.medianWallMs / ours.medianCpuMs < 0.6 ? " The cores are already used well: halving ruff's time needs less CPU in all, not a better spread." : " Part of the gap is cores left idle: the work is not spread evenly over the threads."}`);
  }
  const app = r.app?.scenarios.find((s) => s.changedFiles === targets.appTargetFiles && s.latencyMs === targets.appTargetLatencyMs);
  if (app && ((app.reviewPostedMs ?? Infinity) > targets.appReviewMs || (app.checkCompletedMs ?? Infinity) > targets.appCheckMs || app.requestsBeyondFirstAnnotationBatch > targets.appExtraRequests)) {
    const throttled = app.timeline.filter((e) => !e.request.startsWith("GET") && !e.request.includes("access_tokens"));
    out.push(`- **App, ${app.changedFiles} files at ${app.latencyMs} ms.** ${throttled.length} of its ${app.apiRequests} requests are writes or GraphQL POSTs, which Probot's throttling spaces ≥ 1 s apart, so the last of them cannot be answered before ≈ ${throttled.length - 1} s + one round trip; ${app.sequentialRoundTrips} round trips were sequential (≥ ${seconds(app.sequentialRoundTrips * app.latencyMs)} at this latency). See the request timeline above.`);
  }
  const measured = r.intake?.bursts.find((b) => b.label === intakeBurstLabels.measured);
  const probotFloor = r.intake?.bursts.find((b) => b.label === intakeBurstLabels.floor);
  const bare = r.intake?.bursts.find((b) => b.label === intakeBurstLabels.bare);
  if (measured && measured.p99Ms > targets.intakeP99Ms && probotFloor && bare) {
    out.push(`- **Intake.** p99 ${millis(measured.p99Ms)} against a target of ${millis(targets.intakeP99Ms)}. On this machine a bare node:http server needs ${millis(bare.p99Ms)} (p99) to accept the same ${r.intake!.deliveries} connections and parse their bodies; Probot's own verification and event plumbing, with no review, reaches ${millis(probotFloor.p99Ms)}; the rest, ${millis(measured.p99Ms - probotFloor.p99Ms)}, is the App: its handler and the reviews it starts on the same event loop while deliveries are still arriving.`);
  }
  const spread = Math.max(...(t?.runners ?? []).map((x) => Math.max(...x.wallMs) / Math.min(...x.wallMs)));
  if (out.length && spread > 1.25) {
    out.push(`- The slowest round of a runner took ${ratio(spread)} its fastest: other work competed for the ${r.machine.cores} cores during this run, which inflates wall times (CPU times and the best rounds are less affected).`);
  }
  return out.length ? ["## What limits the missed targets", "", ...out, ""].join("\n") : "";
}

export function renderBenchmarks(r: BenchResults): string {
  const m = r.machine;
  return [
    "# Benchmarks",
    "",
    `Generated by \`npm run bench${r.mode === "quick" ? " -- --quick" : ""}\`${r.mode === "quick" ? " (short mode: fewer rounds)" : ""} on ${m.date.slice(0, 10)}. Machine: ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; 1-minute load average at the start: ${m.loadAverageAtStart} (the build that \`npm run bench\` runs first counts in it)${m.loadAverageAtStart > m.cores ? ": other work was running, expect noise" : ""}. Machine-readable figures: \`bench/results.json\`.`,
    "",
    ...(new Set(Object.values(r.measuredAt ?? {}).map((d) => d.slice(0, 13))).size > 1
      ? [`Parts were measured at different times (a partial rerun with \`--only\`): ${Object.entries(r.measuredAt).map(([part, d]) => `${part}: ${d.slice(0, 16).replace("T", " ")}`).join("; ")}.`, ""]
      : []),
    "## How to read this",
    "",
    "- Everything is measured in one run on one machine, side by side, because absolute times drift between machines and runs: compare the ratios, not the seconds, with figures from elsewhere.",
    "- Part 1 runs whole processes (start-up, reading files and output included), alternating the runners so that noise hits all of them. The parse floor is web-tree-sitter parsing every file once and doing nothing else: no analyzer built on it can be cheaper on one thread.",
    "- Part 2 shows what each tool finds on real code; every difference is listed with its file and line so that it can be checked by hand.",
    "- Part 3 runs the real Probot server against a local fake GitHub with injected latency per request, under Probot's default throttling (writes ≥ 1 s apart). Times run from the webhook delivery to the request that posted the review / completed the check, as the fake GitHub logged them.",
    "- Part 4 measures how fast the server answers webhooks, which is what GitHub waits for (it gives up after 10 s).",
    "- Part 5 sends a storm of deliveries to the embedded mode and to Redis mode with one and two workers, and checks the review guarantees afterwards.",
    "",
    "## Targets",
    "",
    table(["target", "figure", "verdict"], targetRows(r)),
    "",
    ...(r.errors.length ? ["Errors in this run:", "", ...r.errors.map((e) => `- ${e}`), ""] : []),
    limitsSection(r),
    corpusSection(r),
    findingsSection(r),
    appSection(r),
    appContextSection(r),
    intakeSection(r),
    journalSection(r),
    loadSection(r),
    "## Reproduce",
    "",
    "`npm run bench` (all parts, about 15 minutes; the load part alone about 7) or `npm run bench -- --quick` (fewer rounds and sizes, under 2 minutes; writes to `bench/.cache/quick/` and leaves this file alone). `-- --only corpus,sizes,fuzz,app,appctx,intake,journal,load` re-measures some parts and keeps the others from the last results; `-- --render` rewrites this file from `bench/results.json` without measuring. The first run downloads the corpus (≈ 5 MB of .deb) with `apt-get` (`node dist/bench/corpus.js` alone does only that); later runs reuse it. GNU time (`/usr/bin/time`, Debian package `time`) measures the processes and is installed if missing.",
    "",
  ].join("\n");
}
