// GitHub Actions workflow commands: each finding becomes an annotation on the run's summary and diff.
import type { Finding } from '../analyzer/types.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'notice' } as const;

export function renderGithubActions(findings: readonly Finding[]): string {
  return findings.map((f) =>
    `::${LEVEL[f.severity]} file=${property(f.path)},line=${f.line},endLine=${f.endLine},col=${f.column},endColumn=${f.endColumn},title=${property(`async-review: ${f.rule}`)}::${data(f.message)}`,
  ).join('\n') + (findings.length ? '\n' : '');
}

// Escaping as @actions/core does for workflow command data and properties.
const data = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (text: string) => data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
