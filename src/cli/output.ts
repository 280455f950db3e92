// One switch from a CLI format name to a renderer, shared by `check` and `review`.
import { readFileSync } from 'node:fs';
import type { RuleDocs } from '../analyzer/rule.js';
import type { AnalysisProblem, AnalysisResult } from '../analyzer/types.js';
import { renderConcise } from '../render/concise.js';
import { renderGithubActions } from '../render/github-actions.js';
import { renderJson } from '../render/json.js';
import { renderRdjson } from '../render/rdjson.js';
import { renderSarif } from '../render/sarif.js';
import { renderText } from '../render/text.js';

/** `text` is the full format's old name, kept so that existing scripts go on working. */
export const OUTPUT_FORMATS = ['full', 'concise', 'text', 'json', 'sarif', 'github', 'rdjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** ruff's default: the full format for a person at a terminal, one line per finding anywhere else. */
export function defaultFormat(toTerminal: boolean): OutputFormat {
  return toTerminal ? 'full' : 'concise';
}

export function renderFindings(format: OutputFormat, result: AnalysisResult, rules: readonly RuleDocs[], color: boolean): string {
  switch (format) {
    case 'json': return renderJson(result.findings, result.problems);
    case 'sarif': return renderSarif(result.findings, rules, packageVersion());
    case 'github': return renderGithubActions(result.findings, { seeAll: 'async-review check' });
    case 'rdjson': return renderRdjson(result.findings);
    case 'concise': return renderConcise(result.findings, { color, fixHint: true });
    case 'full': case 'text': return renderText(result.findings, { color, fixHint: true });
    default: throw new UsageError(`unknown format "${format as string}" (expected ${OUTPUT_FORMATS.join(', ')})`);
  }
}

export class UsageError extends Error {}

/** Problems (unreadable files, undecodable bytes, syntax errors) go to stderr in every format, so that stdout
 *  holds only the report (pure JSON or SARIF when asked for). */
export function reportProblems(problems: readonly AnalysisProblem[]): void {
  for (const problem of problems) process.stderr.write(`async-review: ${problem.path}: ${problem.message}\n`);
}

let version: string | undefined;
/** Our own version, from the package.json above this file (src/cli when run from source, dist/src/cli built). */
export function packageVersion(): string {
  if (version) return version;
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'async-review') return (version = pkg.version);
    } catch {
      // not at this level
    }
  }
  return (version = '0.0.0');
}
