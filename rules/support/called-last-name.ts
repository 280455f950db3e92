// A cheap first test for rules about calls of a few library functions: the name a call's function part ends
// in, read once per call and shared by every rule that asks (each read crosses out of wasm, and most calls
// are of nothing such a rule looks for).
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../../src/analyzer/model/semantic-model.js';

const cache = new WeakMap<SemanticModel, Map<number, string | null>>();

/** `shield` for `asyncio.shield(x)` and for `shield(x)`; null for other function parts (`handlers[0](x)`).
 *  `fn` is CALL_QUERY's `function` capture. A function imported under another name (`from asyncio import
 *  shield as s`) is not recognised: rules using this accept that miss for speed. */
export function calledLastName(call: Node, fn: Node | undefined, model: SemanticModel): string | null {
  let names = cache.get(model);
  if (!names) cache.set(model, (names = new Map()));
  let name = names.get(call.id);
  if (name === undefined) {
    const part = fn ?? call.childForFieldName('function');
    name = part?.type === 'identifier' ? part.text : part?.type === 'attribute' ? part.childForFieldName('attribute')?.text ?? null : null;
    names.set(call.id, name);
  }
  return name;
}
