import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { forLibrary, snippet, type ByLibrary } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { ASYNC_EQUIVALENTS } from '../src/analyzer/model/known-apis.js';
import { WITH_QUERY, contextManagersOf, isAsyncWith } from './support/context-managers.js';

/** threading primitives whose acquire waits on the calling thread, with their async counterparts by library
 *  (src/analyzer/knowledge/libraries/threading.ts). */
const ASYNC_EQUIVALENT: ReadonlyMap<string, ByLibrary> = ASYNC_EQUIVALENTS;

/** "use `asyncio.Lock` with `async with`", in the code's library. */
function useInstead(type: string, at: Node, model: SemanticModel): string {
  const equivalent = ASYNC_EQUIVALENT.get(type)!;
  const phrase = (library: keyof ByLibrary) => `\`${equivalent[library]}\` with \`async with\``;
  return `use ${forLibrary(model, at, { asyncio: phrase('asyncio'), trio: phrase('trio'), anyio: phrase('anyio') })}`;
}

/** A statement `x.acquire(...)`: acquiring inside an expression (`if lock.acquire(False)`) is nearly always a
 *  non-blocking try, and a narrow pattern keeps the query cheap. */
const ACQUIRE_QUERY = '(expression_statement (call function: (attribute object: (_) @lock attribute: (identifier) @method) arguments: (argument_list) @acquire.args) @acquire (#eq? @method "acquire"))';

export default defineRule({
  name: 'threading-lock',
  aliases: [],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports a `threading` lock, semaphore or condition held across an `await` (`with lock:` whose body awaits) or acquired with a blocking `acquire()` in a coroutine and not released before its next `await`. Left alone: a lock that synchronous code takes too (`with self.lock:` in a plain method, a module-level lock in a plain function): it guards state shared with other threads and must stay a threading lock.',
  why: 'While a coroutine holding a threading lock is suspended at an `await`, any other coroutine that takes the lock blocks the whole event loop, and the holder can never resume to release it: a deadlock. `asyncio.Lock` (`trio.Lock`, `anyio.Lock` in trio and anyio code) with `async with` suspends only the waiting coroutine.',
  bad: `import asyncio
import threading


class Cache:
    def __init__(self):
        self._lock = threading.Lock()
        self._data = {}

    async def refresh(self, key, fetch):
        with self._lock:
            self._data[key] = await fetch(key)
`,
  good: `import asyncio
import threading


class Cache:
    def __init__(self):
        self._lock = asyncio.Lock()
        self._data = {}

    async def refresh(self, key, fetch):
        async with self._lock:
            self._data[key] = await fetch(key)
`,
  query: `${WITH_QUERY}\n${ACQUIRE_QUERY}`,
  check({ with: statement, body, acquire, lock, 'acquire.args': args }, { model, report }) {
    if (statement && body) {
      if (isAsyncWith(statement)) return;
      const held = contextManagersOf(statement).find((manager) => ASYNC_EQUIVALENT.has(model.typeOf(manager) ?? ''));
      if (!held || !model.isInCoroutine(statement) || !suspendsIn(body, model) || isSharedWithThreads(held, model)) return;
      const type = model.typeOf(held)!;
      // An RLock belongs to a thread, and every coroutine of the loop runs on the same one: another coroutine
      // enters it at once (no wait, no protection either), while worker threads wait for the whole await.
      const effect = type === 'threading.RLock'
        ? 'every other coroutine on the loop\'s thread re-enters it at once, so it excludes nothing between them'
        : 'another coroutine taking it blocks the event loop or deadlocks';
      report(held, `\`with ${snippet(held)}:\` holds a \`${type}\` across \`await\` in ${model.describeContext(statement)}: ${effect}; ${useInstead(type, statement, model)}`);
      return;
    }
    if (!acquire || !lock || !args) return;
    const type = model.typeOf(lock);
    if (!type || !ASYNC_EQUIVALENT.has(type) || !model.isInCoroutine(acquire) || !waitsIndefinitely(args) || releasedBeforeAwait(acquire, lock, model) || isSharedWithThreads(lock, model)) return;
    report(acquire, `\`${callSnippet(acquire)}\` waits for a \`${type}\` on the event loop's thread in ${model.describeContext(acquire)}; ${useInstead(type, acquire, model)}`);
  },
});

