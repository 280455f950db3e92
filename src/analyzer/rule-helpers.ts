// Small helpers rules share: quoting code in one-line messages, which async library a module is written for,
// and the remedies (advice and fixes) that library and the project's oldest Python have for a blocking call.
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from './model/semantic-model.js';
import type { Scope } from './model/scopes.js';
import { KNOWLEDGE } from './knowledge/index.js';

/** Source text of a node for a one-line message: comments dropped, whitespace collapsed, long text shortened. */
export function snippet(node: Node, max = 60): string {
  const text = withoutComments(node).replace(/\s+/g, ' ');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A node's text without the comments inside it (`f(  # why\n    x)` is quoted as `f( x)`). */
function withoutComments(node: Node): string {
  let text = node.text;
  if (!text.includes('#')) return text;
  let from = 0;
  for (const comment of node.descendantsOfType('comment')) {
    const at = comment ? text.indexOf(comment.text, from) : -1;
    if (at < 0) continue;
    text = text.slice(0, at) + text.slice(at + comment!.text.length);
    from = at;
  }
  return text;
}

/** Node types whose element expression becomes an async generator (or an error) when it contains `await`. */
const AWAIT_HOSTILE = new Set(['generator_expression', 'lambda', 'function_definition', 'class_definition']);

// ---------------------------------------------------------------- remedies by library and target Python

/** The async library code is written for; 'unknown' when the module could run under either asyncio or trio. */
export type AsyncLibrary = 'asyncio' | 'trio' | 'anyio' | 'unknown';

/** A piece of advice (or a function name) for each library that has a remedy. */
export interface ByLibrary {
  asyncio: string;
  trio: string;
  anyio: string;
}

const LIBRARY_MODULES = ['asyncio', 'trio', 'anyio', 'sniffio'] as const;

const libraryCache = new WeakMap<SemanticModel, Map<Scope, AsyncLibrary>>();

/** Which async library the code at `at` (default: the module level) is written for, by what it imports. The
 *  innermost scope that imports asyncio, trio, anyio or sniffio decides (a method that imports trio itself,
 *  as hypercorn's trio middleware does, is trio code in an asyncio module). anyio anywhere: anyio, whose API
 *  runs on either backend, so its remedies fit whichever runs the code; trio beside asyncio: unknown; trio:
 *  trio; sniffio without trio (code that asks at run time which library runs it): unknown; else asyncio, also
 *  when the module imports none of them. A module inside the trio or anyio package counts its relative
 *  imports of that package (`from .. import sleep` in trio's own tests). */
export function asyncLibrary(model: SemanticModel, at?: Node): AsyncLibrary {
  let cache = libraryCache.get(model);
  if (!cache) libraryCache.set(model, cache = new Map());
  const visited: Scope[] = [];
  let answer: AsyncLibrary | undefined;
  for (let scope: Scope | null = at ? model.scopes.scopeOf(at) : model.scopes.module; scope && !answer; scope = scope.parent) {
    answer = cache.get(scope);
    if (answer) break;
    visited.push(scope);
    const imported = importedLibraries(scope, model);
    if (imported.size === 0 && scope.parent) continue;
    answer = imported.has('anyio') ? 'anyio'
      : imported.has('trio') ? (imported.has('asyncio') ? 'unknown' : 'trio')
        : imported.has('sniffio') ? 'unknown'
          : 'asyncio';
  }
  answer ??= 'asyncio';
  for (const scope of visited) cache.set(scope, answer);
  return answer;
}

/** The libraries of LIBRARY_MODULES a scope imports itself (`import trio`, `from anyio import sleep`). */
function importedLibraries(scope: Scope, model: SemanticModel): Set<string> {
  // Inside the trio package (`...python3-trio.trio.tests.test_x`, as the path names it), a relative import
  // resolves to `...python3-trio.trio.x`: that prefix is trio too.
  const parts = model.moduleName.split('.');
  const ownPackages = ['trio', 'anyio'].flatMap((library) => {
    const at = parts.indexOf(library);
    return at > 0 ? [{ library, prefix: parts.slice(0, at + 1).join('.') }] : [];
  });
  const found = new Set<string>();
  for (const bindings of scope.bindings.values()) {
    for (const binding of bindings) {
      if (binding.kind !== 'import') continue;
      const name = binding.qualifiedName;
      const top = name.split('.')[0];
      if ((LIBRARY_MODULES as readonly string[]).includes(top)) found.add(top);
      for (const { library, prefix } of ownPackages) if (name === prefix || name.startsWith(`${prefix}.`)) found.add(library);
    }
  }
  return found;
}

interface HostExecutor { receiver: string; method: string }

/** The worker-thread convention of a host framework the module imports, where its receiver is a name bound at
 *  `at` (Home Assistant: `hass`, a parameter of the integration's setup): `hass.async_add_executor_job`. */
function hostExecutor(model: SemanticModel, at: Node): HostExecutor | null {
  for (const [module, executor] of KNOWLEDGE.executors) {
    if (!model.importsFrom(module)) continue;
    if (model.scopes.lookup(executor.receiver, model.scopes.scopeOf(at))) return executor;
    // A method of a class the module gives `self.hass` (Home Assistant's entities and coordinators).
    const method = model.enclosingFunction(at);
    const self = method?.ownerClass ? method.node.childForFieldName('parameters')?.namedChildren[0]?.text : undefined;
    if (self === 'self' && model.source.text.includes(`self.${executor.receiver}`)) return { ...executor, receiver: `self.${executor.receiver}` };
  }
  return null;
}

/** Advice to run `fn(...)` with a host framework's worker-thread convention at `at` (Home Assistant:
 *  `await hass.async_add_executor_job(...)`), or null where none applies. */
export function hostOffloadAdvice(model: SemanticModel, at: Node, fn = '...'): string | null {
  const host = asyncLibrary(model, at) === 'asyncio' ? hostExecutor(model, at) : null;
  return host ? `\`${offloadCode('asyncio', 'asyncio', model, fn, [], false, host)}\`` : null;
}

/** The advice for the library of the code at `at`; where that is unknown, the asyncio and the trio advice,
 *  each named. */
export function forLibrary(model: SemanticModel, at: Node, advice: ByLibrary): string {
  const library = asyncLibrary(model, at);
  return library === 'unknown' ? `${advice.asyncio} under asyncio, ${advice.trio} under trio` : advice[library];
}

/** `asyncio.get_running_loop()` (3.7+), else `asyncio.get_event_loop()` (inside a coroutine, the same loop). */
export function runningLoopCall(model: SemanticModel, module = 'asyncio'): string {
  return `${module}.${model.pythonHas([3, 7]) ? 'get_running_loop' : 'get_event_loop'}()`;
}

/** The code that runs `fn(args...)` in a worker thread, for the library and the project's oldest Python:
 *  asyncio: `await asyncio.to_thread(fn, ...)` (3.9+), else `await
 *  asyncio.get_running_loop().run_in_executor(None, fn, ...)` (`get_event_loop()` before 3.7); trio and anyio:
 *  `await trio.to_thread.run_sync(fn, ...)`. Only `to_thread` forwards keyword arguments: with `keywords`,
 *  the others take `functools.partial(fn, ...)`. */
function offloadCode(library: Exclude<AsyncLibrary, 'unknown'>, module: string, model: SemanticModel, fn: string, args: readonly string[], keywords: boolean, host: HostExecutor | null = null): string {
  if (library === 'asyncio' && host) return `await ${host.receiver}.${host.method}(${(keywords ? [`functools.partial(${[fn, ...args].join(', ')})`] : [fn, ...args]).join(', ')})`;
  if (library === 'asyncio' && model.pythonHas([3, 9])) return `await ${module}.to_thread(${[fn, ...args].join(', ')})`;
  const passed = keywords ? [`functools.partial(${[fn, ...args].join(', ')})`] : [fn, ...args];
  if (library === 'asyncio') return `await ${runningLoopCall(model, module)}.run_in_executor(${['None', ...passed].join(', ')})`;
  return `await ${module}.to_thread.run_sync(${passed.join(', ')})`;
}

/** Advice, quoted for a message, to run `fn(args...)` in a worker thread the way the code's library and the
 *  project's oldest Python allow (see offloadCode): `offloadAdvice(model, call, 'input', ['...'])`. With the
 *  defaults, the runner alone: `await asyncio.to_thread(...)`. `keywords`: the call passes keyword arguments. */
export function offloadAdvice(model: SemanticModel, at: Node, fn = '...', args: readonly string[] = [], keywords = false): string {
  const host = hostExecutor(model, at);
  if (host && asyncLibrary(model, at) === 'asyncio') return `\`${offloadCode('asyncio', 'asyncio', model, fn, args, keywords, host)}\``;
  const code = (library: Exclude<AsyncLibrary, 'unknown'>) => offloadText(library, model, fn, args, keywords);
  return forLibrary(model, at, { asyncio: code('asyncio'), trio: code('trio'), anyio: code('anyio') });
}

/** offloadAdvice for one library, to compose with other advice through forLibrary. */
export function offloadText(library: Exclude<AsyncLibrary, 'unknown'>, model: SemanticModel, fn = '...', args: readonly string[] = [], keywords = false): string {
  return `\`${offloadCode(library, library, model, fn, args, keywords)}\``;
}

/** Does the call pass keyword arguments (`f(x, key=1)`, `f(**options)`)? */
export function passesKeywords(call: Node): boolean {
  const args = call.childForFieldName('arguments');
  return !!args?.namedChildren.some((arg) => arg?.type === 'keyword_argument' || arg?.type === 'dictionary_splat');
}

/** The replacement text that runs a blocking call in a worker thread (see offloadCode): `f(a, b)` becomes
 *  `await asyncio.to_thread(f, a, b)` on 3.9+, `await asyncio.get_running_loop().run_in_executor(None, f, a,
 *  b)` on older Pythons, `await trio.to_thread.run_sync(f, a, b)` in trio code (`path.read_text()` becomes
 *  `await asyncio.to_thread(path.read_text)`). Null when that is not a correct drop-in: the library is unknown
 *  or its module is not imported under a name usable here, the call passes keyword arguments that the runner
 *  cannot forward, the call is already awaited or sits where `await` would change meaning (a generator
 *  expression), or its arguments are a bare generator. */
export function offloadReplacement(call: Node, model: SemanticModel): string | null {
  const library = asyncLibrary(model, call);
  if (library === 'unknown') return null;
  const host = library === 'asyncio' ? hostExecutor(model, call) : null;
  // A host's executor is reached through its receiver (`hass`): the library's module need not be imported.
  const module = host ? library : model.moduleAlias(library, call);
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (!module || !fn || args?.type !== 'argument_list' || call.parent?.type === 'await' || !model.mayAwait(call)) return null;
  const keywords = passesKeywords(call);
  if (keywords && (host || !(library === 'asyncio' && model.pythonHas([3, 9])))) return null;
  for (let node = call.parent; node && node.type !== 'function_definition'; node = node.parent) {
    if (AWAIT_HOSTILE.has(node.type)) return null;
  }
  // Arguments one by one, without the comments between them (a comment would swallow what follows it).
  const passed = args.namedChildren.filter((arg) => arg && arg.type !== 'comment').map((arg) => arg!.text);
  const replacement = offloadCode(library, module, model, fn.text, passed, false, host);
  return needsParentheses(call) ? `(${replacement})` : replacement;
}

/** The former name of offloadReplacement, from when it only wrote `asyncio.to_thread`. */
export const toThreadReplacement = offloadReplacement;

/** `await <library>.<function>(same arguments)` in place of `call` for the library the code is written for
 *  (`time.sleep(1)` becomes `await trio.sleep(1)` in trio code); null when the library is unknown, its module
 *  is not imported under a name usable here, or `await` cannot go there (see awaitReplacement). */
export function libraryCallReplacement(call: Node, functions: ByLibrary, model: SemanticModel): string | null {
  const library = asyncLibrary(model, call);
  const module = library === 'unknown' ? null : model.moduleAlias(library, call);
  const args = call.childForFieldName('arguments');
  if (!module || library === 'unknown' || args?.type !== 'argument_list') return null;
  return awaitReplacement(call, `${module}.${functions[library]}${args.text}`, model);
}

/** Operands `await` takes as they are; anything else (`a or b`, `x if c else y`, `await g()`) is parenthesized. */
const PRIMARY = new Set(['identifier', 'attribute', 'subscript', 'call', 'parenthesized_expression']);

/** The replacement text awaiting `operand` in place of `call` (`asyncio.run(g())` becomes `await g()`,
 *  `time.sleep(1)` `await asyncio.sleep(1)`). Null where that is not a correct drop-in: the call is already
 *  awaited, sits in a generator expression or lambda, where `await` changes what the code means, or in a
 *  class body, where it is a SyntaxError. */
export function awaitReplacement(call: Node, operand: Node | string, model: SemanticModel): string | null {
  if (call.parent?.type === 'await' || !model.mayAwait(call)) return null;
  for (let node = call.parent; node && node.type !== 'function_definition'; node = node.parent) {
    if (AWAIT_HOSTILE.has(node.type)) return null;
  }
  const awaited = typeof operand === 'string' ? operand : PRIMARY.has(operand.type) ? operand.text : `(${operand.text})`;
  return needsParentheses(call) ? `(await ${awaited})` : `await ${awaited}`;
}

/** `await x` binds looser than `.attr`, `[i]` and `(...)`: `f().strip()` must become `(await ...).strip()`. */
export function needsParentheses(call: Node): boolean {
  const parent = call.parent;
  if (!parent) return false;
  const usedAs = (field: string) => parent.childForFieldName(field)?.id === call.id;
  return (parent.type === 'attribute' && usedAs('object'))
    || (parent.type === 'subscript' && usedAs('value'))
    || (parent.type === 'call' && usedAs('function'));
}
