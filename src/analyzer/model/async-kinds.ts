// Which values are async: calls that produce a coroutine, async-only iterables and context managers, async
// generator and @asynccontextmanager functions, whether their definitions here (and local overrides) agree.
import type { Node } from 'web-tree-sitter';
import {
  ASYNC_CONTEXT_MANAGER_DECORATORS,
  ASYNC_EQUIVALENTS,
  ASYNC_ONLY_CONTEXT_MANAGERS,
  ASYNC_ONLY_ITERABLES,
  LIBRARY_COROUTINE_FUNCTIONS,
  TRANSPARENT_DECORATORS,
} from './known-apis.js';
import { lastPart, type ClassInfo, type FunctionInfo } from './module-facts.js';
import { decoratorName, OVERLOAD_DECORATORS, type NameResolution } from './name-resolution.js';
import { TypeInference } from './type-inference.js';
import type { FunctionKind } from '../project/summary.js';

/** Decorators after which calling a sync function still runs its body (and returns its value). */
const SYNC_TRANSPARENT_DECORATORS: ReadonlySet<string> = new Set([
  'builtins.staticmethod', 'builtins.classmethod', 'builtins.property', 'functools.cached_property', 'functools.wraps',
  'functools.cache', 'functools.lru_cache', 'abc.abstractmethod', 'typing.override', 'typing_extensions.override',
]);

/** `sleep` for `asyncio.sleep`, `put` for `asyncio.Queue.put`: what calling a library coroutine function ends with. */
const LIBRARY_COROUTINE_LAST_NAMES: ReadonlySet<string> = new Set([...LIBRARY_COROUTINE_FUNCTIONS].map(lastPart));


/** Expressions whose value only a plain `for` iterates. */
const SYNC_ONLY_DISPLAYS: ReadonlySet<string> = new Set(['list', 'tuple', 'set', 'dictionary', 'string', 'concatenated_string',
  'list_comprehension', 'set_comprehension', 'dictionary_comprehension']);

export abstract class AsyncKinds extends TypeInference {
  /** producesCoroutine's answers for local definitions, by qualified name. */
  protected readonly localCoroutineFunctions = new Map<string, boolean>();

  /** Does calling this produce a coroutine that does nothing until awaited? */
  producesCoroutine(call: Node): boolean {
    if (call.type !== 'call' || !this.calleeMayEndIn(call, this.isCoroutineFunctionLastName)) return false;
    const name = this.callee(call);
    return name !== null && this.isCoroutineFunctionName(name);
  }

  /** Does the expression name a coroutine function (`fetch`, `self.fetch`, `client.get`), without calling it? */
  namesCoroutineFunction(expr: Node): boolean {
    if (expr.type !== 'identifier' && expr.type !== 'attribute') return false;
    const name = this.qualifiedName(expr);
    return name !== null && this.isCoroutineFunctionName(name);
  }

  /** Is the function of this qualified name (local, a library's, or another project module's) one whose call
   *  makes a coroutine? */
  protected isCoroutineFunctionName(name: string): boolean {
    const local = this.definitions.get(name);
    if (local) {
      // The answer depends on the name only, and a module calls its own functions many times: ask once.
      let answer = this.localCoroutineFunctions.get(name);
      if (answer === undefined) {
        // Every definition of the name must agree (`@overload` stubs aside): the call may reach any of them.
        const candidates = (this.redefinitions.get(name) ?? [local]).filter((d) => !d.decorators.some((x) => OVERLOAD_DECORATORS.has(decoratorName(x, this) ?? '')));
        answer = candidates.length > 0 && candidates.every((d) => 'isAsync' in d && isPlainCoroutineFunction(d, this) && !this.hasIncompatibleOverride(d, isPlainCoroutineFunction));
        this.localCoroutineFunctions.set(name, answer);
      }
      return answer;
    }
    return LIBRARY_COROUTINE_FUNCTIONS.has(name) || this.project.coroutineFunctions?.has(name) === true
      || this.projectIndex?.functionNamed(name)?.summary.kind === 'coroutine';
  }

  /** What calling a local function gives, as a module summary tells other modules (see FunctionKind). */
  functionKind(fn: FunctionInfo): FunctionKind {
    if (fn.isLambda) return 'unknown';
    const definitions = this.redefinitions.get(fn.qualifiedName) ?? [fn];
    if (definitions.length > 1 || this.hasIncompatibleOverride(fn, (other) => other.isAsync === fn.isAsync && other.isGenerator === fn.isGenerator)) return 'unknown';
    if (isPlainCoroutineFunction(fn, this)) return 'coroutine';
    if (isPlainAsyncGenerator(fn)) return 'async-generator';
    if (this.makesAsyncContextManager(fn.qualifiedName)) return 'async-context-manager';
    if (fn.isAsync) return 'unknown';
    return fn.decorators.every((decorator) => SYNC_TRANSPARENT_DECORATORS.has(decoratorName(decorator, this) ?? '')) ? 'sync' : 'unknown';
  }

