// `npm run bench [-- --quick] [-- --only corpus,sizes,fuzz,app,appctx,intake,journal,load] [-- --render]`: runs every benchmark one after the
// other (never in parallel: they would measure each other) and writes BENCHMARKS.md, bench/results.json
// and bench/results/differences.md. Quick mode writes to bench/.cache/quick/ instead.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { allRules } from "../rules/index.js";
import { runAppContextBenchmark } from "./app-context.js";
import { runAppBenchmarks } from "./app-e2e.js";
import { appEntry } from "./app-server.js";
import { ensureCorpus } from "./corpus.js";
import { profileCorpusRuns } from "./cli-profile.js";
import { timeCorpus } from "./corpus-timing.js";
import { compareFindings, differencesMarkdown, isComparedRuffCode, uncomparedMarkdown, type OurFinding, type RuffDiagnostic } from "./findings-compare.js";
import { machineInfo } from "./machine.js";
import { ensureGnuTime } from "./measure.js";
import { measureIntake } from "./intake.js";
import { measureLoad } from "./load.js";
import { distBench, repoRoot, resultsDir } from "./paths.js";
import { renderBenchmarks } from "./report.js";
import { ruffKnowsCode, ruffVersion } from "./ruff-codes.js";
import type { BenchResults } from "./results.js";
import type { SizePoint } from "./size-scaling.js";
import { fuzzSummary, type FuzzResults } from "./fuzz.js";

const stages = ["corpus", "sizes", "fuzz", "app", "appctx", "intake", "journal", "load"] as const;
type Stage = (typeof stages)[number];

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, only: { type: "string" }, render: { type: "boolean", default: false } } });
const quick = values.quick ?? false;
const only = new Set((values.only?.split(",") ?? stages) as Stage[]);
const unknownStages = [...only].filter((name) => !stages.includes(name));
if (unknownStages.length) {
  console.error(`unknown part(s) ${unknownStages.join(", ")}: --only takes a comma-separated list of ${stages.join(", ")}`);
  process.exit(2);
}
const log = (line: string): void => console.log(line);

const outDir = quick ? join(repoRoot, "bench", ".cache", "quick") : repoRoot;
const outFiles = quick
  ? { markdown: join(outDir, "BENCHMARKS.md"), json: join(outDir, "results.json"), differences: join(outDir, "differences.md") }
  : { markdown: join(repoRoot, "BENCHMARKS.md"), json: join(repoRoot, "bench", "results.json"), differences: join(resultsDir, "differences.md") };

// --render: rewrite BENCHMARKS.md from the saved results without measuring anything (after editing report.ts).
if (values.render) {
  writeFileSync(outFiles.markdown, renderBenchmarks(JSON.parse(readFileSync(outFiles.json, "utf8")) as BenchResults));
  log(`wrote ${outFiles.markdown} from ${outFiles.json}`);
  process.exit(0);
}

ensureGnuTime();
const corpus = ensureCorpus(log);
const { dir: _dir, ...corpusInfo } = corpus;
const fresh: BenchResults = { mode: quick ? "quick" : "full", machine: machineInfo(), corpus: corpusInfo, errors: [], measuredAt: {} };
// `--only` re-measures some parts and keeps the others from the previous results of the same mode.
const results: BenchResults = values.only && existsSync(outFiles.json) ? { ...previousResults(outFiles.json), ...fresh, measuredAt: previousResults(outFiles.json).measuredAt ?? {} } : fresh;

function previousResults(path: string): Partial<BenchResults> {
  const previous = JSON.parse(readFileSync(path, "utf8")) as Partial<BenchResults>;
  return previous.mode === fresh.mode ? previous : {};
}

async function stage(name: string, body: () => Promise<void>): Promise<void> {
  log(`\n== ${name}`);
  results.measuredAt[name] = new Date().toISOString();
  const started = performance.now();
  try {
    await body();
  } catch (error) {
    const message = `${name}: ${(error as Error).message.split("\n")[0]}`;
    results.errors.push(message);
    console.error(`   failed: ${(error as Error).stack ?? message}`);
  }
  log(`   (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

if (only.has("corpus")) {
  await stage("analyzer vs ruff vs parse floor on the corpus", async () => {
    const { lastOutput, ...timing } = await timeCorpus(corpus.dir, quick ? 2 : 7, log);
    results.corpusTiming = timing;
    if (lastOutput["async-review"] === undefined) return;
    const ours = (JSON.parse(lastOutput["async-review"]) as { findings: OurFinding[] }).findings;
    const ruff = (JSON.parse(lastOutput["ruff"]) as { diagnostics: RuffDiagnostic[] }).diagnostics;
    const selected = (code: string) => isComparedRuffCode(code) && ruffKnowsCode(code);
    results.findings = compareFindings(ours, ruff, allRules, selected, repoRoot);
    results.findings.ruffVersion = ruffVersion();
    results.findings.aliasesRuffLacks = Object.fromEntries(
      allRules.map((rule) => [rule.name, rule.aliases.filter((code) => isComparedRuffCode(code) && !ruffKnowsCode(code))] as const).filter(([, codes]) => codes.length > 0),
    );
    mkdirSync(join(outFiles.differences, ".."), { recursive: true });
    writeFileSync(
      outFiles.differences,
      `# Findings that only one tool reports on the corpus\n\nGenerated by \`npm run bench\`; see BENCHMARKS.md part 2.\n\n## Rules both tools have\n\n${differencesMarkdown(results.findings)}\n## Our rules that ruff cannot compare with\n\n${uncomparedMarkdown(results.findings)}`,
    );
  });
}

