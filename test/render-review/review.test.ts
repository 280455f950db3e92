import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/analyzer/types.js';
import { sampleFinding } from '../helpers/findings.js';
import type { Placement } from '../../src/diff/placement.js';
import { renderAnnotations, batches } from '../../src/render/annotations.js';
import { extractFingerprint, fingerprintFindings } from '../../src/render/fingerprint.js';
import { RULE_DOCS_BASE_URL } from '../../src/render/links.js';
import {
  codeBlock,
  planReview,
  renderCommentBody,
  renderReviewComment,
  type ReviewItem,
  type RuleLookup,
} from '../../src/render/review.js';
import { MAX_SUMMARY_BYTES, renderCheckOutput } from '../../src/render/summary.js';

const rules: RuleLookup = (name) =>
  name === 'blocking-sleep'
    ? { name, aliases: ['ASYNC251'], why: 'time.sleep() blocks the whole event loop.' }
    : { name, aliases: [], why: `Why ${name} matters.` };

const finding = sampleFinding;

const inline = (startLine: number, line: number, suggestion: boolean): Placement => ({ kind: 'inline', startLine, line, suggestion });

function item(f: Finding, placement: Placement = inline(f.line, f.endLine, f.fix !== null), fingerprint = 'a'.repeat(20)): ReviewItem {
  return { finding: f, placement, onChangedLines: true, fingerprint };
}

describe('fingerprints', () => {
  it('ignore line numbers and whitespace but tell identical occurrences apart', () => {
    const before = fingerprintFindings([finding({ line: 4 }), finding({ line: 9 }), finding({ line: 12, rule: 'busy-wait' })]);
    const after = fingerprintFindings([finding({ line: 20, code: 'time.sleep(1)  ' }), finding({ line: 30 }), finding({ line: 40, rule: 'busy-wait' })]);
    expect(after).toEqual(before);
    expect(new Set(before).size).toBe(3);
    expect(before[0]).toMatch(/^[0-9a-f]{20}$/);
  });

  it('differ by path and by code', () => {
    const [a, b, c] = fingerprintFindings([finding(), finding({ path: 'other.py' }), finding({ code: 'time.sleep(2)' })]);
    expect(new Set([a, b, c]).size).toBe(3);
  });
});

describe('review comments', () => {
  it('quote the code, explain, suggest the fix and carry the fingerprint', () => {
    const body = renderCommentBody(item(finding(), inline(4, 4, true), 'f'.repeat(20)), rules);
    expect(body).toContain('**blocking-sleep** (error): `time.sleep()` blocks the event loop in `main()`');
    expect(body).toContain('time.sleep() blocks the whole event loop.');
    expect(body).toContain('```python\n    time.sleep(1)\n```');
    expect(body).toContain('```suggestion\n    await asyncio.sleep(1)\n```');
    expect(body).toContain('`# noqa: ASYNC251`');
    expect(body).toContain(`(${RULE_DOCS_BASE_URL}/blocking-sleep.md)`);
    expect(extractFingerprint(body)).toBe('f'.repeat(20));
  });

  it('show a labelled python block when the fix cannot be a suggestion', () => {
    const body = renderCommentBody(item(finding(), inline(4, 4, false)), rules);
    expect(body).not.toContain('```suggestion');
    expect(body).toContain('Corrected form:\n\n```python\n    await asyncio.sleep(1)\n```');
    const noFix = renderCommentBody(item(finding({ rule: 'busy-wait', fix: null, corrected: 'await event.wait()' })), rules);
    expect(noFix).toContain("Corrected form (the rule's example):");
    expect(noFix).toContain('`# noqa: busy-wait`');
  });

  it('suggest a deletion with an empty suggestion block', () => {
    const deletion = finding({ fix: { line: 4, endLine: 4, replacement: '' }, corrected: '' });
    expect(renderCommentBody(item(deletion, inline(4, 4, true)), rules)).toContain('Suggested fix:\n\n```suggestion\n```');
  });

  it("stay under GitHub's 65 536-character limit for a finding that spans thousands of lines", () => {
    const code = ['    requests.post(url, json={', ...Array.from({ length: 4000 }, (_, i) => `        "key${i}": "a long enough value ${i}",`), '    })'].join('\n');
    const huge = finding({ rule: 'blocking-http', line: 5, endLine: 4006, code, fix: null, corrected: 'async with httpx.AsyncClient() as client:\n    await client.post(url)' });
    const body = renderCommentBody(item(huge, inline(5, 4006, false)), rules);
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain('        "key18": "a long enough value 18",\n# … 3982 more lines');
    // A suggestion must replace the lines whole: too long, the comment shows the corrected form instead.
    const longFix = finding({ line: 5, endLine: 4006, code, fix: { line: 5, endLine: 4006, replacement: `    await ${code.trimStart()}` }, corrected: `    await ${code.trimStart()}` });
    const fixBody = renderCommentBody(item(longFix, inline(5, 4006, true)), rules);
    expect(fixBody.length).toBeLessThan(65_536);
    expect(fixBody).not.toContain('```suggestion');
    expect(fixBody).toContain('Corrected form:');
  });

  it('use a fence longer than any backtick run in the code', () => {
    expect(codeBlock('python', 'x = "```"')).toBe('````python\nx = "```"\n````');
    expect(codeBlock('suggestion', 'plain')).toBe('```suggestion\nplain\n```');
  });

  it('span start_line..line on the RIGHT side, and omit start_line for one line', () => {
    const multi = renderReviewComment(item(finding({ line: 3, endLine: 5, fix: null }), inline(3, 5, false)), rules);
    expect(multi).toMatchObject({ path: 'app/main.py', start_line: 3, start_side: 'RIGHT', line: 5, side: 'RIGHT' });
    const single = renderReviewComment(item(finding()), rules);
    expect(single).toEqual({ path: 'app/main.py', body: expect.any(String), line: 4, side: 'RIGHT' });
  });
});

