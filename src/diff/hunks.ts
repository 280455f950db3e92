// What a pull request changed in one file, on the new (RIGHT) side: the hunks GitHub lets us comment on
// and the lines the PR added. Parsing is jsdiff's; this only keeps the RIGHT-side line numbers.
import { parsePatch, type StructuredPatchHunk } from 'diff';

export interface Hunk {
  /** First and last RIGHT-side line (1-based, inclusive) of the hunk: context and added lines. */
  start: number;
  end: number;
}

export interface FileChanges {
  /** Hunks with at least one RIGHT-side line, in order. */
  hunks: Hunk[];
  /** RIGHT-side lines the PR added or changed. */
  added: ReadonlySet<number>;
  /** Set when the lines are known but GitHub sent no patch (a new file too big to diff): nothing is
   *  commentable inline. */
  withoutPatch?: boolean;
}

/** Changes of a file whose diff is unknown (GitHub omits `patch` for large or binary diffs). */
export const UNKNOWN_CHANGES = null;

/** Parses the hunks of one file's patch: GitHub's `patch` field (hunks only) or one file of a git diff.
 *  Returns null when there is no patch or it cannot be parsed: the changed lines are then unknown. */
export function parseFilePatch(patch: string | null | undefined): FileChanges | null {
  if (patch === null || patch === undefined) return UNKNOWN_CHANGES;
  if (patch.trim() === '') return { hunks: [], added: new Set() };
  let parsed;
  try {
    parsed = parsePatch(patch);
  } catch {
    return UNKNOWN_CHANGES;
  }
  return changesOf(parsed.flatMap((file) => file.hunks));
}

/** One file of a multi-file unified diff (`git diff` output). */
export interface FileDiff {
  /** New path, repository-relative, POSIX. */
  path: string;
  changes: FileChanges;
}

/** Parses the output of `git diff` (several files, with headers). Deleted files are left out. Throws
 *  when the text is not a unified diff. */
export function parseUnifiedDiff(text: string): FileDiff[] {
  const files: FileDiff[] = [];
  for (const file of parsePatch(text)) {
    const path = stripGitPrefix(file.newFileName);
    if (path === null) continue;
    files.push({ path, changes: changesOf(file.hunks) });
  }
  return files;
}

/** Whether lines `from..to` (inclusive) all sit inside one hunk; returns that hunk. */
export function hunkContaining(changes: FileChanges, from: number, to: number): Hunk | undefined {
  return changes.hunks.find((hunk) => hunk.start <= from && to <= hunk.end);
}

function changesOf(hunks: readonly StructuredPatchHunk[]): FileChanges {
  const result: Hunk[] = [];
  const added = new Set<number>();
  for (const hunk of hunks) {
    let line = hunk.newStart;
    for (const text of hunk.lines) {
      if (text.startsWith('+')) added.add(line++);
      else if (text.startsWith(' ')) line++;
      // '-' lines are LEFT side only; '\' is "No newline at end of file".
    }
    // newStart of a pure deletion points before the removed lines; it has no RIGHT-side line to comment on.
    if (line > hunk.newStart) result.push({ start: hunk.newStart, end: line - 1 });
  }
  return { hunks: result, added };
}

function stripGitPrefix(name: string | undefined): string | null {
  if (!name || name === '/dev/null') return null;
  return unquoteGitPath(name).replace(/^[ab]\//, '');
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** git writes a name holding `"`, `\`, control or non-ASCII bytes C-quoted (`"b/q\"uote.py"`, `\303\251` for
 *  `é`); jsdiff drops the quotes but keeps the escapes. A name git did not quote has no backslash. */
export function unquoteGitPath(name: string): string {
  if (!name.includes('\\')) return name;
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const char = name[i]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
    } else if (/[0-7]{3}/.test(name.slice(i + 1, i + 4))) {
      bytes.push(parseInt(name.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      const escaped = name[i + 1] ?? '';
      bytes.push(...(escaped in C_ESCAPES ? [C_ESCAPES[escaped]!] : Buffer.from(`\\${escaped}`, 'utf8')));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
