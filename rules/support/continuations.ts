// A task that continues another task the object keeps: `self._slow_tasks.append(task)`, then
// `ensure_future(self._continue_slow_send(task, ...))` whose coroutine starts with `data = await task`
// (slixmpp's XMLStream.run_filters). The kept task holds the continuation in its done callbacks, and the owner's
// `task.cancel()` ends it too: it is neither collectable nor out of its owner's reach.
import type { Node } from 'web-tree-sitter';
import type { FunctionInfo, SemanticModel } from '../../src/analyzer/model/semantic-model.js';

/** Does the coroutine `coroutineCall` makes (with `fn` its local definition) first await an argument that the
 *  spawning method has stored on its object (`self.X.append(arg)`, `self.X.add(arg)`, `self.X = arg`,
 *  `self.X[key] = arg`) before the spawn? */
export function continuesAKeptTask(spawn: Node, coroutineCall: Node, fn: FunctionInfo, model: SemanticModel): boolean {
  const parameter = firstAwaitedName(fn);
  if (!parameter) return false;
  const index = positionalIndex(fn, parameter, coroutineCall);
  const args = coroutineCall.childForFieldName('arguments')?.namedChildren.filter((arg): arg is Node => !!arg && arg.type !== 'comment') ?? [];
  if (index < 0 || args.slice(0, index + 1).some((arg) => ['keyword_argument', 'list_splat', 'dictionary_splat'].includes(arg.type))) return false;
  const argument = args[index];
  const spawner = model.enclosingFunction(spawn);
  if (argument?.type !== 'identifier' || !spawner?.firstParameter) return false;
  const owner = spawner.firstParameter;
  return spawner.node.descendantsOfType(['call', 'assignment']).some((node) => !!node && node.startIndex < spawn.startIndex
    && model.enclosingFunction(node) === spawner && storesOnObject(node, argument.text, owner));
}

/** `p` when the body (after a docstring) starts with `await p` or `x = await p`, p a parameter. */
function firstAwaitedName(fn: FunctionInfo): string | null {
  const statements = fn.node.childForFieldName('body')?.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment') ?? [];
  if (statements[0]?.type === 'expression_statement' && statements[0].namedChildren[0]?.type === 'string') statements.shift();
  let expression = statements[0]?.type === 'expression_statement' ? statements[0].namedChildren[0] : null;
  if (expression?.type === 'assignment') expression = expression.childForFieldName('right');
  const awaited = expression?.type === 'await' ? expression.namedChildren[0] : null;
  return awaited?.type === 'identifier' ? awaited.text : null;
}

/** The position among the call's arguments that binds `name` (after `self` for a method called on an object). */
function positionalIndex(fn: FunctionInfo, name: string, call: Node): number {
  const names = (fn.node.childForFieldName('parameters')?.namedChildren ?? []).map((parameter) => {
    if (parameter?.type === 'identifier') return parameter.text;
    if (parameter?.type === 'typed_parameter') return parameter.namedChildren.find((c) => c?.type === 'identifier')?.text ?? null;
    if (parameter?.type === 'default_parameter' || parameter?.type === 'typed_default_parameter') return parameter.childForFieldName('name')?.text ?? null;
    return null;
  });
  const boundFirst = fn.ownerClass && fn.firstParameter && call.childForFieldName('function')?.type === 'attribute' ? 1 : 0;
  const index = names.indexOf(name);
  return index < boundFirst ? -1 : index - boundFirst;
}

function storesOnObject(node: Node, name: string, owner: string): boolean {
  const onObject = (target: Node | null | undefined) => {
    while (target?.type === 'subscript') target = target.childForFieldName('value');
    return target?.type === 'attribute' && target.childForFieldName('object')?.text === owner;
  };
  if (node.type === 'assignment') {
    return node.childForFieldName('right')?.text === name && onObject(node.childForFieldName('left'));
  }
  const fn = node.childForFieldName('function');
  const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : null;
  const args = node.childForFieldName('arguments')?.namedChildren ?? [];
  return (method === 'append' || method === 'add') && args.length === 1 && args[0]?.text === name && onObject(fn!.childForFieldName('object'));
}