const items = [
  item(finding({ severity: 'info', rule: 'unbounded-gather', line: 1 }), undefined, 'i'.repeat(20)),
  item(finding({ line: 10 }), undefined, 'b'.repeat(20)),
  item(finding({ line: 20 }), { kind: 'summary', reason: 'outside-diff' }, 'c'.repeat(20)),
  item(finding({ line: 30 }), undefined, 'd'.repeat(20)),
];

describe('planReview', () => {

  it('posts the most severe first, caps the rest into the summary', () => {
    const plan = planReview(items, { maxComments: 1 });
    expect(plan.comments.map((i) => i.finding.line)).toEqual([10]);
    expect(plan.notInline.map(({ item: i, reason }) => [i.finding.line, reason])).toEqual([
      [20, 'outside-diff'],
      [30, 'over-cap'],
      [1, 'over-cap'],
    ]);
  });

  it('does not post findings with an open thread and resolves threads whose finding is gone', () => {
    const threads = [
      { id: 'T1', path: 'app/main.py', fingerprint: 'b'.repeat(20), isResolved: false },
      { id: 'T2', path: 'app/main.py', fingerprint: 'z'.repeat(20), isResolved: false },
      { id: 'T3', path: 'app/main.py', fingerprint: 'y'.repeat(20), isResolved: true },
      { id: 'T4', path: 'broken.py', fingerprint: 'x'.repeat(20), isResolved: false },
      { id: 'T5', path: 'app/main.py', fingerprint: 'd'.repeat(20), isResolved: true },
    ];
    const plan = planReview(items, { maxComments: 30, threads, unanalyzedPaths: new Set(['broken.py']) });
    expect(plan.alreadyCommented.map((i) => i.fingerprint)).toEqual(['b'.repeat(20)]);
    // A resolved thread does not stop the finding from being raised again.
    expect(plan.comments.map((i) => i.fingerprint)).toEqual(['d'.repeat(20), 'i'.repeat(20)]);
    expect(plan.staleThreads.map((t) => t.id)).toEqual(['T2']);
  });
});

describe('annotations', () => {
  it('map severities to levels and give columns only on one line', () => {
    const [one, multi] = renderAnnotations([
      item(finding({ severity: 'warning' })),
      item(finding({ line: 3, endLine: 5, severity: 'info' })),
    ]);
    expect(one).toMatchObject({ path: 'app/main.py', start_line: 4, end_line: 4, start_column: 5, end_column: 17, annotation_level: 'warning', title: 'blocking-sleep' });
    expect(multi).toMatchObject({ start_line: 3, end_line: 5, annotation_level: 'notice' });
    expect(multi).not.toHaveProperty('start_column');
  });

  it('come in batches of at most 50', () => {
    expect(batches(Array.from({ length: 120 }, (_, i) => i)).map((b) => b.length)).toEqual([50, 50, 20]);
  });
});

describe('check output', () => {
  it('fails on a finding at or above fail_on, with a table per rule', () => {
    const plan = planReview(items, { maxComments: 30 });
    const output = renderCheckOutput({ plan, failOn: 'error', filesAnalyzed: 2 });
    expect(output.conclusion).toBe('failure');
    expect(output.title).toBe('4 asyncio pitfalls: 3 errors, 1 info');
    expect(output.summary).toContain(`| [blocking-sleep](${RULE_DOCS_BASE_URL}/blocking-sleep.md) | error | 3 |`);
    expect(output.summary).toContain('### Not shown as inline comments');
    expect(output.summary).toContain('`app/main.py:20`');
  });

  it('succeeds when every finding is below fail_on, and is neutral when the review failed', () => {
    const infoOnly = planReview([items[0]], { maxComments: 30 });
    expect(renderCheckOutput({ plan: infoOnly, failOn: 'warning', filesAnalyzed: 1 }).conclusion).toBe('success');
    const failed = renderCheckOutput({ plan: infoOnly, failOn: 'warning', filesAnalyzed: 1, reviewError: 'HTTP 422: Line could not be resolved' });
    expect(failed.conclusion).toBe('neutral');
    expect(failed.summary).toContain('The review could not be posted:** HTTP 422: Line could not be resolved');
  });

  it('stays under 65 535 bytes and says how many findings it left out', () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      item(finding({ line: i + 1, code: `    time.sleep(${i}) # ${'é'.repeat(40)}` }), { kind: 'summary', reason: 'outside-diff' }, i.toString(16).padStart(20, '0')),
    );
    const output = renderCheckOutput({ plan: planReview(many, { maxComments: 30 }), failOn: 'error', filesAnalyzed: 1 });
    expect(Buffer.byteLength(output.summary)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(output.summary).toMatch(/… and \d+ more/);
    expect(output.title.length).toBeLessThanOrEqual(255);
  });
});
