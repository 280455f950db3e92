// How a module starts one of its coroutine functions: as a task of its own (`create_task(self._reader())`,
// `nursery.start_soon(self._serve)`), whose way of ending nobody but its owner sees, or inline (`await
// self._reader()`), where the caller carries on with whatever it returned.
import type { Node } from 'web-tree-sitter';
import type { FunctionInfo, SemanticModel } from '../../src/analyzer/model/semantic-model.js';
import { calledName } from './calls.js';
import { awaitsNothingAfter, endsWithoutLooping } from './after-handler.js';
import { awaitOfStartedTask } from './task-awaiters.js';
import { FRAMEWORK_HANDLER_METHODS, HANDLER_REGISTRATIONS } from '../../src/analyzer/knowledge/framework-handlers.js';
import { CONNECTION_CALLBACK_PARAMETERS, RUNS_COROUTINE_AS_LOOP_MAIN, STARTS_COROUTINE_AS_TASK, STARTS_FUNCTION_AS_TASK } from '../../src/analyzer/knowledge/task-starting-methods.js';

interface Starters { coroutine: ReadonlySet<string>; fn: ReadonlySet<string> }
const AS_TASK: Starters = { coroutine: STARTS_COROUTINE_AS_TASK, fn: STARTS_FUNCTION_AS_TASK };
const AS_LOOP_MAIN: Starters = { coroutine: RUNS_COROUTINE_AS_LOOP_MAIN, fn: new Set() };

const answers = new WeakMap<SemanticModel, Map<string, boolean>>();

/** Is the coroutine function only ever started as a task in this module: named somewhere, and every time in a
 *  call that starts it as a task (`self._task = loop.create_task(self._reader())`, `coro = self._run(); return
 *  loop.create_task(coro)`, `nursery.start_soon(self._serve)`)? Never awaited inline, passed on or stored
 *  elsewhere. A method is known by its attribute name (`self.x.run()` may be another class's `run`, and counts
 *  against it unless it resolves elsewhere); a function by the names that resolve to it or to nothing known. */
export function isStartedOnlyAsTask(fn: FunctionInfo, model: SemanticModel): boolean {
  if (isConnectionCallback(fn)) return true;
  // An override that prepares its arguments and ends with `await super().run(...)` runs the base's body as
  // part of its own: when the module starts that method only as a task, the base's body is the task's too
  // (tweepy's stream classes: `create_task(self._connect(...))`, each `_connect` ending in the base's).
  return remembered(fn, model, 'task', () => {
    let started = false; // at least one real start, not only overrides handing on to this one
    return everyUse(fn, model, (reference) => (startsTask(reference, AS_TASK) ? (started = true) : isOverrideTailCall(reference, fn, model))) && started;
  });
}

/** Is the coroutine function only ever awaited (`await send_events(writer)`), each time by a coroutine the module
 *  starts only as a task nobody awaits, which then runs straight to its end (cleanup, no loop)? Its end is then
 *  the end of those tasks, as if its body were theirs: a hand-rolled server's per-connection callback awaits
 *  the route's handler, then closes the connection. */
export function isAwaitedOnlyByEndingTasks(fn: FunctionInfo, model: SemanticModel): boolean {
  return remembered(fn, model, 'awaited-by-tasks', () => everyUse(fn, model, (reference) => {
    const call = reference.parent;
    const awaited = call?.type === 'call' && call.childForFieldName('function')?.id === reference.id ? call.parent : null;
    if (awaited?.type !== 'await') return false;
    const caller = model.enclosingFunction(awaited);
    if (!caller?.isAsync || caller === fn) return false;
    return isStartedOnlyAsTask(caller, model) && awaitOfStartedTask(caller, model) === null && endsWithoutLooping(awaited, caller);
  }));
}

/** Is the async generator function only ever called to hand the generator to another call
 *  (`StreamingResponse(event_generator(), media_type="text/event-stream")`), never iterated here? Its consumer
 *  is that callee (a framework's streaming response), which we do not see. */
export function isOnlyHandedOnAsStream(fn: FunctionInfo, model: SemanticModel): boolean {
  return remembered(fn, model, 'handed-on', () => everyUse(fn, model, (reference) => {
    const call = reference.parent;
    if (call?.type !== 'call' || call.childForFieldName('function')?.id !== reference.id) return false;
    let parent = call.parent;
    if (parent?.type === 'keyword_argument') parent = parent.parent;
    return parent?.type === 'argument_list';
  }));
}