  /** False when the call cannot resolve to a qualified name whose last part passes `isLastName`: `x.m(...)`
   *  resolves to a name ending in `m`. (A bare `f(...)` may be an import under another name, so it passes.)
   *  Cheap: it reads no more than the call's attribute, so rules ask it before resolving the receiver. */
  calleeMayEndIn(call: Node, isLastName: (name: string) => boolean): boolean {
    if (this.calleeCache.has(call.id)) return true; // resolved already: the full answer is cheap
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute') return true;
    const attribute = fn.childForFieldName('attribute')?.text;
    return attribute === undefined || isLastName(attribute);
  }

  protected readonly isCoroutineFunctionLastName = (name: string): boolean =>
    LIBRARY_COROUTINE_LAST_NAMES.has(name) || this.localCoroutineLastNames().has(name) || this.projectIndex?.coroutineLastNames().has(name) === true;

  protected localLastNames?: Set<string>;

  /** Last parts of the coroutine functions this module defines and the project's configuration names (the
   *  index's own set is asked apart: it is shared by every file of a run, too big to copy per file). */
  protected localCoroutineLastNames(): Set<string> {
    this.localLastNames ??= new Set([
      ...this.functions.filter((fn) => fn.isAsync && !fn.isLambda).map((fn) => fn.name),
      ...[...(this.project.coroutineFunctions ?? [])].map(lastPart),
    ]);
    return this.localLastNames;
  }

  /** Is this expression an async iterable that plain `for` cannot iterate (an async generator call, an
   *  instance of a class with `__aiter__` but no `__iter__`, a known async-only stream)? */
  isAsyncOnlyIterable(expr: Node): boolean {
    if (expr.type === 'call') {
      const local = this.definitions.get(this.callee(expr) ?? '');
      if (local && 'isAsync' in local) return isPlainAsyncGenerator(local) && !this.hasIncompatibleOverride(local, isPlainAsyncGenerator);
    }
    const type = this.typeOf(expr);
    if (!type) return false;
    const cls = this.definitions.get(type);
    // `__getitem__` makes a class iterable too (the old sequence protocol).
    if (cls && 'methods' in cls) return this.hasMember(cls, '__aiter__') && this.lookupMember(cls, '__iter__') === undefined && this.lookupMember(cls, '__getitem__') === undefined;
    const remote = this.projectIndex?.classNamed(type);
    if (remote) return this.projectIndex!.isAsyncOnlyIterableClass(remote);
    return ASYNC_ONLY_ITERABLES.has(type);
  }

  /** Is this expression a context manager that only a plain `with` can enter: an instance of a class (of
   *  this module or another project module) with `__enter__` and no `__aenter__`, or a threading primitive
   *  (the library tables name its async counterpart)? */
  isSyncOnlyContextManager(expr: Node): boolean {
    const type = this.typeOf(expr);
    if (!type) return false;
    const cls = this.definitions.get(type);
    // A value typed as the class (not made by calling it) may be an instance of a local subclass that adds
    // `__aenter__`.
    if (cls && 'methods' in cls) return this.hasMember(cls, '__enter__') && this.lookupMember(cls, '__aenter__') === undefined && !this.subclassDefines(cls, '__aenter__', expr);
    const remote = this.projectIndex?.classNamed(type);
    if (remote) return this.projectIndex!.isSyncOnlyContextManagerClass(remote);
    return ASYNC_EQUIVALENTS.has(type);
  }

  /** Is this expression iterable only by a plain `for`: a display or comprehension (`[1, 2]`, `"abc"`), a
   *  call of a plain generator function of this module, or an instance of a class (of this module or another
   *  project module) with `__iter__` or `__getitem__` and no `__aiter__`? */
  isSyncOnlyIterable(expr: Node): boolean {
    if (SYNC_ONLY_DISPLAYS.has(expr.type)) return true;
    if (expr.type === 'call') {
      const local = this.definitions.get(this.callee(expr) ?? '');
      // Like isAsyncOnlyIterable's async generators: a local subclass may override the method with another kind.
      if (local && 'isAsync' in local) return isPlainGenerator(local) && !this.hasIncompatibleOverride(local, isPlainGenerator);
    }
    const type = this.typeOf(expr);
    if (!type) return false;
    const cls = this.definitions.get(type);
    if (cls && 'methods' in cls) {
      return (this.hasMember(cls, '__iter__') || this.hasMember(cls, '__getitem__')) && this.lookupMember(cls, '__aiter__') === undefined && !this.subclassDefines(cls, '__aiter__', expr);
    }
    const remote = this.projectIndex?.classNamed(type);
    return !!remote && this.projectIndex!.isSyncOnlyIterableClass(remote);
  }

