// Part 2: our findings on the corpus beside ruff's, for the rules both have. A ruff code belongs to our
// rule when the rule lists it among its aliases. A ruff diagnostic and one of ours are the same finding
// when they name the same rule and file and ruff's line falls inside our reported lines.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface OurFinding { rule: string; path: string; line: number; endLine?: number; message?: string }
export interface RuffDiagnostic { code: string; path: string; line: number; column: number }
export interface RuleAliases { name: string; aliases: readonly string[] }

export interface Difference { rule: string; path: string; line: number; code: string; source: string }

export interface RuleComparison {
  rule: string;
  ruffCodes: string[];
  ours: number;
  ruff: number;
  both: number;
  onlyOurs: Difference[];
  onlyRuff: Difference[];
}

export interface FindingsComparison {
  oursByRule: Record<string, number>;
  ruffByCode: Record<string, number>;
  shared: RuleComparison[];
  /** Ruff codes that fired on the corpus but that no rule of ours lists as an alias. */
  ruffCodesWithoutCounterpart: string[];
  /** Our rules that fired but have no ruff code in the compared selection. */
  ourRulesWithoutCounterpart: string[];
  /** The findings of those rules, so that they too can be checked by hand. */
  uncompared: Difference[];
  ruffVersion?: string;
  /** Per rule: aliases of the ASYNC/RUF006/PLE1142 families that the installed ruff does not implement. */
  aliasesRuffLacks?: Record<string, string[]>;
}

const countBy = <T>(items: T[], key: (item: T) => string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
};

function sourceLine(root: string, path: string, line: number, cache: Map<string, string[]>): string {
  let lines = cache.get(path);
  if (!lines) {
    try {
      lines = readFileSync(join(root, path), "utf8").split(/\r?\n/);
    } catch {
      lines = [];
    }
    cache.set(path, lines);
  }
  return (lines[line - 1] ?? "").trim();
}

/** `isRuffCode` says which aliases belong to the ruff selection that was run (e.g. ASYNC*, RUF006, PLE1142). */
export function compareFindings(
  ours: OurFinding[],
  ruff: RuffDiagnostic[],
  rules: readonly RuleAliases[],
  isRuffCode: (code: string) => boolean,
  pathsRoot: string,
): FindingsComparison {
  const ruleOfCode = new Map<string, string>();
  for (const rule of rules) for (const alias of rule.aliases) if (isRuffCode(alias)) ruleOfCode.set(alias, rule.name);
  const cache = new Map<string, string[]>();
  const shared: RuleComparison[] = [];
  for (const rule of rules) {
    const ruffCodes = rule.aliases.filter(isRuffCode);
    if (ruffCodes.length === 0) continue;
    const mine = ours.filter((f) => f.rule === rule.name);
    const theirs = ruff.filter((d) => ruleOfCode.get(d.code) === rule.name);
    const matchedMine = new Set<OurFinding>();
    const onlyRuff: Difference[] = [];
    let both = 0;
    for (const d of theirs) {
      const match = mine.find((f) => !matchedMine.has(f) && f.path === d.path && d.line >= f.line && d.line <= (f.endLine ?? f.line));
      if (match) {
        matchedMine.add(match);
        both += 1;
      } else {
        onlyRuff.push({ rule: rule.name, path: d.path, line: d.line, code: d.code, source: sourceLine(pathsRoot, d.path, d.line, cache) });
      }
    }
    const onlyOurs = mine
      .filter((f) => !matchedMine.has(f))
      .map((f) => ({ rule: rule.name, path: f.path, line: f.line, code: rule.name, source: sourceLine(pathsRoot, f.path, f.line, cache) }));
    shared.push({ rule: rule.name, ruffCodes, ours: mine.length, ruff: theirs.length, both, onlyOurs, onlyRuff });
  }
  const ruffByCode = countBy(ruff, (d) => d.code);
  const oursByRule = countBy(ours, (f) => f.rule);
  const comparedRules = new Set(shared.map((s) => s.rule));
  const ourRulesWithoutCounterpart = Object.keys(oursByRule).filter((rule) => !comparedRules.has(rule));
  const uncompared = ours
    .filter((f) => !comparedRules.has(f.rule))
    .map((f) => ({ rule: f.rule, path: f.path, line: f.line, code: f.rule, source: sourceLine(pathsRoot, f.path, f.line, cache) }));
  return {
    oursByRule,
    ruffByCode,
    shared,
    ruffCodesWithoutCounterpart: Object.keys(ruffByCode).filter((code) => !ruleOfCode.has(code)),
    ourRulesWithoutCounterpart,
    uncompared,
  };
}

export const isComparedRuffCode = (code: string): boolean => /^ASYNC\d+$/.test(code) || code === "RUF006" || code === "PLE1142";

const bullet = (d: Difference, withCode: boolean): string =>
  `- \`${d.path}:${d.line}\`${withCode ? ` ${d.code}` : ""}: \`${d.source.replaceAll("`", "'").slice(0, 120)}\``;

/** Findings of our rules that ruff has nothing to compare with, grouped by rule, as Markdown. */
export function uncomparedMarkdown(comparison: FindingsComparison): string {
  const out: string[] = [];
  for (const rule of comparison.ourRulesWithoutCounterpart) {
    const list = comparison.uncompared.filter((d) => d.rule === rule);
    out.push(`#### ${rule}: ${list.length}`, "", ...list.map((d) => bullet(d, false)), "");
  }
  return out.join("\n");
}

/** Every difference, grouped by rule, as Markdown: each is a file:line with the source line quoted. */
export function differencesMarkdown(comparison: FindingsComparison, limitPerList = Infinity): string {
  const out: string[] = [];
  for (const rule of comparison.shared) {
    for (const [label, list] of [["only async-review", rule.onlyOurs], ["only ruff", rule.onlyRuff]] as const) {
      if (list.length === 0) continue;
      out.push(`#### ${rule.rule} (${rule.ruffCodes.join(", ")}): ${label}, ${list.length}`, "");
      for (const d of list.slice(0, limitPerList)) {
        out.push(bullet(d, label === "only ruff"));
      }
      if (list.length > limitPerList) out.push(`- … ${list.length - limitPerList} more in bench/results/differences.md`);
      out.push("");
    }
  }
  return out.length ? out.join("\n") : "No differences on the rules both tools have.\n";
}