/** `async def handle(reader, writer)` (or a method taking them after `self`): asyncio's stream-server callback,
 *  run as a task per connection (see CONNECTION_CALLBACK_PARAMETERS). */
function isConnectionCallback(fn: FunctionInfo): boolean {
  const names = (fn.node.childForFieldName('parameters')?.namedChildren ?? []).map((parameter) => {
    const name = parameter?.type === 'identifier' ? parameter : parameter?.type === 'typed_parameter' ? parameter.namedChildren[0] : null;
    return name?.type === 'identifier' ? name.text : '?';
  });
  const rest = fn.ownerClass && names[0] === fn.firstParameter ? names.slice(1) : names;
  return rest.length === CONNECTION_CALLBACK_PARAMETERS.length && rest.every((name, i) => name === CONNECTION_CALLBACK_PARAMETERS[i]);
}

/** `await super().NAME(...)` as the last step of a method of the same name (an override handing on to the
 *  base). */
function isOverrideTailCall(reference: Node, fn: FunctionInfo, model: SemanticModel): boolean {
  if (reference.type !== 'attribute' || reference.childForFieldName('object')?.text !== 'super()') return false;
  return model.enclosingFunction(reference)?.name === fn.name && isLastStepAwait(reference, model);
}

/** Is the coroutine function only ever run as the loop's main task (`loop.run_until_complete(self._run())`)?
 *  No one holds that task, so no one cancels it. */
export function isRunOnlyAsLoopMain(fn: FunctionInfo, model: SemanticModel): boolean {
  return cached(fn, model, 'main', AS_LOOP_MAIN);
}

/** Is the coroutine function never called in this module, only registered with a framework as a handler
 *  (`app.router.add_post('/', self.handle)`, `add_route(...)`, `dispatcher.register(self.on_message)`)? Its
 *  caller is then the framework, which we do not see: what it does after a cancellation is unknown. (A callback
 *  handed to the project's own helper, `on_finish=self.handle_response`, is awaited there: not this.) */
export function isOnlyRegisteredAsHandler(fn: FunctionInfo, model: SemanticModel): boolean {
  return remembered(fn, model, 'handler', () => everyUse(fn, model, (reference) => isRegisteredAsHandler(reference, model)));
}

/** Is the coroutine function registered by a decorator of a registry object (`@dp.callback_query(...)`,
 *  `@router.message()`, `@app.get("/")`, `@bot.event`) and named nowhere else in the module? Its caller is the
 *  framework, which we do not see. A registry is a name the module assigns or imports from a module (`dp =
 *  Dispatcher()`, `from .loader import dp`); a module's decorator (`@tenacity.retry(...)`, after `import
 *  tenacity`) is none. */
export function isOnlyRegisteredByDecorator(fn: FunctionInfo, model: SemanticModel): boolean {
  if (!fn.decorators.some((decorator) => isRegistryDecorator(decorator, model))) return false;
  return remembered(fn, model, 'decorated', () => model.identifiersNamed(fn.name).every((identifier) => referenceTo(fn, identifier, model) === null));
}

function isRegistryDecorator(decorator: Node, model: SemanticModel): boolean {
  let expression = decorator.namedChildren.find((child) => child?.type !== 'comment') ?? null;
  if (expression?.type === 'call') expression = expression.childForFieldName('function');
  const registry = expression?.type === 'attribute' ? expression.childForFieldName('object') : null;
  if (registry?.type !== 'identifier') return false;
  const bindings = model.scopes.module.bindings.get(registry.text);
  return !!bindings?.length && bindings.every((binding) => binding.kind === 'value' || (binding.kind === 'import' && binding.node.type === 'import_from_statement'));
}

/** Is the coroutine method one its framework calls itself, per request or event (a Tornado handler's `get`, an
 *  aiohttp View's `post`), through a base class of this module or another of the project? The framework is
 *  its caller (see src/analyzer/knowledge/framework-handlers.ts). */
export function isFrameworkEntryPoint(fn: FunctionInfo, model: SemanticModel): boolean {
  const cls = fn.ownerClass;
  if (!cls) return false;
  return remembered(fn, model, 'framework', () => model.derivesFrom(cls, (name) => FRAMEWORK_HANDLER_METHODS.get(name)?.has(fn.name) ?? false));
}

/** `add_post('/', ref)`, `register(ref)`, `add_route(method, path, handler=ref)`, `web.get('/', ref)`: the
 *  function itself, not a call of it, given to a registration call (one whose name starts with `add_` or
 *  `register`, or a route definition of knowledge/framework-handlers.ts's HANDLER_REGISTRATIONS). */
