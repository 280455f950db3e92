#!/usr/bin/env node
// The GitHub Action's report for `format: github`: reads `async-review review --format json` on stdin and
// prints one workflow-command annotation per finding on a changed line under the given paths (what
// `review --format github` prints, narrowed), then exits 1 when one of them is at or above --fail-on.
//   node dist/src/action/annotate.js --fail-on warning -- src/ lib/module.py < review.json
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SEVERITY_RANK, type Finding, type Severity } from '../analyzer/types.js';
import { FAIL_ON } from '../config/schema.js';
import { renderGithubActions } from '../render/github-actions.js';

/** A finding as `review --format json` writes it (format version 1). */
export type ReviewedFinding = Omit<Finding, 'corrected'> & { onChangedLines: boolean };

export interface ReviewJson {
  version: number;
  findings: ReviewedFinding[];
}

export interface Annotations {
  /** Workflow commands, then one plain line that counts them. */
  output: string;
  exitCode: 0 | 1;
}

export function annotate(review: ReviewJson, failOn: Severity, paths: readonly string[]): Annotations {
  if (review.version !== 1 || !Array.isArray(review.findings)) throw new Error(`not a version-1 review (version ${String(review.version)})`);
  const folders = paths.map(normalize).filter((path) => path !== '');
  const under = (path: string) => folders.length === 0 || folders.some((folder) => path === folder || path.startsWith(`${folder}/`));
  const shown = review.findings.filter((finding) => finding.onChangedLines && under(finding.path));
  const failing = shown.filter((finding) => SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn]);
  const findings: Finding[] = shown.map(({ onChangedLines: _onChangedLines, ...finding }) => ({ ...finding, corrected: finding.fix?.replacement ?? '' }));
  const summary =
    shown.length === 0
      ? 'async-review: no asyncio pitfall on the changed lines.'
      : `async-review: ${shown.length} finding(s) on the changed lines, ${failing.length} at or above ${failOn}.`;
  return { output: `${renderGithubActions(findings)}${summary}\n`, exitCode: failing.length > 0 ? 1 : 0 };
}

/** `./src/`, `src` and `src/` name the same folder; `.` names everything. */
function normalize(path: string): string {
  const trimmed = path.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}

function main(): number {
  const { values, positionals } = parseArgs({ options: { 'fail-on': { type: 'string', default: 'error' } }, allowPositionals: true });
  const failOn = values['fail-on'] as Severity;
  if (!(FAIL_ON as readonly string[]).includes(failOn)) {
    process.stderr.write(`async-review: fail-on must be one of ${FAIL_ON.join(', ')}, not "${failOn}"\n`);
    return 2;
  }
  try {
    const { output, exitCode } = annotate(JSON.parse(readFileSync(0, 'utf8')) as ReviewJson, failOn, positionals);
    process.stdout.write(output);
    return exitCode;
  } catch (error) {
    process.stderr.write(`async-review: cannot read the review: ${(error as Error).message}\n`);
    return 2;
  }
}

if (process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url) process.exitCode = main();
