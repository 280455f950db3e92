// The full format, in ruff's shape: `path:line:col: severity rule message`, the quoted code with a caret line,
// then the fix when mechanical, else the rule's corrected example (once per rule: it is the same every time).
import type { Finding } from '../analyzer/types.js';
import { findingsSummary, type SummaryOptions } from './findings-summary.js';
import { painter, type Painter } from './paint.js';

export interface TextOptions extends SummaryOptions {
  color?: boolean;
}

/** The findings for a terminal or a log. Problems (unreadable files, syntax errors) are not part of it: the CLI
 *  writes them to stderr in every format. */
export function renderText(findings: readonly Finding[], options: TextOptions = {}): string {
  const paint = painter(options.color === true);
  const exampleShown = new Set<string>();
  const blocks = findings.map((finding) => {
    const firstOfRule = !finding.fix && !exampleShown.has(finding.rule);
    if (firstOfRule) exampleShown.add(finding.rule);
    return renderFinding(finding, paint, firstOfRule);
  });
  blocks.push(findingsSummary(findings, paint, options));
  return blocks.join('\n\n') + '\n';
}

function renderFinding(finding: Finding, paint: Painter, showExample: boolean): string {
  const lines = finding.code.split('\n');
  const gutter = String(finding.endLine).length;
  const pad = (label: string | number) => String(label).padStart(gutter);
  const out = [
    `${paint.bold(`${finding.path}:${finding.line}:${finding.column}:`)} ${paint.severity(finding.severity, finding.severity)} ${paint.bold(finding.rule)} ${finding.message}`,
    `${pad('')} |`,
  ];
  lines.forEach((line, index) => {
    out.push(`${pad(finding.line + index)} | ${line}`);
    if (lines.length === 1) {
      const width = Math.max(1, displayWidth(Array.from(line).slice(finding.column - 1, finding.endColumn - 1)));
      out.push(`${pad('')} | ${caretIndent(line, finding.column)}${paint.red('^'.repeat(width))}`);
    }
  });
  if (finding.fix) {
    out.push(`${pad('')} = ${paint.green('fix')}:`);
    finding.fix.replacement.split('\n').forEach((line, index) => out.push(`${pad(finding.fix!.line + index)} | ${paint.green(line)}`));
  } else if (showExample) {
    out.push(`${pad('')} = ${paint.cyan('corrected form')} (see \`async-review rule ${finding.rule}\`):`);
    for (const line of finding.corrected.trimEnd().split('\n')) out.push(`${pad('')} | ${line}`);
  } else {
    out.push(`${pad('')} = ${paint.cyan('corrected form')}: as shown above for ${finding.rule}`);
  }
  return out.join('\n');
}

/** Blanks up to a 1-based code-point column, as wide as the terminal shows the text: the line's tabs kept (so
 *  the carets sit under the code whatever the tab width), two blanks under a wide character (CJK, emoji), none
 *  under a combining mark. */
function caretIndent(line: string, column: number): string {
  return Array.from(line).slice(0, column - 1).map((char) => (char === '\t' ? '\t' : ' '.repeat(charWidth(char)))).join('');
}

function displayWidth(chars: readonly string[]): number {
  return chars.reduce((sum, char) => sum + (char === '\t' ? 1 : charWidth(char)), 0);
}

/** Terminal columns of one code point (East Asian wide and fullwidth ranges, emoji; combining marks take none). */
function charWidth(char: string): number {
  const code = char.codePointAt(0)!;
  if ((code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || code === 0xfe0f) return 0;
  const wide = (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0x303e) || (code >= 0x3041 && code <= 0x33ff)
    || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0x4e00 && code <= 0x9fff) || (code >= 0xa000 && code <= 0xa4cf)
    || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f)
    || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1f64f)
    || (code >= 0x1f900 && code <= 0x1f9ff) || (code >= 0x1fa70 && code <= 0x1faff) || (code >= 0x20000 && code <= 0x3fffd);
  return wide ? 2 : 1;
}
