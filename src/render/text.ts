// Terminal output in ruff's shape: `path:line:col: rule message`, the quoted code with a caret line, then the
// corrected form (the fix when mechanical, else the rule's good example).
import type { Finding } from '../analyzer/types.js';

export interface TextOptions {
  color?: boolean;
}

/** The findings for a terminal or a log. Problems (unreadable files, syntax errors) are not part of it: the CLI
 *  writes them to stderr in every format. */
export function renderText(findings: readonly Finding[], options: TextOptions = {}): string {
  const paint = painter(options.color === true);
  const blocks = findings.map((finding) => renderFinding(finding, paint));
  const fixable = findings.filter((f) => f.fix).length;
  const files = new Set(findings.map((f) => f.path)).size;
  blocks.push(findings.length === 0
    ? paint.green('No asyncio pitfalls found.')
    : `Found ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}` +
      (fixable ? ` (${fixable} with a mechanical fix).` : '.'));
  return blocks.join('\n\n') + '\n';
}

function renderFinding(finding: Finding, paint: Painter): string {
  const lines = finding.code.split('\n');
  const gutter = String(finding.endLine).length;
  const pad = (label: string | number) => String(label).padStart(gutter);
  const out = [
    `${paint.bold(`${finding.path}:${finding.line}:${finding.column}:`)} ${paint.severity(finding.severity, finding.rule)} ${finding.message}`,
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
  } else {
    out.push(`${pad('')} = ${paint.cyan('corrected form')} (see \`async-review rule ${finding.rule}\`):`);
    for (const line of finding.corrected.trimEnd().split('\n')) out.push(`${pad('')} | ${line}`);
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

interface Painter {
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  severity(severity: Finding['severity'], text: string): string;
}

function painter(enabled: boolean): Painter {
  const wrap = (code: number) => (text: string) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : text);
  const colors = { bold: wrap(1), red: wrap(31), green: wrap(32), yellow: wrap(33), cyan: wrap(36) };
  return {
    ...colors,
    severity: (severity, text) => (severity === 'error' ? colors.red : severity === 'warning' ? colors.yellow : colors.cyan)(text),
  };
}
