// The check run's conclusion, title and summary (Markdown, at most 65 535 characters).
import { SEVERITY_RANK, type AnalysisProblem, type Severity } from '../analyzer/types.js';
import { truncate } from './annotations.js';
import { ruleDocsUrl } from './links.js';
import { codeBlock, type NotInlineReason, type ReviewPlan } from './review.js';

export type Conclusion = 'success' | 'failure' | 'neutral';

export interface CheckOutput {
  conclusion: Conclusion;
  title: string;
  summary: string;
}

export interface SummaryInput {
  plan: ReviewPlan;
  failOn: Severity;
  filesAnalyzed: number;
  problems?: readonly AnalysisProblem[];
  /** Why the review could not be posted, when it could not. */
  reviewError?: string;
  /** Other facts worth telling (e.g. a truncated file list). */
  notes?: readonly string[];
}

/** GitHub's limit; counted in bytes here, which is never less than characters. */
export const MAX_SUMMARY_BYTES = 65_535;
const MAX_TITLE = 255;
const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

const REASON_TEXT: Record<NotInlineReason, string> = {
  'outside-diff': 'outside the diff',
  'unknown-diff': 'GitHub sent no diff for this file',
  'over-cap': 'over the inline comment limit',
};

export function renderCheckOutput(input: SummaryInput): CheckOutput {
  const { plan } = input;
  const counted = plan.reported.filter((item) => item.onChangedLines);
  const failing = counted.some((item) => SEVERITY_RANK[item.finding.severity] >= SEVERITY_RANK[input.failOn]);
  const conclusion: Conclusion = failing ? 'failure' : input.reviewError ? 'neutral' : 'success';
  const bySeverity = SEVERITIES.map((severity) => [severity, counted.filter((i) => i.finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}${count === 1 ? '' : severity === 'info' ? '' : 's'}`);
  const title =
    counted.length === 0
      ? 'No asyncio pitfalls on the changed lines'
      : `${plural(counted.length, 'asyncio pitfall')}: ${bySeverity.join(', ')}`;

  const head: string[] = [];
  head.push(
    [
      `**${plural(counted.length, 'finding')}** on the changed lines${bySeverity.length ? ` (${bySeverity.join(', ')})` : ''}`,
      `${plural(input.filesAnalyzed, 'Python file')} analyzed`,
      `${plural(plan.comments.length, 'new inline comment')}`,
      `${plan.alreadyCommented.length} already commented`,
      `${plan.notInline.length} listed here only`,
    ].join(' · '),
  );
  if (input.reviewError) head.push(`> **The review could not be posted:** ${oneLine(input.reviewError)}`);
  for (const note of input.notes ?? []) head.push(`> ${oneLine(note)}`);
  if (counted.length > 0) head.push(ruleTable(plan));

  const sections = [head.join('\n\n')];
  const notInline = plan.notInline.map(({ item, reason }) => {
    const f = item.finding;
    return `- **${f.rule}** \`${f.path}:${f.line}\` ${f.message} _(${REASON_TEXT[reason]})_\n\n${indent(codeBlock('python', f.code))}`;
  });
  const problems = (input.problems ?? []).map((p) => `- \`${p.path}\`: ${oneLine(p.message)}`);
  return { conclusion, title: truncate(title, MAX_TITLE), summary: fitSections(sections, [
    ['### Not shown as inline comments', notInline],
    ['### Files with problems', problems],
  ]) };
}

/** A check that ends without analysis (config invalid, nothing to review, an error). */
export function renderSkippedCheck(conclusion: Conclusion, title: string, reason: string): CheckOutput {
  return { conclusion, title: truncate(title, MAX_TITLE), summary: fitSections([reason], []) };
}

function ruleTable(plan: ReviewPlan): string {
  const rows = new Map<string, { severity: Severity; count: number }>();
  for (const { finding } of plan.reported.filter((item) => item.onChangedLines)) {
    const row = rows.get(finding.rule) ?? { severity: finding.severity, count: 0 };
    row.count++;
    if (SEVERITY_RANK[finding.severity] > SEVERITY_RANK[row.severity]) row.severity = finding.severity;
    rows.set(finding.rule, row);
  }
  const lines = ['| Rule | Severity | Findings |', '| --- | --- | ---: |'];
  for (const [rule, row] of rows) lines.push(`| [${rule}](${ruleDocsUrl(rule)}) | ${row.severity} | ${row.count} |`);
  return lines.join('\n');
}

/** Appends list sections entry by entry while they fit, then says how many were left out. */
function fitSections(head: string[], lists: [heading: string, entries: string[]][]): string {
  const reserve = 200; // room for the "… and N more" lines
  let text = truncate(head.join('\n\n'), MAX_SUMMARY_BYTES - reserve);
  while (Buffer.byteLength(text) > MAX_SUMMARY_BYTES - reserve) text = truncate(text, Math.floor(text.length * 0.9));
  for (const [heading, entries] of lists) {
    if (entries.length === 0) continue;
    const start = `\n\n${heading}\n\n`;
    if (Buffer.byteLength(text + start) > MAX_SUMMARY_BYTES - reserve) break;
    text += start;
    let shown = 0;
    for (const entry of entries) {
      const piece = `${shown > 0 ? '\n' : ''}${entry}`;
      if (Buffer.byteLength(text + piece) > MAX_SUMMARY_BYTES - reserve) break;
      text += piece;
      shown++;
    }
    if (shown < entries.length) text += `\n\n… and ${entries.length - shown} more (the summary is limited to 65 535 characters).`;
  }
  return text;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