/** Is the same lock (`self.lock` of the same class, or the same module-level name) also taken in synchronous
 *  code (`with self.lock:` or `self.lock.acquire()` in a plain `def`)? Then it guards state shared with other
 *  threads (distributed's `as_completed.update()`, called from user threads, and its `_track_future` coroutine
 *  on the client's loop): it must stay a threading lock, and `asyncio.Lock` would break that. */
function isSharedWithThreads(lock: Node, model: SemanticModel): boolean {
  const name = lock.type === 'attribute' ? lock.childForFieldName('attribute')?.text : lock.text;
  const key = lockKey(lock, model);
  if (!name || key === null) return false;
  // Text first: the lock is looked for only where the module names it.
  for (const identifier of model.identifiersNamed(name)) {
    const parent = identifier.parent;
    const named = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === identifier.id ? parent : identifier;
    if (named.text !== lock.text || !isTaken(named)) continue;
    const fn = model.enclosingFunction(named);
    if (fn && !fn.isAsync && lockKey(named, model) === key) return true;
  }
  return false;
}

/** Is the expression entered by a `with` (`with x:`, `with x as held, other:`) or acquired (`x.acquire(...)`)? */
function isTaken(expression: Node): boolean {
  let parent = expression.parent;
  if (parent?.type === 'as_pattern') parent = parent.parent;
  if (parent?.type === 'with_item') return true;
  const call = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.text === 'acquire' ? parent.parent : null;
  return call?.type === 'call';
}

/** Which lock an expression names, where other functions can name it too: `Class.attribute` for
 *  `self.attribute`, a module-level name; null for anything else (a local, a parameter, `other.lock`). */
function lockKey(lock: Node, model: SemanticModel): string | null {
  if (lock.type === 'attribute') {
    const owner = model.enclosingFunction(lock)?.ownerClass;
    return lock.childForFieldName('object')?.text === 'self' && owner ? `${owner.name}.${lock.childForFieldName('attribute')?.text}` : null;
  }
  if (lock.type !== 'identifier') return null;
  const found = model.scopes.lookup(lock.text, model.scopes.scopeOf(lock));
  return found?.scope.kind === 'module' ? lock.text : null;
}

/** Does the coroutine suspend inside `body`: at an await point, or at a `yield` of an async generator (its
 *  consumer runs other code, other coroutines included, until it asks for the next item)? */
function suspendsIn(body: Node, model: SemanticModel): boolean {
  if (model.awaitPointsIn(body).length > 0) return true;
  const fn = model.enclosingFunction(body);
  return !!fn && body.descendantsOfType('yield').some((point) => !!point && model.enclosingFunction(point) === fn);
}

/** Is the lock released (`lock.release()` on the same expression) after the acquire and before the next await
 *  point in source order? Then it is a brief critical section like a `with lock:` whose body never awaits
 *  (janus: acquire, release before each await, acquire again after it). */
function releasedBeforeAwait(acquire: Node, lock: Node, model: SemanticModel): boolean {
  const fn = model.enclosingFunction(acquire);
  if (!fn) return false;
  const nextAwait = model.awaitPointsIn(fn.node).find((point) => point.startIndex >= acquire.endIndex);
  const end = nextAwait ? nextAwait.startIndex : fn.node.endIndex;
  return fn.node.descendantsOfType('call').some((call) => {
    if (!call || call.startIndex < acquire.endIndex || call.startIndex >= end) return false;
    const callee = call.childForFieldName('function');
    return callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'release'
      && callee.childForFieldName('object')?.text === lock.text;
  });
}

/** `acquire()` / `acquire(True)` wait forever; `acquire(False)`, `blocking=False` or a timeout do not. */
function waitsIndefinitely(args: Node): boolean {
  const passed = args.namedChildren.filter((arg): arg is Node => !!arg && arg.type !== 'comment');
  const positional = passed.filter((arg) => arg.type !== 'keyword_argument');
  const keyword = (name: string) => passed.find((arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === name)?.childForFieldName('value');
  const blocking = positional[0] ?? keyword('blocking');
  const timeout = positional[1] ?? keyword('timeout');
  if (passed.some((arg) => arg.type === 'list_splat' || arg.type === 'dictionary_splat')) return false;
  if (blocking && blocking.text !== 'True' && blocking.text !== '1') return false;
  return !timeout || timeout.text === 'None' || timeout.text === '-1';
}
