// Terminal output in ruff's shape: `path:line:col: rule message`, the quoted code with a caret line, then the
// corrected form (the fix when mechanical, else the rule's good example).
import type { AnalysisProblem, Finding } from '../analyzer/types.js';

export interface TextOptions {
  color?: boolean;
}

export function renderText(findings: readonly Finding[], problems: readonly AnalysisProblem[] = [], options: TextOptions = {}): string {
  const paint = painter(options.color === true);
  const blocks = findings.map((finding) => renderFinding(finding, paint));
  for (const problem of problems) blocks.push(`${paint.bold(problem.path)}: ${paint.yellow('warning')} ${problem.message}`);
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
      const width = Math.max(1, finding.endColumn - finding.column);
      out.push(`${pad('')} | ${' '.repeat(finding.column - 1)}${paint.red('^'.repeat(width))}`);
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
