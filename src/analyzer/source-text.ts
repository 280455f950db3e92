// Source text as the analyzer sees it: decoded leniently, split into lines once, with position helpers.
import type { Node } from 'web-tree-sitter';

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export interface DecodedSource {
  text: string;
  /** Set when bytes were not valid UTF-8 (they were replaced with U+FFFD). */
  invalidUtf8: boolean;
}

/** Decode bytes as UTF-8 (BOM removed). Invalid sequences become U+FFFD rather than failing the file. */
export function decodeSource(content: Uint8Array | string): DecodedSource {
  if (typeof content === 'string') {
    return { text: normaliseLoneCarriageReturns(content.charCodeAt(0) === 0xfeff ? content.slice(1) : content), invalidUtf8: false };
  }
  try {
    return { text: normaliseLoneCarriageReturns(strictDecoder.decode(content)), invalidUtf8: false };
  } catch {
    return { text: normaliseLoneCarriageReturns(decoder.decode(content)), invalidUtf8: true };
  }
}

/** Python ends a line at a lone \r too; tree-sitter counts rows at \n only. Same length, so offsets hold. */
function normaliseLoneCarriageReturns(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

export class SourceText {
  readonly lines: string[];

  constructor(readonly text: string) {
    this.lines = text.split(/\r?\n/);
  }

  /** Source line by 0-based row, without its line end. */
  line(row: number): string {
    return this.lines[row] ?? '';
  }

  /** tree-sitter columns count UTF-16 code units; editors, SARIF and our output count code points. */
  codePointColumn(row: number, utf16Column: number): number {
    const prefix = this.line(row).slice(0, utf16Column);
    let surrogatePairs = 0;
    for (let i = 0; i < prefix.length; i++) {
      const code = prefix.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff) surrogatePairs++;
    }
    return prefix.length - surrogatePairs;
  }

  /** Leading whitespace of a 0-based row. */
  indentOf(row: number): string {
    return /^[ \t]*/.exec(this.line(row))![0];
  }
}

/** tree-sitter-python's scanner looks ahead over every following comment line at each line end, so a run of
 *  n comment lines costs n² (4 000 lines: seconds; 40 000: minutes). Blanking the lines of long runs (same
 *  length, so every offset holds) keeps parsing linear; short runs are left alone, so code, fixes and
 *  messages never see a difference. Findings quote the original text. Blank lines inside a run (also those
 *  holding only form feeds, vertical tabs or a CR) belong to it: the scanner looks ahead over them too, and a
 *  comment block interleaved with form-feed lines otherwise costs the same n² (91 KB: 22 s). Nothing on such
 *  lines matters to Python's indentation, so blanking them changes no meaning. */
const LONG_COMMENT_RUN = /(?:^[ \t\f\v\r]*(?:#[^\n]*)?\n){64,}/gm;

export function textForParsing(original: string): string {
  // Python refuses a file holding a NUL byte; tree-sitter's error recovery over many of them is super-linear
  // (128 KB: seconds). Read as spaces (the engine says so), the rest of the file is parsed as usual.
  const text = original.includes('\0') ? original.replace(/\0/g, ' ') : original;
  if (!text.includes('#')) return text;
  // A run of blank lines alone is left as it is (nothing to gain; tabs in blank lines of a string stay).
  return text.replace(LONG_COMMENT_RUN, (run) => (run.includes('#') ? run.replace(/[^\n]/g, ' ') : run));
}

/** In an f-string's replacement field a `:` outside brackets starts the format spec, so `f"{x:=10}"` formats x
 *  with the spec `=10` (pad after the sign): Python takes an unparenthesized `:=` there for the spec, never
 *  for a walrus. tree-sitter-python reads it as a walrus: a wrong binding of `x`, and syntax errors where the
 *  spec is no expression (`f"{x:=06.2f}"`, `f"{x:=^10}"`, `f"{x:=}"`), which can swallow the statements after
 *  it. The text with the `=` of each such `:=` blanked (same length, so every offset holds) parses as Python
 *  reads it; null when `root`, parsed from `text`, has none. */
export function formatSpecsForParsing(root: Node, text: string): string | null {
  if (!text.includes(':=') || !text.includes('{')) return null;
  const positions: number[] = [];
  for (const field of root.descendantsOfType('interpolation')) if (field) formatSpecWalruses(field, positions);
  if (positions.length === 0) return null;
  positions.sort((a, b) => a - b);
  let result = '';
  let from = 0;
  for (const position of positions) {
    result += `${text.slice(from, position)} `;
    from = position + 1;
  }
  return result + text.slice(from);
}

/** Where a `:=` in a replacement field is not inside brackets (`{x:=,}` is read as the list `x :=` `,`). */
const BRACKETS = new Set([
  'parenthesized_expression', 'tuple', 'list', 'set', 'dictionary', 'argument_list', 'subscript', 'generator_expression',
  'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'lambda', 'string', 'block', 'module',
]);

/** The offsets of the `=` of each walrus standing directly in the replacement field `field`, inside no brackets.
 *  Top-down from the field (never up from each walrus: a node's parent costs tree-sitter a walk from the root,
 *  so walking up from every walrus of deeply nested code was cubic: 32 KB of `(y := ` took 2 s). */
function formatSpecWalruses(field: Node, positions: number[]): void {
  const stack: Node[] = [field];
  for (let node = stack.pop(); node; node = stack.pop()) {
    for (const child of node.children) {
      if (!child) continue;
      if (child.type === ':=' && node.type === 'named_expression' && node.id !== field.id) positions.push(child.startIndex + 1);
      else if (child.isNamed && !BRACKETS.has(child.type)) stack.push(child);
    }
  }
}
