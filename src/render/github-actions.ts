// GitHub Actions workflow commands: each finding becomes an annotation on the run's summary and diff. GitHub
// shows at most 10 error, 10 warning and 10 notice annotations per step and drops the rest without a word, so
// past those the findings are printed as plain log lines, and a last notice says how many and where they are.
import type { Finding } from '../analyzer/types.js';
import { conciseLine } from './concise.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'notice' } as const;
type Level = (typeof LEVEL)[keyof typeof LEVEL];

/** Annotations of each level GitHub shows for one step. */
export const ANNOTATIONS_PER_LEVEL = 10;

export interface GithubActionsOptions {
  /** The command that lists every finding, for the notice about those not annotated. */
  seeAll?: string;
}

export function renderGithubActions(findings: readonly Finding[], options: GithubActionsOptions = {}): string {
  let { annotated, rest } = split(findings, ANNOTATIONS_PER_LEVEL);
  // The notice about the rest is a notice too: keep a place for it.
  if (rest.length > 0) ({ annotated, rest } = split(findings, ANNOTATIONS_PER_LEVEL, 1));
  const lines = annotated.map(annotation);
  if (rest.length > 0) {
    lines.push(`${rest.length} more finding${rest.length === 1 ? '' : 's'}, not annotated (GitHub shows ${ANNOTATIONS_PER_LEVEL} errors, ${ANNOTATIONS_PER_LEVEL} warnings and ${ANNOTATIONS_PER_LEVEL} notices per step):`);
    lines.push(...rest.map(conciseLine));
    const where = `they are listed in this step's log${options.seeAll ? `, and \`${options.seeAll}\` lists every finding` : ''}`;
    lines.push(`::notice title=${property('async-review: more findings')}::${data(`${rest.length} more finding${rest.length === 1 ? ' is' : 's are'} not annotated, as GitHub shows only ${ANNOTATIONS_PER_LEVEL} annotations of each level per step: ${where}.`)}`);
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** The findings within `limit` annotations per level (`reservedNotices` fewer notices), in order, and the rest. */
function split(findings: readonly Finding[], limit: number, reservedNotices = 0): { annotated: Finding[]; rest: Finding[] } {
  const used: Record<Level, number> = { error: 0, warning: 0, notice: 0 };
  const annotated: Finding[] = [];
  const rest: Finding[] = [];
  for (const finding of findings) {
    const level = LEVEL[finding.severity];
    if (used[level] < limit - (level === 'notice' ? reservedNotices : 0)) {
      used[level]++;
      annotated.push(finding);
    } else {
      rest.push(finding);
    }
  }
  return { annotated, rest };
}

function annotation(f: Finding): string {
  return `::${LEVEL[f.severity]} file=${property(f.path)},line=${f.line},endLine=${f.endLine},col=${f.column},endColumn=${f.endColumn},title=${property(`async-review: ${f.rule}`)}::${data(f.message)}`;
}

// Escaping as @actions/core does for workflow command data and properties.
const data = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (text: string) => data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
