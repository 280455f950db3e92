// In-source suppressions: `# noqa`, `# noqa: ASYNC251,blocking-sleep`, `# async-review: ignore[rule]`,
// and a file-level `# async-review: skip-file`.
import type { RuleDocs } from './rule.js';
import type { SourceText } from './source-text.js';

const NOQA = /#\s*noqa(?::\s*([\w\-]+(?:[\s,]+[\w\-]+)*))?/i;
const IGNORE = /#\s*async-review:\s*ignore(?:\[([^\]]*)\])?/i;
const SKIP_FILE = /^\s*#\s*async-review:\s*skip-file\b/im;

export function isFileSkipped(text: string): boolean {
  return text.includes('skip-file') && SKIP_FILE.test(text);
}

/** Is a finding of `rule` suppressed by a comment on any of its rows (0-based, inclusive)? */
export function isSuppressed(source: SourceText, rule: RuleDocs, startRow: number, endRow: number): boolean {
  for (let row = startRow; row <= endRow; row++) {
    const line = source.line(row);
    if (!line.includes('#')) continue;
    const noqa = NOQA.exec(line);
    if (noqa && (noqa[1] === undefined || namesRule(noqa[1], rule))) return true;
    const ignore = IGNORE.exec(line);
    if (ignore && (ignore[1] === undefined || namesRule(ignore[1], rule))) return true;
  }
  return false;
}

function namesRule(list: string, rule: RuleDocs): boolean {
  return list.split(/[\s,]+/).some((code) => ruleMatchesCode(rule, code));
}

/** A rule answers to its name and to each alias, case-insensitively. */
export function ruleMatchesCode(rule: RuleDocs, code: string): boolean {
  const wanted = code.trim().toLowerCase();
  return wanted !== '' && (rule.name === wanted || rule.aliases.some((alias) => alias.toLowerCase() === wanted));
}
