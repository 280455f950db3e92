// `check --statistics`: how many findings each rule has, at which severity, and how many `--fix` can settle,
// most frequent first (as ruff's `--statistics`); a table, or JSON with `--format json`.
import type { Finding, Severity } from '../analyzer/types.js';

export interface RuleStatistics {
  rule: string;
  severity: Severity;
  count: number;
  fixable: number;
}

/** One row per rule and severity (`rules:` can give a rule's aliases different severities). */
export function ruleStatistics(findings: readonly Finding[]): RuleStatistics[] {
  const rows = new Map<string, RuleStatistics>();
  for (const finding of findings) {
    const key = `${finding.rule}\0${finding.severity}`;
    const row = rows.get(key) ?? { rule: finding.rule, severity: finding.severity, count: 0, fixable: 0 };
    row.count++;
    if (finding.fix) row.fixable++;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule) || a.severity.localeCompare(b.severity));
}

export function renderStatistics(findings: readonly Finding[], format: 'table' | 'json'): string {
  const rows = ruleStatistics(findings);
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (rows.length === 0) return 'No asyncio pitfalls found.\n';
  const width = (values: string[]) => Math.max(...values.map((value) => value.length));
  const countWidth = width(rows.map((row) => String(row.count)));
  const ruleWidth = width(rows.map((row) => row.rule));
  const lines = rows.map((row) =>
    `${String(row.count).padStart(countWidth)}  ${row.rule.padEnd(ruleWidth)}  ${row.severity.padEnd(7)}  ${row.fixable > 0 ? `${row.fixable} fixable` : ''}`.trimEnd());
  return `${lines.join('\n')}\n`;
}