function isRegisteredAsHandler(reference: Node, model: SemanticModel): boolean {
  let parent = reference.parent;
  if (parent?.type === 'keyword_argument' && parent.childForFieldName('value')?.id === reference.id) parent = parent.parent;
  if (parent?.type !== 'argument_list' || !parent.parent) return false;
  return REGISTRATION.test(calledName(parent.parent) ?? '') || HANDLER_REGISTRATIONS.has(model.callee(parent.parent) ?? '');
}

/** Calls that register a handler with a framework (aiohttp's `add_get`/`add_post`/`add_route`, event buses'
 *  `add_listener`, `register`); `add_done_callback` takes plain functions. */
const REGISTRATION = /^(?:add_(?!done_callback$)|register)/;

/** Is the coroutine function awaited in this module, and every time as its caller's last step (`await
 *  self.ws.accept(self)` as the end of a handler, `return await self._run()`), never started, stored or
 *  passed on? Then no caller here carries on after it. */
export function isAwaitedOnlyAsLastStep(fn: FunctionInfo, model: SemanticModel): boolean {
  return remembered(fn, model, 'tail', () => everyUse(fn, model, (reference) => isLastStepAwait(reference, model)));
}

/** `await ref(...)` as a statement after which the caller awaits nothing more, or `return await ref(...)`. */
function isLastStepAwait(reference: Node, model: SemanticModel): boolean {
  const call = reference.parent;
  if (call?.type !== 'call' || call.childForFieldName('function')?.id !== reference.id || call.parent?.type !== 'await') return false;
  const statement = call.parent.parent;
  if (statement?.type === 'return_statement') return true;
  return statement?.type === 'expression_statement' && awaitsNothingAfter(statement, model);
}

function cached(fn: FunctionInfo, model: SemanticModel, kind: string, starters: Starters): boolean {
  return remembered(fn, model, kind, () => everyUse(fn, model, (reference) => startsTask(reference, starters)));
}

/** One answer per model, function and question: rules ask again for every handler of a function. */
function remembered(fn: FunctionInfo, model: SemanticModel, question: string, compute: () => boolean): boolean {
  let byFunction = answers.get(model);
  if (!byFunction) answers.set(model, (byFunction = new Map()));
  const key = `${question}:${fn.qualifiedName}`;
  let answer = byFunction.get(key);
  if (answer === undefined) {
    answer = compute();
    byFunction.set(key, answer);
  }
  return answer;
}

function everyUse(fn: FunctionInfo, model: SemanticModel, isExpected: (reference: Node) => boolean): boolean {
  // Most functions are named nowhere but in their own `def`.
  const identifiers = model.identifiersNamed(fn.name);
  if (identifiers.length < 2) return false;
  let starts = 0;
  for (const identifier of identifiers) {
    const reference = referenceTo(fn, identifier, model);
    if (reference === null) continue;
    if (reference === 'unknown' || !isExpected(reference)) return false;
    starts++;
  }
  return starts > 0;
}

/** The expression that names the function (`self._reader`, `_reader`), null when this identifier names
 *  something else, 'unknown' when it may name it in a way we do not follow. */
function referenceTo(fn: FunctionInfo, identifier: Node, model: SemanticModel): Node | 'unknown' | null {
  const parent = identifier.parent;
  if (!parent) return null;
  if (parent.type === 'function_definition' && parent.childForFieldName('name')?.id === identifier.id) return null;
  if (parent.type === 'keyword_argument' && parent.childForFieldName('name')?.id === identifier.id) return null;
  if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.id === identifier.id) {
    // `connect_utils._cancel(...)` is another module's function; `self._run()` in a base class may reach a
    // subclass's `_run`, so any method of that name counts.
    const resolved = model.qualifiedName(parent);
    // `changed = resource.poll()`, `if child.poll() is not None`: another object's method whose result is used
    // as a plain value. Called so, a coroutine would never run; this is some other, sync `poll`.
    if (resolved === null && !isOwnReceiver(parent, fn) && isUsedAsPlainValue(parent.parent, model)) return null;
    if (resolved === null || resolved === fn.qualifiedName) return parent;
    const local = model.definition(resolved);
    return local && 'isAsync' in local && local.ownerClass && (!fn.ownerClass || model.mayShareInstances(local.ownerClass, fn.ownerClass)) ? parent : null;
  }
  // A bare name never reaches a method (a local such as `start = loop.time()` in it is something else).
  if (fn.ownerClass) return null;
  const resolved = model.qualifiedName(identifier);
  if (resolved === fn.qualifiedName) return identifier;
  return resolved === null ? 'unknown' : null;
}

