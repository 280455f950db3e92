// What function an attribute call runs when the attribute holds a function of this module: `self._pointer(x)`
// where the class assigns `self._pointer = pointer_wrapper` (a function defined in `__init__`) and nothing else.
import type { Node } from 'web-tree-sitter';
import type { FunctionInfo, SemanticModel } from './semantic-model.js';

/** The local function `self.NAME(...)` calls, when NAME is no method and the only value the class ever
 *  assigns to `self.NAME` is the name of a function defined in this module. Undefined otherwise (a
 *  subclass or caller may put anything there, so any other binding leaves it unknown). */
export function functionHeldBy(call: Node, model: SemanticModel): FunctionInfo | undefined {
  const fn = call.childForFieldName('function');
  const object = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  const attribute = fn?.childForFieldName('attribute')?.text;
  const method = model.enclosingFunction(call);
  const cls = method?.ownerClass;
  if (!cls || !attribute || object?.type !== 'identifier' || object.text !== method.firstParameter) return undefined;
  if (cls.methods.has(attribute) || cls.opaqueAttributes.has(attribute)) return undefined;
  // Another local class (a subclass, say) that defines or assigns the name may be what `self` is.
  if (model.classes.some((other) => other !== cls && (other.methods.has(attribute) || other.attributeValues.has(attribute)))) return undefined;
  const values = cls.attributeValues.get(attribute);
  if (values?.length !== 1 || values[0].type !== 'identifier') return undefined;
  const name = model.qualifiedName(values[0]);
  const held = name ? model.definition(name) : undefined;
  return held && 'isAsync' in held ? held : undefined;
}
