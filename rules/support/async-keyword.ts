// Fixes that turn `with` / `for` into `async with` / `async for`.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';

/** A whole-line fix inserting `async ` where `node` starts (a with/for statement or a comprehension's `for`). */
export function insertAsyncBefore(node: Node, model: SemanticModel): { line: number; endLine: number; replacement: string } {
  const row = node.startPosition.row;
  const text = model.source.line(row);
  const column = node.startPosition.column;
  return { line: row + 1, endLine: row + 1, replacement: `${text.slice(0, column)}async ${text.slice(column)}` };
}