/** `self.x` / `cls.x` in a method: the receiver may be an instance of the function's class. */
function isOwnReceiver(attribute: Node, fn: FunctionInfo): boolean {
  const receiver = attribute.childForFieldName('object')?.text;
  return receiver === 'self' || receiver === 'cls' || receiver === fn.ownerClass?.name;
}

/** Is `call` (a call of the attribute) used where no coroutine would ever be awaited: as a statement of its
 *  own, in a condition or comparison, or assigned to a local that is never awaited, passed on or returned? */
function isUsedAsPlainValue(call: Node | null, model: SemanticModel): boolean {
  const parent = call?.type === 'call' ? call.parent : null;
  if (!call || !parent) return false;
  if (parent.type === 'expression_statement' || parent.type === 'comparison_operator' || parent.type === 'not_operator') return true;
  if ((parent.type === 'if_statement' || parent.type === 'while_statement') && parent.childForFieldName('condition')?.id === call.id) return true;
  const target = parent.type === 'assignment' && parent.childForFieldName('right')?.id === call.id ? parent.childForFieldName('left') : null;
  const scope = target?.type === 'identifier' ? model.enclosingFunction(parent)?.node : null;
  if (!target || !scope) return false;
  return scope.descendantsOfType('identifier').every((use) => !use || use.text !== target.text || use.id === target.id
    || !['await', 'argument_list', 'return_statement', 'keyword_argument', 'list', 'tuple', 'set'].includes(use.parent?.type ?? ''));
}

/** Does this use of the function's name start it as a task? */
function startsTask(reference: Node, starters: Starters): boolean {
  const parent = reference.parent;
  if (parent?.type === 'call' && parent.childForFieldName('function')?.id === reference.id) {
    // `start_server(lambda r, w: handle(r, w, state))`: the starter calls the lambda and runs the coroutine it
    // returns as a task.
    const lambda = parent.parent;
    if (lambda?.type === 'lambda' && lambda.childForFieldName('body')?.id === parent.id) return starterCall(lambda, starters.fn) !== null;
    return coroutineStartsTask(parent, starters.coroutine);
  }
  return starterCall(reference, starters.fn) !== null;
}

/** The call that starts, as a task, the function `reference` names: `create_task(self._run())`,
 *  `ensure_future(coro=self._run())` (a call of it handed to a coroutine starter) or
 *  `start_background_task(self._run)` (the function handed to a function starter); null otherwise. */
export function taskStarterOf(reference: Node): Node | null {
  const parent = reference.parent;
  const made = parent?.type === 'call' && parent.childForFieldName('function')?.id === reference.id ? parent : null;
  return made ? starterCall(made, STARTS_COROUTINE_AS_TASK) : starterCall(reference, STARTS_FUNCTION_AS_TASK);
}

/** Is the coroutine made by this call run as a task: given to a task-starting call, directly or through a
 *  local variable used for nothing else? */
function coroutineStartsTask(call: Node, starters: ReadonlySet<string>): boolean {
  if (isTaskArgument(call, starters)) return true;
  const assignment = call.parent;
  const target = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.id === call.id ? assignment.childForFieldName('left') : null;
  if (target?.type !== 'identifier') return false;
  let scope: Node | null = assignment!.parent;
  while (scope && scope.type !== 'function_definition' && scope.type !== 'module') scope = scope.parent;
  const uses = (scope?.descendantsOfType('identifier') ?? []).filter((id) => id?.text === target.text && id.id !== target.id);
  return uses.length > 0 && uses.every((use) => !!use && isTaskArgument(use, starters));
}

/** `create_task(X)`, `loop.create_task(X, name=...)`, `ensure_future(coro=X)`. */
function isTaskArgument(node: Node, starters: ReadonlySet<string>): boolean {
  return starterCall(node, starters) !== null;
}

/** The call of one of `starters` that `node` is an argument of (positional or keyword), or null. */
function starterCall(node: Node, starters: ReadonlySet<string>): Node | null {
  let parent = node.parent;
  if (parent?.type === 'keyword_argument') parent = parent.parent;
  const call = parent?.type === 'argument_list' ? parent.parent : null;
  return call && starters.has(calledName(call) ?? '') ? call : null;
}
