// In-source suppressions: `# noqa`, `# noqa: ASYNC251,blocking-sleep`, `# async-review: ignore[rule]`, and
// file-level `# async-review: skip-file`, ruff's `# ruff: noqa` / `# ruff: noqa: ASYNC251` and flake8's
// `# flake8: noqa` (each on a line of its own). Only real comments count: the same text inside a string literal
// suppresses nothing.
import type { RuleDocs } from './rule.js';
import type { SourceText } from './source-text.js';

const NOQA = /#\s*noqa(?::\s*([\w\-]+(?:[\s,]+[\w\-]+)*))?/i;
const IGNORE = /#\s*async-review:\s*ignore(?![\w-])(?:\[([^\]]*)\])?/i;
const SKIP_FILE = /^\s*#\s*async-review:\s*skip-file(?![\w-])/i;
/** ruff's file-level exemption (which ruff also accepts in flake8's spelling), on a line of its own as both tools
 *  want it: every rule, or the codes named. */
const FILE_NOQA = /^\s*#\s*(?:ruff|flake8)\s*:\s*noqa(?![\w-])(?::\s*([\w\-]+(?:[\s,]+[\w\-]+)*))?/i;

/** A file-level directive found in the text: where its `#` is (0-based row, UTF-16 column) and the rules it
 *  silences (null: all of them). Still to be confirmed as a comment rather than text inside a string. */
export interface FileDirective {
  row: number;
  column: number;
  codes: string[] | null;
}

/** Is the `#` at (row, column) the start of a comment (not text inside a string literal)? */
export type CommentTest = (row: number, column: number) => boolean;

/** Candidate file-level directives, by a text scan (cheap: most files mention none of them). */
export function fileDirectives(text: string): FileDirective[] {
  if (!text.includes('skip-file') && !/noqa/i.test(text)) return [];
  const directives: FileDirective[] = [];
  text.split(/\r?\n/).forEach((line, row) => {
    if (!line.includes('#')) return;
    const skip = SKIP_FILE.exec(line);
    if (skip) directives.push({ row, column: line.indexOf('#'), codes: null });
    const noqa = FILE_NOQA.exec(line);
    if (noqa) directives.push({ row, column: line.indexOf('#'), codes: noqa[1] === undefined ? null : noqa[1].split(/[\s,]+/).filter(Boolean) });
  });
  return directives;
}

/** Does a directive that silences the whole file stand before anything that could open a string literal? Then
 *  it is a comment for sure, and the file needs no parsing. */
export function skipsFileWithoutParsing(text: string, directives: readonly FileDirective[]): boolean {
  const first = directives.find((d) => d.codes === null);
  if (!first) return false;
  const lines = text.split(/\r?\n/, first.row + 1);
  const before = [...lines.slice(0, first.row), lines[first.row].slice(0, first.column)].join('\n');
  return !/["']/.test(before);
}

/** Is a finding of `rule` suppressed by a comment on any of its rows (0-based, inclusive), or by a file-level
 *  `# ruff: noqa: CODE` (`fileCodes`)? `alias`: the one the finding answers to (see ruleMatchesCode). */
export function isSuppressed(source: SourceText, rule: RuleDocs, startRow: number, endRow: number, isComment: CommentTest, fileCodes: readonly string[] = [], alias?: string | null): boolean {
  if (fileCodes.some((code) => ruleMatchesCode(rule, code, alias))) return true;
  for (let row = startRow; row <= endRow; row++) {
    const comment = commentOf(source.line(row), row, isComment);
    if (comment === null) continue;
    const noqa = NOQA.exec(comment);
    if (noqa && (noqa[1] === undefined || namesRule(noqa[1], rule, alias))) return true;
    const ignore = IGNORE.exec(comment);
    if (ignore && (ignore[1] === undefined || namesRule(ignore[1], rule, alias))) return true;
  }
  return false;
}

/** The comment ending a line, from its `#` (a `#` inside a string literal starts none). */
function commentOf(line: string, row: number, isComment: CommentTest): string | null {
  for (let column = line.indexOf('#'); column >= 0; column = line.indexOf('#', column + 1)) {
    if (isComment(row, column)) return line.slice(column);
  }
  return null;
}

function namesRule(list: string, rule: RuleDocs, alias: string | null | undefined): boolean {
  return list.split(/[\s,]+/).some((code) => ruleMatchesCode(rule, code, alias));
}

/** A rule answers to its name and to each alias, case-insensitively. A finding reported under one alias
 *  (`alias`) answers to its rule's name and that alias only; under null, to the name only. */
export function ruleMatchesCode(rule: RuleDocs, code: string, alias?: string | null): boolean {
  const wanted = code.trim().toLowerCase();
  return wanted !== '' && (rule.name === wanted || aliasesOf(rule, alias).some((each) => each.toLowerCase() === wanted));
}

/** The aliases a finding reported under `alias` answers to (absent: every alias of its rule). */
export function aliasesOf(rule: RuleDocs, alias?: string | null): readonly string[] {
  return alias === undefined ? rule.aliases : alias === null ? [] : [alias];
}
