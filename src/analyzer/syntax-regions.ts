// Which parts of a module with syntax errors are not analyzed, and how to say so.
//
// tree-sitter's error recovery often wraps a long stretch of good code in one ERROR node because of one stray
// character (a backquote at the end of the last line makes the whole module an ERROR whose children are the
// module's intact functions). Dropping every finding inside an ERROR node then costs the file all its findings.
// Here an ERROR node's complete definitions (a def or class without errors, whose own body is their context)
// stay analyzed; the rest of the ERROR (loose tokens, statements torn from their function) is skipped. After an
// unterminated triple-quoted string, Python reads the rest of the file as that string: all of it is skipped.
import type { Node } from 'web-tree-sitter';

/** A broken stretch: string indices [start, end). */
export interface BrokenRegion {
  start: number;
  end: number;
}

/** Children of an ERROR node that keep their meaning when read alone (a torn-off statement may belong to a
 *  function whose header is broken; a whole definition or an import does not depend on what is around it). */
const SELF_CONTAINED = new Set(['function_definition', 'class_definition', 'decorated_definition', 'import_statement', 'import_from_statement', 'future_import_statement']);

export class SyntaxRegions {
  private constructor(private readonly regions: BrokenRegion[], private readonly text: string) {}

  /** From the module's ERROR nodes (any order, nested ones included) over `text`, the text that was parsed, and
   *  the stretches blanked before parsing (see tokenRuns). */
  static of(errors: readonly Node[], text: string, blanked: readonly (readonly [number, number])[] = []): SyntaxRegions {
    const regions: BrokenRegion[] = [];
    const sorted = [...errors].sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
    let coveredTo = -1;
    for (const error of sorted) {
      if (error.endIndex <= coveredTo) continue; // nested in an ERROR already handled
      const last = error.lastChild;
      const unterminated = last?.type === 'string_start' && /("""|''')$/.test(last.text) ? last : null;
      let from = error.startIndex;
      for (const child of error.namedChildren) {
        if (!child || !SELF_CONTAINED.has(child.type) || child.hasError) continue;
        if (unterminated && child.endIndex > unterminated.startIndex) break;
        if (child.startIndex > from) regions.push({ start: from, end: child.startIndex });
        from = child.endIndex;
      }
      const end = unterminated ? text.length : error.endIndex;
      if (end > from) regions.push({ start: from, end });
      coveredTo = Math.max(coveredTo, end);
    }
    // Only what holds code: the gaps between a broken ERROR's intact definitions are mostly blank lines.
    const trimmed = regions.flatMap(({ start, end }) => {
      const slice = text.slice(start, end);
      const first = slice.search(/\S/);
      return first < 0 ? [] : [{ start: start + first, end: start + slice.trimEnd().length }];
    });
    const all = [...trimmed, ...blanked.map(([start, end]) => ({ start, end }))].sort((a, b) => a.start - b.start);
    return new SyntaxRegions(all, text);
  }

  get isEmpty(): boolean {
    return this.regions.length === 0;
  }

  /** Is the node's start inside a broken region? */
  contains(node: Node): boolean {
    const start = node.startIndex;
    let low = 0;
    let high = this.regions.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const region = this.regions[middle]!;
      if (start < region.start) high = middle - 1;
      else if (start >= region.end) low = middle + 1;
      else return true;
    }
    return false;
  }

  /** 1-based line ranges of the skipped code, merged: `[[21, 21], [98, 102]]`. */
  lineRanges(): [number, number][] {
    const lineStarts = [0];
    for (let at = this.text.indexOf('\n'); at >= 0; at = this.text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
    const lineOf = (index: number) => {
      let low = 0;
      let high = lineStarts.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (lineStarts[middle]! <= index) low = middle;
        else high = middle - 1;
      }
      return low + 1;
    };
    const ranges: [number, number][] = [];
    for (const { start, end } of this.regions) {
      const first = lineOf(start);
      const last = lineOf(end - 1);
      const previous = ranges.at(-1);
      if (previous && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
      else ranges.push([first, last]);
    }
    return ranges;
  }

  /** `syntax errors: lines 98–102 not analyzed (the rest was)`, naming up to five stretches. */
  describe(): string {
    const ranges = this.lineRanges();
    const lineCount = this.text.split('\n').length;
    const skipped = ranges.reduce((sum, [first, last]) => sum + last - first + 1, 0);
    const shown = ranges.slice(0, 5).map(([first, last]) => (first === last ? `${first}` : `${first}–${last}`));
    const more = ranges.length > 5 ? ` and ${ranges.length - 5} more stretches` : '';
    const where = `${ranges.length === 1 && ranges[0]![0] === ranges[0]![1] ? 'line' : 'lines'} ${shown.join(', ')}${more}`;
    const rest = skipped * 2 > lineCount ? 'most of the file; the rest was analyzed' : 'the rest was analyzed';
    return `syntax errors: ${where} not analyzed (${rest})`;
  }
}

/** Runs of this many bracket or operator tokens in a row inside an ERROR node are blanked and parsed again. */
const TOKEN_RUN = 256;

/** Long runs of anonymous tokens (`([([([…`, thousands of stray operators) directly inside an ERROR node. For each
 *  token there tree-sitter's query cursor looks over all the later siblings for a named one, so such a run costs
 *  its length squared (32 KB of `([`: seconds). Nothing in it can be analyzed anyway: the engine blanks these
 *  runs, parses again, and reports them as skipped. */
export function tokenRuns(root: Node): [number, number][] {
  const runs: [number, number][] = [];
  const errors = root.type === 'ERROR' ? [root, ...root.descendantsOfType('ERROR')] : root.descendantsOfType('ERROR');
  for (const error of errors) {
    if (!error || error.childCount < TOKEN_RUN) continue;
    let first: Node | null = null;
    let last: Node | null = null;
    let length = 0;
    const close = () => {
      if (first && last && length >= TOKEN_RUN) runs.push([first.startIndex, last.endIndex]);
      first = last = null;
      length = 0;
    };
    for (const child of error.children) {
      if (!child || child.isNamed) close();
      else {
        first ??= child;
        last = child;
        length++;
      }
    }
    close();
  }
  return runs.sort((a, b) => a[0] - b[0]);
}

/** `text` with the characters of `ranges` but line ends replaced by spaces (every offset holds). */
export function blankRanges(text: string, ranges: readonly (readonly [number, number])[]): string {
  let out = '';
  let from = 0;
  for (const [start, end] of ranges) {
    if (start < from) continue;
    out += text.slice(from, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ');
    from = end;
  }
  return out + text.slice(from);
}
