// Part 1: whole-process runs on the corpus, alternating ours / ruff / parse floor each round so that
// machine noise hits all three alike. Reports the median of each measure and the ratios.
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { measureProcess, median, type ProcessMeasurement } from "./measure.js";
import { cliPath, distBench, repoRoot } from "./paths.js";

export interface RunnerSummary {
  name: string;
  command: string;
  rounds: number;
  medianWallMs: number;
  medianCpuMs: number;
  medianPeakRssMb: number;
  /** The least-disturbed round: on a busy machine noise only adds time, so the minimum is the cleanest. */
  minWallMs: number;
  minCpuMs: number;
  wallMs: number[];
  exitCodes: number[];
}

export interface CorpusTiming {
  runners: RunnerSummary[];
  ratios: { oursToRuffWall?: number; oursToRuffWallBest?: number; oursToRuffCpu?: number; oursToRuffRss?: number; oursToFloorWall?: number; oursToFloorCpu?: number };
  skipped: string[];
  /** stdout of the last run of each runner, for the findings comparison. */
  lastOutput: Record<string, string>;
}

interface Runner { name: string; args: string[]; okExitCodes: number[] }

export function corpusRunners(corpus: string): { runners: Runner[]; skipped: string[] } {
  const rel = relative(repoRoot, corpus);
  const runners: Runner[] = [];
  const skipped: string[] = [];
  if (existsSync(cliPath)) {
    // The default run of a user who checks again: the imported modules' summaries come from the cache that the
    // untimed warm-up round (or the last round) left in .async-review-cache.
    runners.push({ name: "async-review", args: [cliPath, "check", "--format", "json", rel], okExitCodes: [0, 1] });
    // A first run (CI on a clean clone): every imported module is summarized.
    runners.push({ name: "async-review-cold", args: [cliPath, "check", "--format", "json", "--no-cache", rel], okExitCodes: [0, 1] });
    // Without repository context (each file alone): what reading the imported modules costs.
    runners.push({ name: "async-review-alone", args: [cliPath, "check", "--format", "json", "--no-follow-imports", rel], okExitCodes: [0, 1] });
  } else skipped.push(`async-review: ${relative(repoRoot, cliPath)} is not built`);
  runners.push({ name: "ruff", args: [join(distBench, "ruff-runner.js"), rel], okExitCodes: [0] });
  runners.push({ name: "parse-floor", args: [join(distBench, "parse-floor.js"), rel], okExitCodes: [0] });
  return { runners, skipped };
}

export async function timeCorpus(corpus: string, rounds: number, log: (line: string) => void): Promise<CorpusTiming> {
  const { runners, skipped } = corpusRunners(corpus);
  const samples = new Map<string, ProcessMeasurement[]>(runners.map((r) => [r.name, []]));
  const lastOutput: Record<string, string> = {};
  const runOnce = async (runner: Runner): Promise<ProcessMeasurement> => {
    const m = await measureProcess(process.execPath, runner.args, { cwd: repoRoot });
    if (!runner.okExitCodes.includes(m.exitCode)) {
      throw new Error(`${runner.name} exited ${m.exitCode}: ${m.stderr.slice(0, 2000)}`);
    }
    lastOutput[runner.name] = m.stdout;
    return m;
  };
  // One untimed pass warms the page cache and V8's code cache for everybody.
  for (const runner of runners) await runOnce(runner);
  for (let round = 1; round <= rounds; round++) {
    for (const runner of runners) {
      const m = await runOnce(runner);
      samples.get(runner.name)!.push(m);
      log(`  round ${round}/${rounds} ${runner.name.padEnd(18)} wall ${(m.wallMs / 1000).toFixed(2)} s  cpu ${(m.cpuMs / 1000).toFixed(2)} s  rss ${m.peakRssMb.toFixed(0)} MB`);
    }
  }
  const summaries: RunnerSummary[] = runners.map((runner) => {
    const ms = samples.get(runner.name)!;
    return {
      name: runner.name,
      command: ["node", ...runner.args.map((a) => (a.startsWith(repoRoot) ? relative(repoRoot, a) : a))].join(" "),
      rounds,
      medianWallMs: median(ms.map((m) => m.wallMs)),
      medianCpuMs: median(ms.map((m) => m.cpuMs)),
      medianPeakRssMb: median(ms.map((m) => m.peakRssMb)),
      minWallMs: Math.min(...ms.map((m) => m.wallMs)),
      minCpuMs: Math.min(...ms.map((m) => m.cpuMs)),
      wallMs: ms.map((m) => Math.round(m.wallMs)),
      exitCodes: ms.map((m) => m.exitCode),
    };
  });
  const by = (name: string) => summaries.find((s) => s.name === name);
  const ours = by("async-review");
  const ruff = by("ruff")!;
  const floor = by("parse-floor")!;
  const ratios: CorpusTiming["ratios"] = {};
  if (ours) {
    ratios.oursToRuffWall = ours.medianWallMs / ruff.medianWallMs;
    ratios.oursToRuffWallBest = ours.minWallMs / ruff.minWallMs;
    ratios.oursToRuffCpu = ours.medianCpuMs / ruff.medianCpuMs;
    ratios.oursToRuffRss = ours.medianPeakRssMb / ruff.medianPeakRssMb;
    ratios.oursToFloorWall = ours.medianWallMs / floor.medianWallMs;
    ratios.oursToFloorCpu = ours.medianCpuMs / floor.medianCpuMs;
  }
  return { runners: summaries, ratios, skipped, lastOutput };
}
