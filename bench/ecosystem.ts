// `npm run ecosystem [-- --write-new]`: the ecosystem check. Runs the built CLI over the real corpora (Debian's
// asyncio libraries, and Debian's asyncio applications), diffs its findings against the committed verdicts in
// bench/ecosystem/baseline.json, prints what a change added or dropped and the precision, and runs the
// fix-safety check (every offered fix applied, compiled with Debian's python3, and checked against the
// package's oldest Python). Exit 1 when a finding has no verdict yet or a fix fails; --write-new appends the
// unjudged findings to bench/ecosystem/unjudged.json for judging.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ensureApplicationCorpus, ensureMoreLibrariesCorpus, ensureCorpus, type CorpusManifest } from "./corpus.js";
import {
  diffAgainstBaseline, keyFindings, precisionByRule, precisionOf,
  type Baseline, type EcosystemDiff, type KeyedFinding, type Precision, type ReportedFinding,
} from "./ecosystem-baseline.js";
import { checkFixes, type FixFailure } from "./fix-safety.js";
import { cliPath, repoRoot } from "./paths.js";

export const baselinePath = join(repoRoot, "bench", "ecosystem", "baseline.json");
const unjudgedPath = join(repoRoot, "bench", "ecosystem", "unjudged.json");

export interface CorpusCheck {
  name: string;
  diff: EcosystemDiff;
  precision: Precision;
  byRule: Map<string, Precision>;
  fixes: { offered: number; failures: FixFailure[] };
}

function runCli(dir: string): ReportedFinding[] {
  const output = execFileSync(process.execPath, [cliPath, "check", dir, "--format", "json", "--exit-zero"], {
    cwd: repoRoot, encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "ignore"],
  });
  const { findings } = JSON.parse(output) as { findings: ReportedFinding[] };
  const prefix = relative(repoRoot, dir).split("\\").join("/") + "/";
  return findings.map((finding) => ({ ...finding, path: finding.path.startsWith(prefix) ? finding.path.slice(prefix.length) : finding.path }));
}

export function checkCorpus(name: string, corpus: CorpusManifest, baseline: Baseline): CorpusCheck {
  const findings = keyFindings(runCli(corpus.dir));
  const diff = diffAgainstBaseline(findings, baseline.corpora[name] ?? []);
  return { name, diff, precision: precisionOf(diff), byRule: precisionByRule(diff), fixes: checkFixes(corpus.dir, findings) };
}

const percent = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(1)} %`);

export function describeCheck(check: CorpusCheck): string {
  const { precision, diff, fixes } = check;
  const lines = [
    `## ${check.name}: ${diff.judged.length + diff.added.length} findings`,
    `precision ${percent(precision.precision)} (TP ${precision.tp}, FP ${precision.fp}, debatable ${precision.debatable}; counting debatable as wrong: ${percent(precision.strict)}); unjudged ${precision.unjudged}`,
    "",
    "| rule | findings | TP | FP | debatable | unjudged | precision |",
    "|---|---|---|---|---|---|---|",
    ...[...check.byRule].map(([rule, p]) => `| ${rule} | ${p.tp + p.fp + p.debatable + p.unjudged} | ${p.tp} | ${p.fp} | ${p.debatable} | ${p.unjudged} | ${percent(p.precision)} |`),
    "",
    `fix safety: ${fixes.offered} fixes offered, ${fixes.failures.length} fail`,
    ...fixes.failures.map((failure) => `  FIX FAILS ${failure.path}:${failure.line} ${failure.rule}: ${failure.problem}`),
  ];
  // Compiling and fitting the target is not enough: the audit also judged whether applying the fix is right.
  const judgedUnsafe = diff.judged.filter(({ finding, verdict }) => finding.fix && verdict.fixOk === false);
  lines.push(`fixes the audit judged wrong to apply: ${judgedUnsafe.length}`,
    ...judgedUnsafe.map(({ finding, verdict }) => `  UNSAFE ${finding.path}:${finding.line} ${finding.rule} [${verdict.verdict}] ${verdict.reason}`));
  // What still costs precision: the reported findings judged wrong or debatable, for the next round's work.
  const wrong = diff.judged.filter(({ verdict }) => verdict.verdict !== "TP");
  if (wrong.length) lines.push("", "still reported, judged FP or debatable:", ...wrong.map(({ finding, verdict }) => `  ! ${finding.path}:${finding.line} ${finding.rule} [${verdict.verdict}] ${verdict.reason}`));
  if (diff.added.length) lines.push("", "new findings (no verdict yet):", ...diff.added.map((f) => `  + ${f.path}:${f.line} ${f.rule}: ${f.message}`));
  const lostTruePositives = diff.dropped.filter((entry) => entry.verdict === "TP");
  if (diff.dropped.length) {
    lines.push("", `no longer reported: ${diff.dropped.length} (${lostTruePositives.length} of them true positives)`);
    lines.push(...diff.dropped.map((entry) => `  - ${entry.path}:${entry.line} ${entry.rule} [${entry.verdict}] ${entry.reason}`));
  }
  return lines.join("\n");
}

function readBaseline(): Baseline {
  return existsSync(baselinePath) ? (JSON.parse(readFileSync(baselinePath, "utf8")) as Baseline) : { corpora: {} };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { "write-new": { type: "boolean", default: false } } });
  const baseline = readBaseline();
  const log = (line: string) => console.error(line);
  const checks = [
    checkCorpus("libraries", ensureCorpus(log), baseline),
    checkCorpus("applications", ensureApplicationCorpus(log), baseline),
    checkCorpus("more-libraries", ensureMoreLibrariesCorpus(log), baseline),
  ];
  console.log(checks.map(describeCheck).join("\n\n"));
  if (values["write-new"]) {
    const unjudged: Record<string, KeyedFinding[]> = Object.fromEntries(checks.map((check) => [check.name, check.diff.added]));
    mkdirSync(join(unjudgedPath, ".."), { recursive: true });
    writeFileSync(unjudgedPath, JSON.stringify(unjudged, null, 2) + "\n");
    console.log(`\nwrote the unjudged findings to ${relative(repoRoot, unjudgedPath)}`);
  }
  const failed = checks.some((check) => check.diff.added.length > 0 || check.fixes.failures.length > 0);
  process.exitCode = failed ? 1 : 0;
}