  /** May the value be an instance of a local subclass of `cls` that defines `name`? Not when it is made by
   *  calling the class itself. */
  private subclassDefines(cls: ClassInfo, name: string, value: Node): boolean {
    if (value.type === 'call' && this.callee(value) === cls.qualifiedName) return false;
    return this.localSubclasses(cls).some((sub) => sub.methods.has(name));
  }

  /** Is this expression a context manager that only `async with` can enter? */
  isAsyncOnlyContextManager(expr: Node): boolean {
    const type = this.typeOf(expr);
    if (!type) return false;
    const cls = this.definitions.get(type);
    if (cls && 'methods' in cls) return this.hasMember(cls, '__aenter__') && this.lookupMember(cls, '__enter__') === undefined;
    const remote = this.projectIndex?.classNamed(type);
    if (remote) return this.projectIndex!.isAsyncOnlyContextManagerClass(remote);
    return ASYNC_ONLY_CONTEXT_MANAGERS.has(type);
  }

  /** Is every definition of the local function named this decorated last (outermost) by
   *  `@asynccontextmanager`? Whatever the decorators below it do, calling it then gives an async-only
   *  context manager. */
  protected makesAsyncContextManager(qualifiedName: string): boolean {
    const definitions = this.redefinitions.get(qualifiedName) ?? [];
    const isAsyncContextManagerFunction = (d: FunctionInfo) => {
      const outermost = d.decorators[0];
      return outermost !== undefined && ASYNC_CONTEXT_MANAGER_DECORATORS.has(decoratorName(outermost, this) ?? '');
    };
    // A local subclass may override the method with a sync @contextmanager: `with self.transaction()` is then right.
    return definitions.length > 0 && definitions.every((d) => 'isAsync' in d && isAsyncContextManagerFunction(d) && !this.hasIncompatibleOverride(d, isAsyncContextManagerFunction));
  }

  /** Is every definition of the local function named this an undecorated async generator function (and no
   *  local subclass overrides the method with something else)? Calling it then gives an async generator. */
  protected makesAsyncGenerator(qualifiedName: string): boolean {
    const definitions = this.redefinitions.get(qualifiedName) ?? [];
    return definitions.length > 0 && definitions.every((d) => 'isAsync' in d && isPlainAsyncGenerator(d) && !this.hasIncompatibleOverride(d, isPlainAsyncGenerator));
  }

  /** Do the class's `__enter__` and `__aenter__` (those it or its local bases define) return only `self`? */
  protected entersAsItself(cls: ClassInfo): boolean {
    return ['__enter__', '__aenter__'].every((name) => {
      const method = this.findMember(cls, name);
      return method === undefined || (method !== 'attribute' && this.returnsOnlySelf(method));
    });
  }

  protected readonly selfReturning = new Map<FunctionInfo, boolean>();

  /** Does every `return` of the method (none in nested functions) return its first parameter, and is there one? */
  protected returnsOnlySelf(fn: FunctionInfo): boolean {
    let answer = this.selfReturning.get(fn);
    if (answer === undefined) {
      const returns = fn.node.descendantsOfType('return_statement').filter((r): r is Node => !!r && this.enclosingFunction(r) === fn);
      answer = fn.firstParameter !== null && returns.length > 0 && returns.every((r) => {
        const values = r.namedChildren.filter((c) => c?.type !== 'comment');
        return values.length === 1 && values[0]?.type === 'identifier' && values[0].text === fn.firstParameter;
      });
      this.selfReturning.set(fn, answer);
    }
    return answer;
  }
}

/** An `async def` that is not an async generator and whose decorators keep it a coroutine function. */
function isPlainCoroutineFunction(fn: FunctionInfo, model: NameResolution): boolean {
  if (!fn.isAsync || fn.isGenerator) return false;
  return fn.decorators.every((decorator) => TRANSPARENT_DECORATORS.has(decoratorName(decorator, model) ?? ''));
}

/** An undecorated `async def` containing `yield`. */
function isPlainAsyncGenerator(fn: FunctionInfo): boolean {
  return fn.isAsync && fn.isGenerator && fn.decorators.length === 0;
}

/** An undecorated plain generator function: calling it gives a sync generator. */
function isPlainGenerator(fn: FunctionInfo): boolean {
  return !fn.isAsync && fn.isGenerator && fn.decorators.length === 0;
}