if (only.has("corpus") && results.corpusTiming?.runners.some((r) => r.name === "async-review")) {
  await stage("where the CLI's CPU time goes (--cpu-prof)", async () => {
    results.cpuProfiles = profileCorpusRuns(corpus.dir);
    for (const b of results.cpuProfiles.cli.buckets) log(`   ${(b.share * 100).toFixed(0).padStart(3)}%  ${b.ms.toFixed(0).padStart(5)} ms  ${b.bucket}`);
  });
}

if (only.has("sizes")) {
  await stage("cost per file size", async () => {
    const output = execFileSync(process.execPath, [join(distBench, "size-scaling.js"), ...(quick ? ["--quick"] : [])], { encoding: "utf8", maxBuffer: 1 << 24 });
    results.sizeScaling = JSON.parse(output) as SizePoint[];
    for (const p of results.sizeScaling) log(`   ${String(p.sizeKb).padStart(5)} KB  ${p.medianMs.toFixed(1)} ms  ${p.usPerKb.toFixed(0)} µs/KB`);
  });
}

if (only.has("fuzz")) {
  await stage("bounded analysis under fuzzing", async () => {
    // Its own process, as the size scaling: a fresh heap, and a stuck analysis can never hold up the bench.
    const output = execFileSync(process.execPath, [join(distBench, "fuzz.js"), "--json", ...(quick ? ["--quick"] : [])], { encoding: "utf8", maxBuffer: 1 << 26 });
    results.fuzz = JSON.parse(output) as FuzzResults;
    for (const line of fuzzSummary(results.fuzz)) log(`   ${line}`);
  });
}

const appMissing = existsSync(appEntry) ? undefined : "the App (dist/src/index.js) is not built";

if (only.has("app")) {
  await stage("the App end to end against the fake GitHub", async () => {
    results.app = appMissing ? { scenarios: [], notes: [], skipped: appMissing } : await runAppBenchmarks(quick, log);
  });
}

if (only.has("appctx")) {
  await stage("the App with and without repository context", async () => {
    results.appContext = appMissing ? { repetitions: 0, runs: [], summary: [], skipped: appMissing } : await runAppContextBenchmark(quick, log);
  });
}

if (only.has("intake")) {
  await stage("webhook intake: 200 concurrent signed deliveries", async () => {
    if (appMissing) {
      results.intake = { deliveries: 0, bursts: [], skipped: appMissing };
      return;
    }
    results.intake = await measureIntake(200, quick ? 1 : 3);
    for (const b of results.intake.bursts) log(`   ${b.label}: p50 ${b.p50Ms.toFixed(1)} ms, p99 ${b.p99Ms.toFixed(1)} ms (each run: ${b.p99PerRepetitionMs?.join(", ")}), max ${b.maxMs.toFixed(1)} ms, ${JSON.stringify(b.statusCounts)}`);
  });
}

if (only.has("journal")) {
  await stage("the job journal: fsynced writes per delivery", async () => {
    const { measureJournal } = await import("./journal.js");
    results.journal = await measureJournal(quick);
    log(`   enqueue p50 ${results.journal.enqueue.p50Ms.toFixed(2)} ms, p95 ${results.journal.enqueue.p95Ms.toFixed(2)} ms; burst of 200: ${results.journal.burst.totalMs.toFixed(1)} ms`);
  });
}

if (only.has("load")) {
  await stage("load: 200 deliveries in 10 s over 20 PRs, embedded vs Redis with 1 and 2 workers", async () => {
    if (appMissing) {
      results.load = { pulls: 0, deliveries: 0, windowSeconds: 0, latencyMs: 0, scenarios: [], skipped: appMissing };
      return;
    }
    // Each mode drains its backlog at Probot's write pace, a few minutes each: quick mode measures Redis with two workers only.
    results.load = await measureLoad(log, quick ? [2] : [0, 1, 2]);
    const problems = results.load.scenarios.flatMap((s) => s.problems.map((p) => `${s.label}: ${p}`));
    if (problems.length) throw new Error(`guarantees broken under load: ${problems.join("; ")}`);
  });
}

mkdirSync(join(outFiles.json, ".."), { recursive: true });
writeFileSync(outFiles.json, JSON.stringify(results, null, 2) + "\n");
writeFileSync(outFiles.markdown, renderBenchmarks(results));
log(`\nwrote ${outFiles.markdown}, ${outFiles.json}${results.findings ? `, ${outFiles.differences}` : ""}`);
if (results.errors.length) {
  console.error(`errors:\n${results.errors.join("\n")}`);
  process.exitCode = 1;
}
