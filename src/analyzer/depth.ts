// Code nested deeper than any real module is left out of the analysis, and said so.
//
// The model and the rules walk the tree around each match (up to the enclosing function, down through an
// operand), which costs the depth of the tree at that match. Real code is shallow (the deepest tree in the
// 14 MB benchmark corpus is 27 levels), but a generated or fuzzed file nesting thousands of `not`s, calls,
// lambdas or brackets makes every match inside cost the whole nesting again: minutes, or a stack overflow. So
// the parts of a tree below MAX_DEPTH levels are cut out: no match inside them reaches the model or a rule, and
// the file's problem names their lines. Python itself refuses much of such code (200 nested brackets, 100
// indented blocks, ~3000 nested operators); MAX_DEPTH is still several times the depth of any real module.
// `a or b or c` and `a + b + c` nest to the left in tree-sitter's tree but are flat in Python's (`or`) or
// routinely long in generated code (`+` over string pieces), so a chain of one of them counts as one level.
import type { Node } from 'web-tree-sitter';

export const MAX_DEPTH = 128;

/** A definition under more decorators than this is left out too: the model's query pattern for decorators,
 *  `(decorated_definition (decorator)+ @decorator …)`, makes tree-sitter copy the captures so far at each
 *  decorator, so a stack of n costs n² (15 000: seconds). Real code stacks a handful. */
export const MAX_DECORATORS = 256;

const FLAT_CHAINS = new Set(['boolean_operator', 'binary_operator']);

/** The outermost nodes nested more than `maxDepth` levels deep, in document order (usually none), and into
 *  `stacked` the definitions under more than MAX_DECORATORS decorators. Only
 *  subtrees that could reach that depth are visited: a subtree with fewer descendants than the levels left, or
 *  fewer than a quarter as many characters (each level of Python's grammar takes some text; a node and its
 *  only child may share theirs), cannot; in real code that leaves the big blocks and their statements. */
export function tooDeep(root: Node, maxDepth = MAX_DEPTH, stacked: Node[] = []): Node[] {
  const found: Node[] = [];
  // Each entry: a node, its depth, and an upper bound of its end (the next sibling's start, free to read, where
  // the node's own end would cost a call into wasm).
  const stack: [Node, number, number][] = [[root, 0, root.endIndex]];
  while (stack.length > 0) {
    const [node, depth, endBound] = stack.pop()!;
    if (depth > maxDepth) {
      found.push(node);
      continue;
    }
    const left = maxDepth - depth;
    // (A node too small to reach the depth is also too small to hold MAX_DECORATORS decorators.)
    if ((endBound - node.startIndex) * 4 < left || node.descendantCount < left) continue;
    const type = node.type;
    if (type === 'decorated_definition' && node.childCount > MAX_DECORATORS + 1) {
      stacked.push(node);
      continue;
    }
    const flat = FLAT_CHAINS.has(type);
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (!child) continue;
      const childEnd = i + 1 < children.length ? children[i + 1]!.startIndex : endBound;
      stack.push([child, flat && child.type === type ? depth : depth + 1, childEnd]);
    }
  }
  return found;
}

/** Index ranges [start, end), sorted and disjoint, with a membership test. */
export class Ranges {
  constructor(readonly ranges: readonly (readonly [number, number])[]) {}

  static of(nodes: readonly Node[]): Ranges {
    return new Ranges(nodes.map((node) => [node.startIndex, node.endIndex] as const));
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  has(index: number): boolean {
    let low = 0;
    let high = this.ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const [start, end] = this.ranges[middle]!;
      if (index < start) high = middle - 1;
      else if (index >= end) low = middle + 1;
      else return true;
    }
    return false;
  }

  /** Does [start, end) share an index with one of the ranges? */
  overlaps(start: number, end: number): boolean {
    let low = 0;
    let high = this.ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const [rangeStart, rangeEnd] = this.ranges[middle]!;
      if (end <= rangeStart) high = middle - 1;
      else if (start >= rangeEnd) low = middle + 1;
      else return true;
    }
    return false;
  }
}

/** `lines 12–40 not analyzed: nested more than 128 levels deep`. */
export function describeTooDeep(nodes: readonly Node[], maxDepth = MAX_DEPTH): string {
  return `${describeLines(nodes)} not analyzed: nested more than ${maxDepth} levels deep`;
}

/** `lines 9–15009 not analyzed: more than 256 decorators on one definition`. */
export function describeStacked(nodes: readonly Node[]): string {
  return `${describeLines(nodes)} not analyzed: more than ${MAX_DECORATORS} decorators on one definition`;
}

function describeLines(nodes: readonly Node[]): string {
  const ranges: [number, number][] = [];
  for (const node of nodes) {
    const first = node.startPosition.row + 1;
    const last = node.endPosition.row + 1;
    const previous = ranges.at(-1);
    if (previous && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else ranges.push([first, last]);
  }
  const shown = ranges.slice(0, 5).map(([first, last]) => (first === last ? `${first}` : `${first}–${last}`));
  const more = ranges.length > 5 ? ` and ${ranges.length - 5} more stretches` : '';
  const word = ranges.length === 1 && ranges[0]![0] === ranges[0]![1] ? 'line' : 'lines';
  return `${word} ${shown.join(', ')}${more}`;
}
