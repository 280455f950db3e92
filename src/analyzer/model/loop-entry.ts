// Coroutines that are the entry of a loop of their own: a coroutine function the module only ever runs with
// `asyncio.run(f())` (`trio.run(f)`, `anyio.run(f)`) from synchronous code, in a script's `__main__` block, a
// command-line entry point, a worker thread or a child process. `asyncio.run` makes a new loop for it, so
// nothing else is on that loop until it starts something, and no other task holds its task to await or cancel it.
import type { Node } from 'web-tree-sitter';
import type { FunctionInfo, SemanticModel } from './semantic-model.js';
import { NEW_LOOP_RUNNERS } from './known-apis.js';

const onlyRunOnNewLoops = new WeakMap<SemanticModel, Map<FunctionInfo, boolean>>();

/** Is every use of the coroutine function `asyncio.run(f())` (`trio.run(f)`, `anyio.run(f)`) in synchronous code? */
export function isOnlyRunOnNewLoops(model: SemanticModel, fn: FunctionInfo): boolean {
  let answers = onlyRunOnNewLoops.get(model);
  if (!answers) onlyRunOnNewLoops.set(model, (answers = new Map()));
  let answer = answers.get(fn);
  if (answer === undefined) answers.set(fn, (answer = everyUseRunsOnNewLoop(model, fn)));
  return answer;
}

function everyUseRunsOnNewLoop(model: SemanticModel, fn: FunctionInfo): boolean {
  // Text first: `run(main` (or `run(commands[`, a command table's) must be written somewhere.
  if (!fn.isAsync || fn.ownerClass || !/\brun\(/.test(model.source.text)) return false;
  const nameNode = fn.node.childForFieldName('name');
  const home = nameNode ? model.scopes.lookup(fn.name, model.scopes.scopeOf(nameNode))?.scope : undefined;
  if (!home) return false;
  let runs = 0;
  for (const identifier of model.identifiersNamed(fn.name)) {
    const parent = identifier.parent;
    if (parent?.type === 'function_definition' && parent.childForFieldName('name')?.id === identifier.id) continue;
    if (parent?.type === 'attribute' || parent?.type === 'keyword_argument') {
      if (parent.childForFieldName(parent.type === 'attribute' ? 'attribute' : 'name')?.id === identifier.id) continue;
    }
    // The same name bound elsewhere (an imported `run`) is another function.
    if (model.scopes.lookup(fn.name, model.scopes.scopeOf(identifier))?.scope !== home) continue;
    // `asyncio.run(f())` or `trio.run(f)`, called from synchronous code.
    const made = parent?.type === 'call' && parent.childForFieldName('function')?.id === identifier.id ? parent : identifier;
    if (!runsOnNewLoop(model, made) && !isRunCommand(model, identifier)) return false;
    runs++;
  }
  return runs > 0;
}

/** Is `made` (`f()`, or `f` for trio and anyio) the first argument of `asyncio.run(...)` (`trio.run`, ...) in
 *  synchronous code? */
function runsOnNewLoop(model: SemanticModel, made: Node): boolean {
  const runner = made.parent?.type === 'argument_list' && made.parent.namedChildren[0]?.id === made.id ? made.parent.parent : null;
  return !!runner && NEW_LOOP_RUNNERS.has(model.callee(runner) ?? '') && !model.enclosingFunction(runner)?.isAsync;
}

/** A command-line tool's table of commands: `commands = {"auth": cmd_auth, ...}`, then only ever
 *  `asyncio.run(commands[args.command](args))` in synchronous code. */
function isRunCommand(model: SemanticModel, identifier: Node): boolean {
  const pair = identifier.parent;
  if (pair?.type !== 'pair' || pair.childForFieldName('value')?.id !== identifier.id || pair.parent?.type !== 'dictionary') return false;
  const assignment = pair.parent.parent;
  const table = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.id === pair.parent.id ? assignment.childForFieldName('left') : null;
  if (table?.type !== 'identifier') return false;
  const scope = model.scopes.scopeOf(table);
  let uses = 0;
  for (const use of model.identifiersNamed(table.text)) {
    if (use.id === table.id || model.scopes.lookup(table.text, model.scopes.scopeOf(use))?.scope !== scope) continue;
    const subscript = use.parent;
    const call = subscript?.type === 'subscript' && subscript.childForFieldName('value')?.id === use.id ? subscript.parent : null;
    if (call?.type !== 'call' || call.childForFieldName('function')?.id !== subscript!.id || !runsOnNewLoop(model, call)) return false;
    uses++;
  }
  return uses > 0;
}
