// The CLI's machine-readable output (format version 1).
import type { AnalysisProblem, Finding } from '../analyzer/types.js';

export function renderJson(findings: readonly Finding[], problems: readonly AnalysisProblem[] = []): string {
  return JSON.stringify({ version: 1, findings: findings.map(findingAsJson), problems }, null, 2) + '\n';
}

/** A finding in the JSON format's field order (shared by `check` and `review`). */
export function findingAsJson(f: Finding) {
  return {
    rule: f.rule,
    ...(f.alias ? { alias: f.alias } : {}),
    severity: f.severity,
    path: f.path,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    message: f.message,
    code: f.code,
    fix: f.fix ? { line: f.fix.line, endLine: f.fix.endLine, replacement: f.fix.replacement } : null,
  };
}
