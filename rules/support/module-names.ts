// Uses of a few module-level names (`asyncio.get_child_watcher`, `from asyncio import iscoroutinefunction`),
// found by a text search of the module rather than a query pattern over every attribute: a query's text
// predicates are tested outside wasm, so `(attribute attribute: (identifier) @name (#any-of? ...))` would bring
// every attribute of every module across, while the names looked for are rare.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';

/** The query of rules that look at the whole module once: identical text, so they share the one match. */
export const MODULE_QUERY = '(module) @module';

export interface NameUse {
  /** The identifier of the name (`get_child_watcher`). */
  name: Node;
  /** What the use names: `asyncio.get_child_watcher` (null when the model cannot tell). */
  qualifiedName: string | null;
  /** Where to report it: the attribute (`asyncio.get_child_watcher`) or, for an import, the imported name. */
  node: Node;
  /** The `from MODULE import NAME` statement the use is part of, if it is one. */
  importFrom: Node | null;
}

/** Each attribute ending in one of `names` (`x.NAME`) and each `from M import NAME [as alias]`, in the module. */
export function usesOfNames(module: Node, names: readonly string[], model: SemanticModel): NameUse[] {
  const text = model.source.text;
  // Most modules name none of them: a plain substring test is far cheaper than the alternation below.
  const present = names.filter((name) => text.includes(name));
  if (present.length === 0) return [];
  const pattern = new RegExp(`\\b(?:${present.join('|')})\\b`, 'g');
  const uses: NameUse[] = [];
  for (const match of text.matchAll(pattern)) {
    const start = match.index;
    const name = module.descendantForIndex(start, start + match[0].length);
    if (name?.type !== 'identifier' || name.startIndex !== start || name.endIndex !== start + match[0].length) continue;
    const parent = name.parent;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === name.id) {
      uses.push({ name, qualifiedName: model.qualifiedName(parent), node: parent, importFrom: null });
      continue;
    }
    // `from asyncio import NAME` / `from asyncio import NAME as alias`: the dotted_name is the statement's `name`
    // (or an aliased import's `name`), a single identifier.
    if (parent?.type !== 'dotted_name' || parent.namedChildren.length !== 1) continue;
    const holder = parent.parent?.type === 'aliased_import' && parent.parent.childForFieldName('name')?.id === parent.id ? parent.parent : parent;
    const statement = holder.parent;
    if (statement?.type !== 'import_from_statement' || statement.childForFieldName('module_name')?.id === parent.id) continue;
    const from = statement.childForFieldName('module_name');
    if (from?.type !== 'dotted_name') continue;
    uses.push({ name, qualifiedName: `${from.text}.${name.text}`, node: name, importFrom: statement });
  }
  return uses;
}
