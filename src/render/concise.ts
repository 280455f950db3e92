// The concise format, one line per finding as ruff's: `path:line:col: severity rule message` (the default
// when stdout is not a terminal: logs, pipes, editors).
import type { Finding } from '../analyzer/types.js';
import { findingsSummary, type SummaryOptions } from './findings-summary.js';
import { painter, type Painter } from './paint.js';

export function renderConcise(findings: readonly Finding[], options: SummaryOptions & { color?: boolean } = {}): string {
  const paint = painter(options.color === true);
  return [...findings.map((finding) => line(finding, paint)), findingsSummary(findings, paint, options)].join('\n') + '\n';
}

/** One finding's line, without colour. */
export function conciseLine(finding: Finding): string {
  return line(finding, painter(false));
}

function line(f: Finding, paint: Painter): string {
  return `${paint.bold(`${f.path}:${f.line}:${f.column}:`)} ${paint.severity(f.severity, f.severity)} ${paint.bold(f.rule)} ${f.message}`;
}
