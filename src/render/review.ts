// The pull request review: which findings become new inline comments (dedup against open threads, cap),
// and the body of each comment. Pure: the App posts the result, the CLI prints it.
import type { RuleDocs } from '../analyzer/rule.js';
import { SEVERITY_RANK, type Finding } from '../analyzer/types.js';
import type { PlacedFinding } from '../diff/placement.js';
import { fingerprintMarker } from './fingerprint.js';
import { ruleDocsUrl } from './links.js';

/** Rule documentation by rule name (the analyzer's `findRule`). */
export type RuleLookup = (name: string) => Pick<RuleDocs, 'name' | 'aliases' | 'why'> | undefined;

export interface ReviewItem extends PlacedFinding {
  fingerprint: string;
}

export type NotInlineReason = 'outside-diff' | 'unknown-diff' | 'over-cap';

/** A review thread the App opened earlier, as read back from GitHub. */
export interface AppThread {
  id: string;
  path: string;
  fingerprint: string;
  isResolved: boolean;
}

export interface ReviewPlan {
  /** Every reported finding, most severe first: annotations and the conclusion come from these. */
  reported: ReviewItem[];
  /** New inline comments to post now (at most `maxComments`). */
  comments: ReviewItem[];
  /** Findings that already have an open thread: not posted again. */
  alreadyCommented: ReviewItem[];
  /** Findings shown only in the check summary, and why. */
  notInline: { item: ReviewItem; reason: NotInlineReason }[];
  /** Open threads of the App whose finding is gone: to resolve. */
  staleThreads: AppThread[];
}

export interface PlanOptions {
  maxComments: number;
  /** The App's earlier threads on this PR (empty for the CLI). */
  threads?: readonly AppThread[];
  /** Paths whose findings are unknown this run (fetch or analysis failed): their threads are kept. */
  unanalyzedPaths?: ReadonlySet<string>;
}

export function planReview(items: readonly ReviewItem[], options: PlanOptions): ReviewPlan {
  const threads = options.threads ?? [];
  const openFingerprints = new Set(threads.filter((t) => !t.isResolved).map((t) => t.fingerprint));
  const reported = [...items].sort(bySeverityThenPosition);
  const plan: ReviewPlan = { reported, comments: [], alreadyCommented: [], notInline: [], staleThreads: [] };
  for (const item of reported) {
    if (item.placement.kind === 'summary') plan.notInline.push({ item, reason: item.placement.reason });
    else if (openFingerprints.has(item.fingerprint)) plan.alreadyCommented.push(item);
    else if (plan.comments.length < options.maxComments) plan.comments.push(item);
    else plan.notInline.push({ item, reason: 'over-cap' });
  }
  const current = new Set(items.map((item) => item.fingerprint));
  plan.staleThreads = threads.filter(
    (t) => !t.isResolved && !current.has(t.fingerprint) && !options.unanalyzedPaths?.has(t.path),
  );
  return plan;
}

/** A comment of `POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews`. */
export interface ReviewComment {
  path: string;
  body: string;
  line: number;
  side: 'RIGHT';
  start_line?: number;
  start_side?: 'RIGHT';
}

export function renderReviewComment(item: ReviewItem, rules: RuleLookup): ReviewComment {
  if (item.placement.kind !== 'inline') throw new Error(`finding ${item.fingerprint} has no inline placement`);
  const { startLine, line } = item.placement;
  const comment: ReviewComment = { path: item.finding.path, body: renderCommentBody(item, rules), line, side: 'RIGHT' };
  // GitHub rejects start_line equal to line; a one-line comment has none.
  if (startLine < line) Object.assign(comment, { start_line: startLine, start_side: 'RIGHT' });
  return comment;
}

/** GitHub rejects a review whose comment body is over 65 536 characters, and with it every other comment. */
const MAX_COMMENT_BODY = 65_536;
/** A finding can span thousands of lines (a call with a huge literal): the comment quotes its start. */
const MAX_QUOTED_LINES = 20;

export function renderCommentBody(item: ReviewItem, rules: RuleLookup): string {
  const { finding } = item;
  const rule = rules(finding.rule);
  const head = [`**${finding.rule}** (${finding.severity}): ${finding.message}`];
  if (rule?.why) head.push(rule.why);
  head.push(codeBlock('python', excerpt(finding.code)));
  const tail = [`<sub>${suppressionHint(finding, rule)} · [rule docs](${ruleDocsUrl(finding.rule)})</sub>`, fingerprintMarker(item.fingerprint)];
  const corrected = [finding.fix ? 'Corrected form:' : "Corrected form (the rule's example):", codeBlock('python', excerpt(finding.corrected))];
  if (item.placement.kind === 'inline' && item.placement.suggestion && finding.fix !== null) {
    // A suggestion replaces the commented lines whole, so it cannot be shortened; too long, it is left out.
    // An empty suggestion block deletes the lines; a block holding one empty line would leave a blank line.
    const replacement = finding.fix.replacement;
    const body = [...head, 'Suggested fix:', replacement === '' ? '```suggestion\n```' : codeBlock('suggestion', replacement), ...tail].join('\n\n');
    if (body.length <= MAX_COMMENT_BODY) return body;
  }
  return [...head, ...corrected, ...tail].join('\n\n');
}

/** The first lines of a long piece of code, and how many more there are. */
function excerpt(code: string): string {
  const lines = code.split('\n');
  if (lines.length <= MAX_QUOTED_LINES) return code;
  return [...lines.slice(0, MAX_QUOTED_LINES), `# … ${lines.length - MAX_QUOTED_LINES} more lines`].join('\n');
}

export function renderReviewBody(plan: ReviewPlan): string {
  const count = plan.comments.length;
  const more = plan.notInline.length;
  const moreText = more > 0 ? ` ${more} more ${more === 1 ? 'is' : 'are'} listed in the async-review check.` : '';
  return `async-review found ${count} new asyncio pitfall${count === 1 ? '' : 's'} on the changed lines.${moreText}`;
}

/** `# noqa: CODE` with the code ruff/flake8-async users already know, else the rule name. */
export function suppressionHint(finding: Finding, rule: Pick<RuleDocs, 'aliases'> | undefined): string {
  return `Silence this line with \`# noqa: ${rule?.aliases[0] ?? finding.rule}\``;
}

/** A fenced block whose fence is longer than any backtick run inside, so the code cannot close it. */
export function codeBlock(language: string, code: string): string {
  const longestRun = Math.max(0, ...[...code.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${code.replace(/\n$/, '')}\n${fence}`;
}

function bySeverityThenPosition(a: ReviewItem, b: ReviewItem): number {
  const fa = a.finding;
  const fb = b.finding;
  return (
    SEVERITY_RANK[fb.severity] - SEVERITY_RANK[fa.severity] ||
    (fa.path < fb.path ? -1 : fa.path > fb.path ? 1 : 0) ||
    fa.line - fb.line ||
    fa.column - fb.column
  );
}
