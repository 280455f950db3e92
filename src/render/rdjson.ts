// reviewdog's Diagnostic Format (rdjson: one DiagnosticResult), for `reviewdog -f=rdjson`. Positions count
// columns in UTF-8 bytes, as the format asks; a fix is a line-wise suggestion (start and end lines without
// columns: whole lines, replaced by the text), which reviewdog turns into a GitHub suggestion.
import type { Finding } from '../analyzer/types.js';
import { ruleDocsUrl } from './links.js';

const SEVERITY = { error: 'ERROR', warning: 'WARNING', info: 'INFO' } as const;

export function renderRdjson(findings: readonly Finding[]): string {
  const result = {
    source: { name: 'async-review', url: ruleDocsUrl('').replace(/\/[^/]*$/, '') },
    diagnostics: findings.map((finding) => {
      const lines = finding.code.split('\n');
      return {
        message: finding.message,
        location: {
          path: finding.path,
          range: {
            start: { line: finding.line, column: byteColumn(lines[0] ?? '', finding.column) },
            end: { line: finding.endLine, column: byteColumn(lines.at(-1) ?? '', finding.endColumn) },
          },
        },
        severity: SEVERITY[finding.severity],
        code: { value: finding.rule, url: ruleDocsUrl(finding.rule) },
        ...(finding.fix ? {
          suggestions: [{ range: { start: { line: finding.fix.line }, end: { line: finding.fix.endLine } }, text: finding.fix.replacement }],
        } : {}),
      };
    }),
  };
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** A 1-based code-point column as a 1-based UTF-8 byte column of the same line. */
function byteColumn(line: string, codePointColumn: number): number {
  return Buffer.byteLength(Array.from(line).slice(0, codePointColumn - 1).join(''), 'utf8') + 1;
}
