// The ecosystem check's data and diff, as ruff's ecosystem check does it: every finding the CLI reports on a
// real corpus is matched against a committed baseline of verdicts (TP, FP or debatable, each with a reason), so
// a change to a rule or the model shows exactly which findings it adds or drops, and what they were worth.
// Pure functions; bench/ecosystem.ts runs the CLI and prints.

export type Verdict = "TP" | "FP" | "debatable";

export interface JudgedFinding {
  /** rule | path inside the corpus | first reported line, trimmed | function | occurrence: stable when lines
   *  move. */
  key: string;
  rule: string;
  path: string;
  line: number;
  verdict: Verdict;
  reason: string;
  /** For a finding with a fix: would applying it be correct on every Python the package supports? */
  fixOk?: boolean;
}

export interface Baseline {
  /** Per corpus name (libraries, applications): the judged findings. */
  corpora: Record<string, JudgedFinding[]>;
}

export interface ReportedFinding {
  rule: string;
  /** Relative to the corpus folder, POSIX. */
  path: string;
  line: number;
  code: string;
  message: string;
  fix: { line: number; endLine: number; replacement: string } | null;
}

export interface KeyedFinding extends ReportedFinding { key: string }

/** The function a message names the finding in (`in coroutine \`Shard.reconnect\``), '' when none. */
export function contextOf(message: string): string {
  return /\b(?:coroutine|function|method) `([^`]+)`/.exec(message)?.[1] ?? "";
}

/** Keys that survive line moves and rewording: rule, path, the first reported line and the function it is in;
 *  two identical findings in one function are told apart by their order. */
export function keyFindings(findings: readonly ReportedFinding[]): KeyedFinding[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const base = `${finding.rule}|${finding.path}|${(finding.code.split("\n")[0] ?? "").trim()}|${contextOf(finding.message)}`;
    const occurrence = seen.get(base) ?? 0;
    seen.set(base, occurrence + 1);
    return { ...finding, key: `${base}|${occurrence}` };
  });
}

export interface EcosystemDiff {
  /** Reported and judged. */
  judged: { finding: KeyedFinding; verdict: JudgedFinding }[];
  /** Reported but not in the baseline: a change added them, and they need a verdict. */
  added: KeyedFinding[];
  /** In the baseline but no longer reported: a TP here is a lost true positive. */
  dropped: JudgedFinding[];
}

export function diffAgainstBaseline(findings: readonly KeyedFinding[], baseline: readonly JudgedFinding[]): EcosystemDiff {
  const byKey = new Map(baseline.map((entry) => [entry.key, entry] as const));
  const reported = new Set<string>();
  const judged: EcosystemDiff["judged"] = [];
  const added: KeyedFinding[] = [];
  for (const finding of findings) {
    reported.add(finding.key);
    const verdict = byKey.get(finding.key);
    if (verdict) judged.push({ finding, verdict });
    else added.push(finding);
  }
  return { judged, added, dropped: baseline.filter((entry) => !reported.has(entry.key)) };
}

export interface Precision {
  tp: number;
  fp: number;
  debatable: number;
  unjudged: number;
  /** TP / (TP + FP): debatable findings count on neither side, as in the audit. */
  precision: number | null;
  /** TP / (TP + FP + debatable): debatable counted as wrong. */
  strict: number | null;
}

export function precisionOf(diff: EcosystemDiff): Precision {
  const count = (verdict: Verdict) => diff.judged.filter((entry) => entry.verdict.verdict === verdict).length;
  const tp = count("TP");
  const fp = count("FP");
  const debatable = count("debatable");
  return {
    tp, fp, debatable, unjudged: diff.added.length,
    precision: tp + fp > 0 ? tp / (tp + fp) : null,
    strict: tp + fp + debatable > 0 ? tp / (tp + fp + debatable) : null,
  };
}

/** Per rule: TP/FP/debatable among the reported findings. */
export function precisionByRule(diff: EcosystemDiff): Map<string, Precision> {
  const rules = new Set([...diff.judged.map((entry) => entry.finding.rule), ...diff.added.map((finding) => finding.rule)]);
  return new Map([...rules].sort().map((rule) => [rule, precisionOf({
    judged: diff.judged.filter((entry) => entry.finding.rule === rule),
    added: diff.added.filter((finding) => finding.rule === rule),
    dropped: [],
  })] as const));
}
