// The questions rules ask about a module: what does this name resolve to, is this call inside a coroutine,
// does this call produce a coroutine, what type does this variable hold. Built once per module from the
// captures of FACTS_QUERY (which the engine runs inside wasm, in the same pass as the rules' queries),
// answered from JS maps afterwards.
import type { Node, QueryMatch, Tree } from 'web-tree-sitter';
import type { ProjectKnowledge, PythonVersion } from '../types.js';
import { rangeHas, rangeReaches } from '../project-scope.js';
import { soleLoopOwner, type LoopOwner } from './loop-sharing.js';
import { isTestCode } from './test-code.js';
import { inBranchNeverTaken } from './dead-branches.js';
import type { SourceText } from '../source-text.js';
import { ScopeTree, type Binding, type Scope } from './scopes.js';
import {
  ASYNC_CONTEXT_MANAGER_DECORATORS,
  ASYNC_GENERATOR,
  ASYNC_GENERATOR_CONTEXT_MANAGER,
  ASYNC_ONLY_CONTEXT_MANAGERS,
  ASYNC_ONLY_ITERABLES,
  ATTRIBUTE_TYPES,
  AWAIT_RESULT_ELEMENT_TYPES,
  AWAIT_RESULT_TYPES,
  CALL_RESULT_ELEMENT_TYPES,
  CALL_RESULT_TYPES,
  CONTEXT_ENTER_TYPES,
  INERT_BASE_CLASSES,
  LIBRARY_COROUTINE_FUNCTIONS,
  STAR_EXPORTED_BUILTINS,
  STAR_IMPORTED_NAMES,
  TRANSPARENT_DECORATORS,
} from './known-apis.js';

export const FACTS_QUERY = `
(import_statement) @import
(import_from_statement) @import_from
(function_definition) @function
(class_definition) @class
(lambda) @lambda
(decorated_definition (decorator)+ @decorator definition: (_) @decorated)
(assignment left: (identifier) @assign.name type: (_)? @assign.type right: (_)? @assign.value)
(assignment left: [(pattern_list) (tuple_pattern) (list_pattern) (list_splat_pattern)] @unpack.target right: (_)? @unpack.value)
(assignment left: (attribute object: (identifier) @attribute.object attribute: (identifier) @attribute.name) right: (_) @attribute.value)
(augmented_assignment left: (identifier) @augmented.name) @augmented
(for_statement left: (_) @loop.target)
(for_in_clause left: (_) @comprehension.target)
(with_item value: (as_pattern (_) @with.value alias: (as_pattern_target (_) @with.target)))
(with_item value: (parenthesized_expression (as_pattern (_) @with.value alias: (as_pattern_target (_) @with.target))))
(named_expression name: (identifier) @opaque)
(except_clause value: (as_pattern alias: (as_pattern_target (identifier) @opaque)))
(case_pattern . (dotted_name . (identifier) @opaque .) .)
(keyword_pattern (dotted_name . (identifier) @opaque .))
(splat_pattern (identifier) @opaque)
(as_pattern (case_pattern) (identifier) @opaque)
(type_alias_statement . "type" . (type (identifier) @opaque))
(import_from_statement module_name: (_) @star_import (wildcard_import))
[(list_comprehension) (set_comprehension) (dictionary_comprehension) (generator_expression)] @comprehension
(global_statement (identifier) @global)
(nonlocal_statement (identifier) @delegated)
(await) @await
(with_statement "async") @async.statement
(for_statement "async") @async.statement
(for_in_clause "async") @async.statement
(yield) @yield
(ERROR) @syntax_error
`;

/** Statements after which the rest of their block never runs. */
const JUMPS: ReadonlySet<string> = new Set(['raise_statement', 'return_statement', 'break_statement', 'continue_statement']);

export interface FunctionInfo {
  node: Node;
  /** `<lambda>` for lambdas. */
  name: string;
  /** `module.name`, `module.Class.method`, `module.outer.<locals>.inner`. */
  qualifiedName: string;
  isAsync: boolean;
  isLambda: boolean;
  /** Contains `yield` (so an `async def` is an async generator). */
  isGenerator: boolean;
  decorators: Node[];
  /** The class this function is a method of. */
  ownerClass: ClassInfo | null;
  /** The first parameter's name when it is a plain or annotated name (`self`, `cls` in methods). */
  firstParameter: string | null;
  scope: Scope;
}

export interface ClassInfo {
  node: Node;
  name: string;
  qualifiedName: string;
  bases: Node[];
  decorators: Node[];
  methods: Map<string, FunctionInfo>;
  /** Values assigned to `self.NAME` in methods and to `NAME` in the class body. */
  attributeValues: Map<string, Node[]>;
  /** Attributes also bound in ways whose value is not read (`self.a, self.b = pair`, `for self.x in ...`,
   *  `with ... as self.x`, a loop or import in the class body): their type is unknown. */
  opaqueAttributes: Set<string>;
  scope: Scope;
}

const MAX_INFERENCE_DEPTH = 8;

/** `sleep` for `asyncio.sleep`. */
export const lastPart = (qualifiedName: string): string => qualifiedName.slice(qualifiedName.lastIndexOf('.') + 1);

/** `sleep` for `asyncio.sleep`, `put` for `asyncio.Queue.put`: what calling a library coroutine function ends with. */
const LIBRARY_COROUTINE_LAST_NAMES: ReadonlySet<string> = new Set([...LIBRARY_COROUTINE_FUNCTIONS].map(lastPart));

const OVERLOAD_DECORATORS = new Set(['typing.overload', 'typing_extensions.overload']);

/** `Optional[X]` and `Union[X, Y]` in annotations. */
const UNION_FORMS = new Set(['typing.Optional', 'typing.Union', 'typing_extensions.Optional', 'typing_extensions.Union']);

export class SemanticModel {
  readonly scopes: ScopeTree;
  readonly functions: FunctionInfo[] = [];
  readonly classes: ClassInfo[] = [];
  /** Local definitions by qualified name. */
  private readonly definitions = new Map<string, FunctionInfo | ClassInfo>();
  /** Every local definition of a qualified name: a name defined twice (in both branches of an `if`, or the same
   *  helper nested in two functions of one name) has several, and `definitions` keeps only the last. */
  private readonly redefinitions = new Map<string, (FunctionInfo | ClassInfo)[]>();
  /** producesCoroutine's answers for local definitions, by qualified name. */
  private readonly localCoroutineFunctions = new Map<string, boolean>();
  private readonly functionsByNodeId = new Map<number, FunctionInfo>();
  /** Await points: `await`, `async with`, `async for`, async comprehensions, by start offset. */
  private readonly awaitPoints: { start: number; owner: Scope; node: Node }[] = [];
  private readonly qualifiedCache = new Map<string, string | null>();
  private readonly calleeCache = new Map<number, string | null>();
  /** Decorators by the id of the definition they decorate. */
  private readonly decorators = new Map<number, Node[]>();
  private readonly syntaxErrors: [number, number][] = [];
  private readonly typeCache = new Map<string, string | null>();
  /** The objects of attribute assignments other than `self.x = ...` in methods, by `object.attribute` text. */
  private readonly patchedAttributes = new Map<string, Node[]>();
  /** The modules of `from x import *` statements: a name not bound in the module may come from there. */
  private readonly starImports: string[] = [];
  /** Where each star import starts, with its module: a later one may rebind a name bound before it. */
  private readonly starImportSites: { module: string; start: number }[] = [];

  constructor(
    readonly tree: Tree,
    readonly source: SourceText,
    readonly moduleName: string,
    /** The matches of FACTS_QUERY over the module, in document order. */
    matches: readonly QueryMatch[],
    readonly project: ProjectKnowledge = {},
  ) {
    const facts = matches.map(capturesByName);
    this.scopes = new ScopeTree(tree.rootNode, facts.flatMap((c) => c.function ?? c.class ?? c.lambda ?? c.comprehension ?? []));
    const yields: Node[] = [];
    const selfAssignments: AttributeAssignment[] = this.attributeAssignments;
    for (const c of facts) if (c.decorated) this.decorators.set(c.decorated.id, c.decorator$);
    for (const c of facts) {
      if (c.import) this.bindImport(c.import);
      else if (c.import_from) this.bindImportFrom(c.import_from);
      else if (c.function) this.defineFunction(c.function);
      else if (c.lambda) this.defineLambda(c.lambda);
      else if (c.class) this.defineClass(c.class);
      else if (c['assign.name']) {
        const name = c['assign.name'];
        this.scopes.bind(this.scopes.scopeOf(name), name.text, {
          kind: 'value', node: name, value: c['assign.value'] ?? null, annotation: c['assign.type'] ?? null, via: 'assign',
        });
      } else if (c['attribute.object']) selfAssignments.push({ object: c['attribute.object'], name: c['attribute.name'].text, value: c['attribute.value'] });
      else if (c['unpack.target']) this.bindUnpacking(c['unpack.target'], c['unpack.value']);
      else if (c['loop.target']) this.bindOpaqueTargets(c['loop.target']);
      else if (c['comprehension.target']) this.bindOpaqueTargets(c['comprehension.target'], true);
      else if (c['with.target']) this.bindWithTarget(c['with.target'], c['with.value']);
      else if (c['augmented.name']) {
        const name = c['augmented.name'];
        this.scopes.bind(this.scopes.scopeOf(name), name.text, { kind: 'opaque', node: name, augmented: c.augmented });
      }
      else if (c.opaque) this.scopes.bind(this.scopes.scopeOf(c.opaque), c.opaque.text, { kind: 'opaque', node: c.opaque });
      else if (c.delegated) this.scopes.scopeOf(c.delegated).delegated.add(c.delegated.text);
      else if (c.global) {
        const scope = this.scopes.scopeOf(c.global);
        scope.delegated.add(c.global.text);
        scope.globals.add(c.global.text);
      }
      else if (c.await) this.awaitPoints.push({ start: c.await.startIndex, owner: this.ownerScope(c.await), node: c.await });
      else if (c['async.statement']) {
        const statement = c['async.statement'];
        this.awaitPoints.push({ start: statement.startIndex, owner: this.ownerScope(statement), node: statement });
      } else if (c.yield) yields.push(c.yield);
      else if (c.syntax_error) {
        // An ERROR ending in an unterminated `"""`: Python reads the rest of the file as that string's text,
        // while tree-sitter goes on parsing it as code; none of it is code.
        const last = c.syntax_error.lastChild;
        const opensTripleQuote = last?.type === 'string_start' && /("""|''')$/.test(last.text);
        this.syntaxErrors.push([c.syntax_error.startIndex, opensTripleQuote ? Infinity : c.syntax_error.endIndex]);
      }
      else if (c.star_import) {
        const from = c.star_import;
        const module = from.type === 'relative_import' ? this.resolveRelative(from.text) : from.text;
        this.starImports.push(module);
        this.starImportSites.push({ module, start: from.startIndex });
      }
    }
    this.scopes.bindNonlocals();
    for (const node of yields) {
      const owner = this.functionsByNodeId.get(this.ownerScope(node).node.id);
      if (owner) owner.isGenerator = true;
    }
    this.collectAttributeValues(selfAssignments);
  }

  /** The `async def`s not nested in another `async def`: together they hold every coroutine body. */
  outermostCoroutines(): FunctionInfo[] {
    return this.functions.filter((fn) => {
      if (!fn.isAsync) return false;
      for (let scope = fn.scope.parent; scope; scope = scope.parent) {
        if (this.functionsByNodeId.get(scope.node.id)?.isAsync) return false;
      }
      return true;
    });
  }

  /** Is the node inside a region tree-sitter could not parse? */
  isInsideSyntaxError(node: Node): boolean {
    const start = node.startIndex;
    return this.syntaxErrors.some(([errorStart, errorEnd]) => errorStart <= start && start < errorEnd);
  }

  // ---------------------------------------------------------------- scopes

  /** The innermost function (def or lambda) around a node; null at module level or directly in a class body. */
  enclosingFunction(node: Node): FunctionInfo | null {
    const scope = this.ownerScope(node);
    return scope.kind === 'function' || scope.kind === 'lambda' ? this.functionsByNodeId.get(scope.node.id) ?? null : null;
  }

  /** Does every Python the project supports have what `version` introduced (`[3, 9]` for `asyncio.to_thread`)?
   *  A fix or a piece of advice that needs more is not offered. */
  pythonHas(version: PythonVersion): boolean {
    return rangeHas(this.project.targetPython, version);
  }

  /** May the project run on `version` (its declared range reaches it)? For APIs that version removed. */
  pythonReaches(version: PythonVersion): boolean {
    return rangeReaches(this.project.targetPython, version);
  }

  /** Is the node dead code: after a `raise`, `return`, `break` or `continue` of a block that holds it (a
   *  function that starts with `raise NotImplementedError` and keeps its old body below), or in a branch never
   *  taken (dead-branches.ts)? */
  isUnreachable(node: Node): boolean {
    if (inBranchNeverTaken(node)) return true;
    for (let at: Node | null = node; at?.parent; at = at.parent) {
      if (at.parent.type !== 'block' && at.parent.type !== 'module') continue;
      for (let before = at.previousNamedSibling; before; before = before.previousNamedSibling) {
        if (JUMPS.has(before.type)) return true;
      }
    }
    return false;
  }

  /** Is the node test code: in a test module (`tests/`, `test_*.py`, `conftest.py`), a `test*` function or a
   *  pytest fixture? Tests do on purpose what production code must not. */
  isTestCode(node: Node): boolean {
    return isTestCode(node, this);
  }

  /** Why nothing else shares the event loop where `node` runs (a test that starts no server or task, a
   *  sequential script before it starts anything concurrent, a worker thread's own loop), or null when other
   *  work may: blocking calls matter only where it does. */
  soleLoopOwner(node: Node): LoopOwner | null {
    return soleLoopOwner(this, node);
  }

  /** Is the node's code run by a coroutine, blocking its event loop while it runs? So is code directly in the
   *  `async def`'s body, in the default values and decorators of a def or lambda nested there, and in the
   *  body of a class statement there (which runs when the statement does); not the body of a nested def or
   *  lambda (or a method of that class). */
  isInCoroutine(node: Node): boolean {
    let scope = this.ownerScope(node);
    let at = node.startIndex;
    // A class statement is a statement of its parent's body (never in a header).
    while (scope.kind === 'class' && scope.parent) {
      at = scope.start;
      scope = scope.parent;
    }
    const fn = this.functionsByNodeId.get(scope.node.id);
    // Annotations are evaluated (if ever) where the `async def` statement runs, not in the coroutine.
    return fn?.isAsync === true && at >= this.bodyStart(fn);
  }

  /** May `await` (or `async with`, `async for`) be written at the node: is it directly in an `async def`'s body
   *  (a class body run by a coroutine is not: `await` there is a SyntaxError)? */
  mayAwait(node: Node): boolean {
    const fn = this.enclosingFunction(node);
    return fn?.isAsync === true && node.startIndex >= this.bodyStart(fn);
  }

  private bodyStart(fn: FunctionInfo): number {
    return this.scopes.bodyStart(fn.scope);
  }

  /** The function info for a function_definition or lambda node. */
  functionOf(definition: Node): FunctionInfo | undefined {
    return this.functionsByNodeId.get(definition.id);
  }

  /** "coroutine `fetch`", "function `load`", "method `Client.get`", "module level" — for messages. */
  describeContext(node: Node): string {
    return this.describeScope(this.ownerScope(node));
  }

  private describeScope(scope: Scope): string {
    if (scope.kind === 'class') {
      // The body of a class defined in a function: "class `A` in coroutine `f`".
      const cls = this.classesByNodeId.get(scope.node.id);
      const outer = scope.parent ? this.describeScope(scope.parent) : 'module level';
      return cls && outer !== 'module level' ? `class \`${cls.name}\` in ${outer}` : 'module level';
    }
    const fn = scope.kind === 'function' || scope.kind === 'lambda' ? this.functionsByNodeId.get(scope.node.id) : undefined;
    if (!fn) return 'module level';
    const name = fn.ownerClass ? `${fn.ownerClass.name}.${fn.name}` : fn.name;
    if (fn.isLambda) return 'a lambda';
    return `${fn.isAsync ? 'coroutine' : 'function'} \`${name}\``;
  }

  /** Await points (`await`, `async with`, `async for`, async comprehensions) inside `node` that run in the
   *  same function as `node` (not in nested defs or lambdas). */
  awaitPointsIn(node: Node): Node[] {
    const owner = this.ownerScope(node);
    return this.awaitPoints
      .filter((p) => p.start >= node.startIndex && p.start < node.endIndex && p.owner === owner)
      .map((p) => p.node);
  }

  // ---------------------------------------------------------------- names

  /** What an expression names, as a qualified name: `t.sleep` → `time.sleep` after `import time as t`;
   *  `open` → `builtins.open`; `self.fetch` → `pkg.mod.Client.fetch`; `q.put` → `asyncio.Queue.put` when
   *  `q = asyncio.Queue()`. Null when unknown (a local variable, a parameter, anything ambiguous). */
  qualifiedName(expr: Node): string | null {
    const key = this.cacheKey(expr);
    const cached = this.qualifiedCache.get(key);
    if (cached !== undefined) return cached;
    this.qualifiedCache.set(key, null); // breaks cycles such as `x = await x.next()`
    const result = this.computeQualifiedName(expr, 0);
    this.qualifiedCache.set(key, result);
    return result;
  }

  /** Names resolve the same way wherever they appear in one scope (the model is flow-insensitive), so answers
   *  are cached by scope and source text: `self._loop.create_task` is resolved once per method, not per call. */
  private cacheKey(expr: Node): string {
    return `${this.scopes.scopeOf(expr).node.id}:${expr.type}:${expr.text}`;
  }

  /** The qualified name of what a call calls. */
  callee(call: Node): string | null {
    // Many rules ask about the same call: answer from the call's id without crossing into wasm again.
    let name = this.calleeCache.get(call.id);
    if (name === undefined) {
      const fn = call.childForFieldName('function');
      name = fn ? this.qualifiedName(fn) : null;
      this.calleeCache.set(call.id, name);
    }
    return name;
  }

  /** The local name under which a module is imported at module level (`asyncio`, or `aio` after
   *  `import asyncio as aio`); null when it is not imported as a module, or when, at the node `at`, that name
   *  means something else (a parameter or local named `asyncio`). Used to write fixes. */
  moduleAlias(moduleName: string, at?: Node): string | null {
    for (const [name, bindings] of this.scopes.module.bindings) {
      if (bindings.length === 1 && bindings[0].kind === 'import' && bindings[0].qualifiedName === moduleName) {
        return !at || this.scopes.lookup(name, this.scopes.scopeOf(at))?.scope === this.scopes.module ? name : null;
      }
    }
    return null;
  }

  /** Does the module import anything from `moduleName` or its submodules at module level (`import trio`,
   *  `from anyio import sleep`)? Tells which async library (or test plugin) a module is written for. */
  importsFrom(moduleName: string): boolean {
    for (const bindings of this.scopes.module.bindings.values()) {
      if (bindings.some((b) => b.kind === 'import' && (b.qualifiedName === moduleName || b.qualifiedName.startsWith(`${moduleName}.`)))) return true;
    }
    return false;
  }

  /** The local definition (function or class) a qualified name refers to. */
  definition(qualifiedName: string): FunctionInfo | ClassInfo | undefined {
    return this.definitions.get(qualifiedName);
  }

  // ---------------------------------------------------------------- types

  /** The type (qualified name of what made it) of an expression's value, or null when unknown. */
  typeOf(expr: Node): string | null {
    const key = this.cacheKey(expr);
    const cached = this.typeCache.get(key);
    if (cached !== undefined) return cached;
    this.typeCache.set(key, null); // breaks cycles such as `x = x.parent`
    const result = this.computeType(expr, 0);
    this.typeCache.set(key, result);
    return result;
  }

  /** Does calling this produce a coroutine that does nothing until awaited? */
  producesCoroutine(call: Node): boolean {
    if (call.type !== 'call' || !this.calleeMayEndIn(call, this.isCoroutineFunctionLastName)) return false;
    const name = this.callee(call);
    if (!name) return false;
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
    return LIBRARY_COROUTINE_FUNCTIONS.has(name) || this.project.coroutineFunctions?.has(name) === true;
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

  private readonly isCoroutineFunctionLastName = (name: string): boolean =>
    LIBRARY_COROUTINE_LAST_NAMES.has(name) || this.localCoroutineLastNames().has(name);

  private localLastNames?: Set<string>;

  /** Last parts of the coroutine functions this module defines and the project knows of. */
  private localCoroutineLastNames(): Set<string> {
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
    return ASYNC_ONLY_ITERABLES.has(type);
  }

  /** Is this expression a context manager that only `async with` can enter? */
  isAsyncOnlyContextManager(expr: Node): boolean {
    const type = this.typeOf(expr);
    if (!type) return false;
    const cls = this.definitions.get(type);
    if (cls && 'methods' in cls) return this.hasMember(cls, '__aenter__') && this.lookupMember(cls, '__enter__') === undefined;
    return ASYNC_ONLY_CONTEXT_MANAGERS.has(type);
  }

  /** A method or attribute of a local class, searching local base classes (depth first, like a simple MRO).
   *  Returns undefined when not found or when a base class that is not local comes first (it might define
   *  the name). */
  findMember(cls: ClassInfo, name: string): FunctionInfo | 'attribute' | undefined {
    const found = this.lookupMember(cls, name, new Set());
    return found === 'unknown' ? undefined : found;
  }

  /** Like findMember, but tells "not defined anywhere in the hierarchy" (undefined) from "a base class we
   *  cannot see comes first and might define it" ('unknown'). Inert bases (`object`, `abc.ABC`, `Generic[T]`)
   *  define nothing rules ask about. */
  private lookupMember(cls: ClassInfo, name: string, seen = new Set<ClassInfo>()): FunctionInfo | 'attribute' | 'unknown' | undefined {
    if (seen.has(cls)) return undefined;
    seen.add(cls);
    const method = cls.methods.get(name);
    if (method) return method;
    if (cls.attributeValues.has(name) || cls.opaqueAttributes.has(name)) return 'attribute';
    for (const base of cls.bases) {
      const baseClass = this.localClass(base);
      if (!baseClass) {
        if (INERT_BASE_CLASSES.has(this.qualifiedName(base.type === 'subscript' ? base.childForFieldName('value') ?? base : base) ?? '')) continue;
        return 'unknown';
      }
      const found = this.lookupMember(baseClass, name, seen);
      if (found) return found;
    }
    return undefined;
  }

  /** Does a local subclass of the method's class redefine it as something `compatible` rejects (a sync def
   *  for a coroutine method, an instance attribute), itself or through a base it lists before the method's
   *  class (`class Client(SyncMixin, Base)`: a Client finds SyncMixin.close before Base.close)? Then
   *  `self.name()` in the base class may be that instead. */
  private hasIncompatibleOverride(fn: FunctionInfo, compatible: (override: FunctionInfo, model: SemanticModel) => boolean): boolean {
    const owner = fn.ownerClass;
    if (!owner) return false;
    return this.classes.some((cls) => {
      if (cls === owner || !this.inheritsFrom(cls, owner)) return false;
      const override = cls.methods.get(fn.name);
      if (cls.attributeValues.has(fn.name) || cls.opaqueAttributes.has(fn.name) || (override !== undefined && !compatible(override, this))) return true;
      const found = this.lookupMember(cls, fn.name);
      return found === 'attribute' || (typeof found === 'object' && found !== fn && !compatible(found, this));
    });
  }

  private readonly subclassesOf = new Map<ClassInfo, ClassInfo[]>();

  /** The module's classes that inherit from `cls`, directly or not (asked once per class). */
  private localSubclasses(cls: ClassInfo): ClassInfo[] {
    let subclasses = this.subclassesOf.get(cls);
    if (!subclasses) this.subclassesOf.set(cls, (subclasses = this.classes.filter((other) => other !== cls && this.inheritsFrom(other, cls))));
    return subclasses;
  }

  private inheritsFrom(cls: ClassInfo, ancestor: ClassInfo, seen = new Set<ClassInfo>()): boolean {
    if (seen.has(cls)) return false;
    seen.add(cls);
    return cls.bases.some((base) => {
      const baseClass = this.localClass(base);
      return baseClass === ancestor || (baseClass !== undefined && this.inheritsFrom(baseClass, ancestor, seen));
    });
  }

  /** Is `name` assigned as an attribute (`self.name = ...`, or in the class body) in the class or its local
   *  bases? An instance attribute hides a method of the same name. */
  private assignsAttribute(cls: ClassInfo, name: string, seen = new Set<ClassInfo>()): boolean {
    if (seen.has(cls)) return false;
    seen.add(cls);
    if (cls.attributeValues.has(name) || cls.opaqueAttributes.has(name)) return true;
    return cls.bases.some((base) => {
      const baseClass = this.localClass(base);
      return baseClass !== undefined && this.assignsAttribute(baseClass, name, seen);
    });
  }

  // ---------------------------------------------------------------- construction

  private ownerScope(node: Node): Scope {
    let scope = this.scopes.scopeAt(node.startIndex);
    // A block or statement that starts with a nested def/lambda starts where that scope does: climb out of
    // scopes lying inside the node (a definition node itself still owns its own scope). A comprehension's
    // code runs as part of the function around it, and so do a nested def's default values and a class's
    // bases, which are evaluated when the def / class statement runs.
    while (scope.parent && (scope.kind === 'comprehension' || (scope.node.id !== node.id && scope.start >= node.startIndex && scope.end <= node.endIndex)
      || this.scopes.inHeader(scope, node.startIndex, true))) scope = scope.parent;
    return scope;
  }

  private bindImport(node: Node): void {
    const scope = this.scopes.scopeOf(node);
    for (const name of node.childrenForFieldName('name')) {
      if (!name) continue;
      if (name.type === 'aliased_import') {
        const target = name.childForFieldName('name')!.text;
        this.scopes.bind(scope, name.childForFieldName('alias')!.text, { kind: 'import', qualifiedName: target, node });
      } else {
        // `import os.path` binds `os`.
        const top = name.text.split('.')[0];
        this.scopes.bind(scope, top, { kind: 'import', qualifiedName: top, node });
      }
    }
  }

  private bindImportFrom(node: Node): void {
    const scope = this.scopes.scopeOf(node);
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) return;
    const from = moduleNode.type === 'relative_import' ? this.resolveRelative(moduleNode.text) : moduleNode.text;
    for (const name of node.childrenForFieldName('name')) {
      if (!name) continue;
      const [imported, local] = name.type === 'aliased_import'
        ? [name.childForFieldName('name')!.text, name.childForFieldName('alias')!.text]
        : [name.text, name.text];
      this.scopes.bind(scope, local, { kind: 'import', qualifiedName: `${from}.${imported}`, node });
    }
  }

  private resolveRelative(text: string): string {
    const dots = /^\.+/.exec(text)![0].length;
    const parts = this.moduleName.split('.');
    // A module's package is its name minus the last part (a package's __init__ is named after the package
    // by moduleNameFromPath, so one more dot climbs from there).
    const rest = text.slice(dots);
    // Climbing to or past the top of the name we know leaves the package unknown (a package's own
    // `__init__`, or a module analyzed from inside its package): keep the dots, so `from .time import sleep`
    // there never passes for the standard library's `time.sleep`.
    if (dots >= parts.length) return text;
    const base = parts.slice(0, parts.length - dots);
    return [...base, ...(rest ? [rest] : [])].join('.');
  }

  private defineFunction(node: Node): void {
    const scope = this.scopes.scopeOfDefinition(node)!;
    const outer = this.scopes.scopeOf(node);
    const name = node.childForFieldName('name')?.text ?? '<anonymous>';
    const ownerClass = outer.kind === 'class' ? this.classesByNodeId.get(outer.node.id) ?? null : null;
    const info: FunctionInfo = {
      node,
      name,
      qualifiedName: `${this.qualifiedPrefix(outer)}${name}`,
      isAsync: node.firstChild?.type === 'async',
      isLambda: false,
      isGenerator: false,
      decorators: this.decorators.get(node.id) ?? [],
      ownerClass,
      firstParameter: null,
      scope,
    };
    this.registerFunction(info);
    this.scopes.bind(outer, name, { kind: 'function', node });
    if (ownerClass) ownerClass.methods.set(name, info);
    this.bindParameters(node.childForFieldName('parameters'), scope, info);
  }

  private defineLambda(node: Node): void {
    const scope = this.scopes.scopeOfDefinition(node)!;
    const info: FunctionInfo = {
      node, name: '<lambda>', qualifiedName: '<lambda>', isAsync: false, isLambda: true, isGenerator: false,
      decorators: [], ownerClass: null, firstParameter: null, scope,
    };
    this.registerFunction(info);
    this.bindParameters(node.childForFieldName('parameters'), scope, info);
  }

  private readonly classesByNodeId = new Map<number, ClassInfo>();

  private defineClass(node: Node): void {
    const scope = this.scopes.scopeOfDefinition(node)!;
    const outer = this.scopes.scopeOf(node);
    const name = node.childForFieldName('name')?.text ?? '<anonymous>';
    const superclasses = node.childForFieldName('superclasses');
    const info: ClassInfo = {
      node,
      name,
      qualifiedName: `${this.qualifiedPrefix(outer)}${name}`,
      bases: superclasses ? superclasses.namedChildren.filter((c): c is Node => !!c && c.type !== 'keyword_argument') : [],
      decorators: this.decorators.get(node.id) ?? [],
      methods: new Map(),
      attributeValues: new Map(),
      opaqueAttributes: new Set(),
      scope,
    };
    this.classes.push(info);
    this.classesByNodeId.set(node.id, info);
    this.definitions.set(info.qualifiedName, info);
    addTo(this.redefinitions, info.qualifiedName, info);
    this.scopes.bind(outer, name, { kind: 'class', node });
  }

  private registerFunction(info: FunctionInfo): void {
    this.functions.push(info);
    this.functionsByNodeId.set(info.node.id, info);
    if (!info.isLambda) {
      this.definitions.set(info.qualifiedName, info);
      addTo(this.redefinitions, info.qualifiedName, info);
    }
  }

  private qualifiedPrefix(scope: Scope): string {
    if (scope.kind === 'module') return `${this.moduleName}.`;
    if (scope.kind === 'class') return `${this.classesByNodeId.get(scope.node.id)?.qualifiedName ?? '<class>'}.`;
    return `${this.functionsByNodeId.get(scope.node.id)?.qualifiedName ?? '<function>'}.<locals>.`;
  }

  private bindParameters(parameters: Node | null, scope: Scope, fn: FunctionInfo): void {
    if (!parameters) return;
    let first = true;
    for (const parameter of parameters.namedChildren) {
      if (!parameter) continue;
      let nameNode: Node | null = null;
      let annotation: Node | null = null;
      switch (parameter.type) {
        case 'identifier': nameNode = parameter; break;
        case 'typed_parameter': {
          // `*args: T` annotates each element; the name itself holds a tuple (or a dict for `**kwargs: T`).
          const splat = splatName(parameter);
          nameNode = splat ?? parameter.namedChildren.find((c) => c?.type === 'identifier') ?? null;
          annotation = splat ? null : parameter.childForFieldName('type');
          break;
        }
        case 'default_parameter': nameNode = parameter.childForFieldName('name'); break;
        case 'typed_default_parameter': nameNode = parameter.childForFieldName('name'); annotation = parameter.childForFieldName('type'); break;
        case 'list_splat_pattern': case 'dictionary_splat_pattern': nameNode = splatName(parameter); break;
      }
      if (nameNode?.type === 'identifier') {
        this.scopes.bind(scope, nameNode.text, { kind: 'value', node: nameNode, value: null, annotation, via: 'param' });
        if (first && (parameter.type === 'identifier' || parameter.type === 'typed_parameter')) fn.firstParameter = nameNode.text;
      }
      first = false;
    }
  }

  /** `inComprehension`: the targets of a comprehension's `for`, bound in the comprehension's own scope. */
  private bindOpaqueTargets(target: Node, inComprehension = false): void {
    if (target.type === 'identifier') {
      const scope = this.scopes.scopeOf(target);
      if (inComprehension) this.scopes.bindHere(scope, target.text, { kind: 'opaque', node: target });
      else this.scopes.bind(scope, target.text, { kind: 'opaque', node: target });
      return;
    }
    if (target.type === 'attribute') {
      this.recordAttributeTarget(target, null);
      return;
    }
    if (target.type === 'subscript') return;
    for (const child of target.namedChildren) if (child) this.bindOpaqueTargets(child, inComprehension);
  }

  /** `a, b = x(), y()` binds `a` to `x()` and `b` to `y()` (element by element, nested tuples too); any other
   *  unpacking (`a, b = pair`, starred targets, lengths that differ) binds opaque names. */
  private bindUnpacking(target: Node, value: Node | undefined): void {
    const elements = (node: Node) => node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    if (target.type === 'identifier') {
      this.scopes.bind(this.scopes.scopeOf(target), target.text, { kind: 'value', node: target, value: value ?? null, annotation: null, via: 'assign' });
      return;
    }
    if (target.type === 'attribute') {
      this.recordAttributeTarget(target, value ?? null);
      return;
    }
    const targets = ['pattern_list', 'tuple_pattern', 'list_pattern'].includes(target.type) ? elements(target) : null;
    const values = value && ['expression_list', 'tuple', 'list'].includes(value.type) ? elements(value) : null;
    if (targets && value && !values && targets.every((t) => t.type !== 'list_splat_pattern')) {
      // `reader, writer = await asyncio.open_connection(...)`: names stay opaque but for the element's type.
      targets.forEach((element, index) => {
        if (element.type === 'identifier') this.scopes.bind(this.scopes.scopeOf(element), element.text, { kind: 'opaque', node: element, element: { value, index } });
        else this.bindOpaqueTargets(element);
      });
      return;
    }
    if (!targets || !values || targets.length !== values.length || values.some((v) => v.type === 'list_splat')) {
      this.bindOpaqueTargets(target);
      return;
    }
    targets.forEach((element, i) => this.bindUnpacking(element, values[i]));
  }

  private bindWithTarget(target: Node, value: Node | undefined): void {
    if (target.type !== 'identifier') {
      this.bindOpaqueTargets(target);
      return;
    }
    this.scopes.bind(this.scopes.scopeOf(target), target.text, {
      kind: 'value', node: target, value: value ?? null, annotation: null, via: 'with',
    });
  }

  private readonly attributeAssignments: AttributeAssignment[] = [];

  /** An attribute bound by unpacking (`self.a, self.b = x(), y()`: value known element by element), a loop
   *  or a with target (value unknown: null). Only `name.attribute` targets matter (`self.x`, `client.get`). */
  private recordAttributeTarget(target: Node, value: Node | null): void {
    const object = target.childForFieldName('object');
    const name = target.childForFieldName('attribute');
    if (object?.type === 'identifier' && name) this.attributeAssignments.push({ object, name: name.text, value });
  }

  /** `self.x = value` inside methods, and `x = value` directly in the class body. */
  private collectAttributeValues(selfAssignments: AttributeAssignment[]): void {
    for (const cls of this.classes) {
      for (const [name, bindings] of cls.scope.bindings) {
        for (const binding of bindings) {
          if (binding.kind === 'value' && binding.via === 'assign') {
            if (binding.value) addTo(cls.attributeValues, name, binding.value);
          } else if (binding.kind !== 'function' && binding.kind !== 'class') cls.opaqueAttributes.add(name);
        }
      }
    }
    for (const { object, name, value } of selfAssignments) {
      const scope = this.ownerScope(object);
      const fn = scope.kind === 'function' ? this.functionsByNodeId.get(scope.node.id) : undefined;
      if (fn?.ownerClass && object.text === fn.firstParameter) {
        if (value) addTo(fn.ownerClass.attributeValues, name, value);
        else fn.ownerClass.opaqueAttributes.add(name);
      } else addTo(this.patchedAttributes, `${object.text}.${name}`, object);
    }
  }

  // ---------------------------------------------------------------- inference

  private computeQualifiedName(expr: Node, depth: number): string | null {
    if (depth > MAX_INFERENCE_DEPTH) return null;
    if (expr.type === 'identifier') return this.qualifiedNameOfIdentifier(expr);
    if (expr.type === 'attribute') {
      const object = expr.childForFieldName('object');
      const attribute = expr.childForFieldName('attribute')?.text;
      if (!object || !attribute) return null;
      if (object.type === 'identifier' && this.isPatchedAttribute(object, attribute)) return null;
      const objectName = object.type === 'identifier' || object.type === 'attribute' ? this.computeQualifiedName(object, depth + 1) : null;
      // `path.parent` names `pathlib.Path.parent`, an attribute holding a value of a known type: its members
      // are that type's (`path.parent.mkdir` is `pathlib.Path.mkdir`).
      const attributeType = objectName ? ATTRIBUTE_TYPES.get(objectName) : undefined;
      if (attributeType) return `${attributeType}.${attribute}`;
      if (objectName) {
        const local = this.definitions.get(objectName);
        if (local && 'methods' in local) return this.memberQualifiedName(local, attribute);
        if (!local) return `${objectName}.${attribute}`;
        return null;
      }
      const type = this.computeType(object, depth + 1);
      if (!type) return null;
      const cls = this.definitions.get(type);
      if (cls && 'methods' in cls) return this.memberQualifiedName(cls, attribute);
      return this.definitions.has(type) ? null : `${type}.${attribute}`;
    }
    return null;
  }

  /** Is `object.attribute` assigned somewhere (`client.get = Mock()`, `asyncio.sleep = fake`) with `object`
   *  naming the same variable? Then the attribute may hold that value instead of what the object's type defines. */
  private isPatchedAttribute(object: Node, attribute: string): boolean {
    const objects = this.patchedAttributes.get(`${object.text}.${attribute}`);
    if (!objects) return false;
    const scope = this.scopes.lookup(object.text, this.scopes.scopeOf(object))?.scope;
    return objects.some((patched) => this.scopes.lookup(patched.text, this.scopes.scopeOf(patched))?.scope === scope);
  }

  private memberQualifiedName(cls: ClassInfo, attribute: string): string | null {
    const member = this.findMember(cls, attribute);
    if (member === undefined && !this.assignsAttribute(cls, attribute)) return this.nestedClass(cls, attribute)?.qualifiedName ?? null;
    if (!member || member === 'attribute' || this.assignsAttribute(cls, attribute)) return null;
    return member.qualifiedName;
  }

  /** `Outer.Inner`, `self.Inner`: the class a `class Inner:` statement defines in the body of the class or of
   *  a local base (in MRO order), when nothing else binds the name there and no local subclass binds it too
   *  (`self.Inner` may be the subclass's). */
  private nestedClass(cls: ClassInfo, name: string): ClassInfo | null {
    const found = this.lookupNestedClass(cls, name, new Set());
    if (!found) return null;
    const rebound = this.classes.some((other) => other !== cls && other.scope.bindings.has(name) && this.inheritsFrom(other, cls));
    return rebound ? null : found;
  }

  /** Undefined when no class on the way binds the name; null when one binds it to something else, or a base we
   *  cannot see comes first. */
  private lookupNestedClass(cls: ClassInfo, name: string, seen: Set<ClassInfo>): ClassInfo | null | undefined {
    if (seen.has(cls)) return undefined;
    seen.add(cls);
    const bindings = cls.scope.bindings.get(name);
    if (bindings) return bindings.length === 1 && bindings[0].kind === 'class' ? this.classesByNodeId.get(bindings[0].node.id) ?? null : null;
    for (const base of cls.bases) {
      const baseClass = this.localClass(base);
      if (!baseClass) {
        if (INERT_BASE_CLASSES.has(this.qualifiedName(base.type === 'subscript' ? base.childForFieldName('value') ?? base : base) ?? '')) continue;
        return null;
      }
      const found = this.lookupNestedClass(baseClass, name, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private qualifiedNameOfIdentifier(identifier: Node): string | null {
    const found = this.scopes.lookup(identifier.text, this.scopes.scopeOf(identifier));
    // After `from aiofiles import *`, `open` may be aiofiles.open.
    if (!found) {
      if (this.starImports.length === 0) return `builtins.${identifier.text}`;
      // After a lone `from time import *`, `sleep` is time.sleep: the names a module we know exports (those
      // rules ask about). With several star imports, a later one may export the name too.
      const [module] = this.starImports;
      if (this.starImports.length === 1 && STAR_IMPORTED_NAMES.get(module)?.has(identifier.text)) return `${module}.${identifier.text}`;
      // After `from aiofiles import *`, `open` may be aiofiles.open.
      return STAR_EXPORTED_BUILTINS.has(identifier.text) ? null : `builtins.${identifier.text}`;
    }
    const { bindings } = found;
    // `from time import sleep` then `from asyncio import *`: a later star import of a module we know exports
    // the name rebinds it, so what it means is not known. (An unknown module is assumed not to re-export
    // names the module already bound, or every `from .models import *` would blind the analysis.)
    if (found.scope.kind === 'module' && this.starImportSites.some(({ module, start }) => start > bindings[0].node.startIndex
      && STAR_IMPORTED_NAMES.get(module)?.has(identifier.text))) return null;
    const first = bindings[0];
    // `try: import requests` / `except ImportError: requests = None`: None has no attributes and cannot be
    // called, so wherever the name is used as the module, it is the module.
    const imports = bindings.filter((b) => !(b.kind === 'value' && b.value?.type === 'none'));
    const imported = imports[0]?.kind === 'import' ? imports[0].qualifiedName : null;
    if (imported && imports.every((b) => b.kind === 'import' && b.qualifiedName === imported)) return imported;
    if ((first.kind === 'function' || first.kind === 'class') && bindings.length === 1) {
      const info = first.kind === 'function' ? this.functionsByNodeId.get(first.node.id) : this.classesByNodeId.get(first.node.id);
      return info?.qualifiedName ?? null;
    }
    // `@overload` stubs followed by the implementation: the name is the implementation's (producesCoroutine
    // still asks every definition of the name).
    const last = bindings[bindings.length - 1];
    if (last.kind === 'function' && bindings.slice(0, -1).every((b) => b.kind === 'function' && this.isOverloadStub(b.node))) {
      return this.functionsByNodeId.get(last.node.id)?.qualifiedName ?? null;
    }
    return null;
  }

  private localClass(expr: Node): ClassInfo | undefined {
    const name = this.qualifiedName(expr);
    const found = name ? this.definitions.get(name) : undefined;
    return found && 'methods' in found ? found : undefined;
  }

  private hasMember(cls: ClassInfo, name: string): boolean {
    return this.findMember(cls, name) !== undefined;
  }

  private computeType(expr: Node, depth: number): string | null {
    if (depth > MAX_INFERENCE_DEPTH) return null;
    switch (expr.type) {
      case 'call': return this.callResultType(expr, depth);
      case 'await': {
        const inner = expr.namedChildren[0];
        if (inner?.type !== 'call') return null;
        const fn = inner.childForFieldName('function');
        const callee = fn ? this.computeQualifiedName(fn, depth + 1) : null;
        return callee ? AWAIT_RESULT_TYPES.get(callee) ?? null : null;
      }
      case 'parenthesized_expression': {
        const inner = expr.namedChildren.find((child) => child?.type !== 'comment'); // `(  # why\n  value)`
        return inner ? this.computeType(inner, depth + 1) : null;
      }
      case 'binary_operator': {
        // `path / "name"` is a path, and so is `"name" / path` (str has no `/`, so Path.__rtruediv__ answers).
        if (expr.childForFieldName('operator')?.text !== '/') return null;
        const left = expr.childForFieldName('left');
        const right = expr.childForFieldName('right');
        const type = left ? this.computeType(left, depth + 1) : null;
        if (type === 'pathlib.Path') return type;
        return left?.type === 'string' && right && this.computeType(right, depth + 1) === 'pathlib.Path' ? 'pathlib.Path' : null;
      }
      case 'identifier': return this.identifierType(expr, depth);
      case 'attribute': {
        const object = expr.childForFieldName('object');
        const attribute = expr.childForFieldName('attribute')?.text;
        if (!object || !attribute) return null;
        const objectType = this.computeType(object, depth + 1);
        const cls = objectType ? this.definitions.get(objectType) : undefined;
        if (!cls || !('methods' in cls)) return objectType ? ATTRIBUTE_TYPES.get(`${objectType}.${attribute}`) ?? null : null;
        return this.attributeType(cls, attribute, depth);
      }
      default: return null;
    }
  }

  private callResultType(call: Node, depth: number): string | null {
    const fn = call.childForFieldName('function');
    if (!fn) return null;
    if (fn.type === 'identifier' && fn.text === 'super') {
      // super() inside a method: the first local base class of the owner class.
      const owner = this.enclosingFunction(call)?.ownerClass;
      const base = owner?.bases[0];
      return base ? this.localClass(base)?.qualifiedName ?? null : null;
    }
    const name = this.calledName(fn, depth);
    if (!name) return null;
    const mapped = CALL_RESULT_TYPES.get(name);
    if (mapped) return mapped;
    const local = this.definitions.get(name);
    if (local) {
      if ('methods' in local) return local.qualifiedName;
      if (this.makesAsyncContextManager(name)) return ASYNC_GENERATOR_CONTEXT_MANAGER;
      return this.makesAsyncGenerator(name) ? ASYNC_GENERATOR : null;
    }
    if (name.startsWith('builtins.') && name !== 'builtins.open') return null;
    // Calling something imported: assume a constructor, so the value is "an instance of" that name.
    return name;
  }

  private identifierType(identifier: Node, depth: number): string | null {
    const found = this.scopes.lookup(identifier.text, this.scopes.scopeOf(identifier));
    if (!found) return null;
    return this.agreedType(`${found.scope.node.id}:${identifier.text}`, found.bindings, (binding) => this.bindingType(binding, found.scope, depth));
  }

  /** Names (`scope:name`) and attributes (`Class#name`) whose type is being computed, with the type assumed
   *  meanwhile for values that refer back to them (null until the other values agree on one). */
  private readonly typesInProgress = new Map<string, string | null>();
  /** The keys of typesInProgress that a computation asked about since the key was last cleared. */
  private readonly cyclesHit = new Set<string>();

  /** The one type all of a name's (or attribute's) values agree on; null when one is unknown or two differ.
   *  The model is flow-insensitive, so a value computed from the name itself (`p = p.with_suffix(".txt")`,
   *  `p = p / "sub"`, `p /= "sub"`) gets the type the other values agree on, and must then give that type
   *  too: `p = Path(x)` and `p = p.parent` make a path, `p = Path(x)` and `p = p.read_text()` nothing known. */
  private agreedType<T>(key: string, values: readonly T[], typeOfValue: (value: T) => string | null): string | null {
    if (this.typesInProgress.has(key)) {
      this.cyclesHit.add(key);
      return this.typesInProgress.get(key) ?? null;
    }
    this.typesInProgress.set(key, null);
    try {
      let agreed: string | null = null;
      const selfReferring: T[] = [];
      for (const value of values) {
        this.cyclesHit.delete(key);
        const type = typeOfValue(value);
        if (!type && this.cyclesHit.has(key)) {
          selfReferring.push(value);
          continue;
        }
        if (!type || (agreed && agreed !== type)) return null;
        agreed = type;
      }
      if (!agreed || selfReferring.length === 0) return agreed;
      this.typesInProgress.set(key, agreed);
      return selfReferring.every((value) => typeOfValue(value) === agreed) ? agreed : null;
    } finally {
      this.typesInProgress.delete(key);
      this.cyclesHit.delete(key);
    }
  }

  private bindingType(binding: Binding, scope: Scope, depth: number): string | null {
    if (binding.kind === 'opaque' && binding.element) return this.elementType(binding.element.value, binding.element.index, depth);
    if (binding.kind === 'opaque' && binding.augmented) return this.augmentedType(binding.augmented, depth);
    if (binding.kind !== 'value') return null;
    if (binding.annotation) return this.annotationType(binding.annotation, depth);
    if (binding.via === 'param') {
      // `self` / `cls`: the first parameter of a method that is not a staticmethod.
      const fn = this.functionsByNodeId.get(scope.node.id);
      if (fn?.ownerClass && fn.firstParameter === binding.node.text && !this.isStaticMethod(fn)) {
        return fn.ownerClass.qualifiedName;
      }
      return null;
    }
    if (!binding.value) return null;
    const type = this.computeType(binding.value, depth + 1);
    if (binding.via === 'with' && type) {
      if (type === ASYNC_GENERATOR_CONTEXT_MANAGER) return null;
      // `with x as y` binds what x.__enter__ / __aenter__ returns: x itself only when they return self.
      const cls = this.definitions.get(type);
      if (cls && 'methods' in cls) return this.entersAsItself(cls) ? type : null;
      return CONTEXT_ENTER_TYPES.get(type) ?? type;
    }
    return type;
  }

  /** What `name OP= value` leaves in the name: `path /= "sub"` keeps a path. */
  private augmentedType(assignment: Node, depth: number): string | null {
    if (assignment.childForFieldName('operator')?.text !== '/=') return null;
    const target = assignment.childForFieldName('left');
    const type = target ? this.computeType(target, depth + 1) : null;
    return type === 'pathlib.Path' ? type : null;
  }

  /** The type of one element of a value that is unpacked: of `await asyncio.open_connection(...)`, a pair
   *  (reader, writer). */
  private elementType(value: Node, index: number, depth: number): string | null {
    const awaited = value.type === 'await';
    const call = awaited ? value.namedChildren[0] : value;
    const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
    const callee = fn ? this.calledName(fn, depth) : null;
    if (!callee) return null;
    return (awaited ? AWAIT_RESULT_ELEMENT_TYPES : CALL_RESULT_ELEMENT_TYPES).get(callee)?.[index] ?? null;
  }

  /** What a call's function part names, seeing through a generic specialization of a known class or factory:
   *  `asyncio.Queue[int]()` makes an asyncio.Queue, `anyio.create_memory_object_stream[bytes](10)` a stream
   *  pair. (`handlers[0]()` calls an element, and stays unknown.) */
  private calledName(fn: Node, depth: number): string | null {
    if (fn.type !== 'subscript') return this.computeQualifiedName(fn, depth + 1);
    const generic = fn.childForFieldName('value');
    const name = generic ? this.computeQualifiedName(generic, depth + 1) : null;
    // A class (named in CapWords, or defined here) or a factory whose results are known.
    const known = name && (/^[A-Z]/.test(lastPart(name)) || CALL_RESULT_TYPES.has(name) || CALL_RESULT_ELEMENT_TYPES.has(name) || this.localClass(generic!) !== undefined);
    return known ? name : null;
  }

  /** The type an annotation declares. A union with `None` (`X | None`, `Optional[X]`, `Union[X, None]`)
   *  declares X: wherever the value is used as an X, it is one. Other unions are known only when every
   *  member agrees. */
  private annotationType(annotation: Node, depth: number): string | null {
    const members = this.annotationMembers(annotation, depth);
    if (!members || members.length === 0) return null;
    let agreed: string | null = null;
    for (let expr of members) {
      if (expr.type === 'generic_type') expr = expr.namedChildren[0] ?? expr;
      else if (expr.type === 'subscript') expr = expr.childForFieldName('value') ?? expr;
      const type = expr.type === 'identifier' || expr.type === 'attribute' ? this.computeQualifiedName(expr, depth + 1) : null;
      if (!type || (agreed && agreed !== type)) return null;
      agreed = type;
    }
    return agreed;
  }

  /** The members of an annotation's union other than `None`; null when the annotation is too deep to read. */
  private annotationMembers(expr: Node, depth: number): Node[] | null {
    if (depth > MAX_INFERENCE_DEPTH) return null;
    if (expr.type === 'type' || expr.type === 'parenthesized_expression') {
      const inner = expr.namedChildren.find((child) => child?.type !== 'comment');
      return inner ? this.annotationMembers(inner, depth + 1) : null;
    }
    if (expr.type === 'none') return [];
    if (expr.type === 'binary_operator' && expr.childForFieldName('operator')?.text === '|') {
      const left = this.annotationMembers(expr.childForFieldName('left')!, depth + 1);
      const right = this.annotationMembers(expr.childForFieldName('right')!, depth + 1);
      return left && right ? [...left, ...right] : null;
    }
    let head: Node | null = null;
    let parameters: Node[] = [];
    if (expr.type === 'generic_type') {
      head = expr.namedChildren[0];
      parameters = expr.namedChildren.find((c) => c?.type === 'type_parameter')?.namedChildren.filter((c): c is Node => !!c) ?? [];
    } else if (expr.type === 'subscript') {
      head = expr.childForFieldName('value');
      parameters = expr.childrenForFieldName('subscript').filter((c): c is Node => !!c);
    }
    const headName = head && (head.type === 'identifier' || head.type === 'attribute') ? this.computeQualifiedName(head, depth + 1) : null;
    if (headName && UNION_FORMS.has(headName) && parameters.length > 0 && (headName.endsWith('.Union') || parameters.length === 1)) {
      const members: Node[] = [];
      for (const parameter of parameters) {
        const inner = this.annotationMembers(parameter, depth + 1);
        if (!inner) return null;
        members.push(...inner);
      }
      return members;
    }
    return [expr];
  }

  private attributeType(cls: ClassInfo, attribute: string, depth: number): string | null {
    if (cls.opaqueAttributes.has(attribute)) return null;
    const own = cls.attributeValues.get(attribute);
    // The object may be an instance of a local subclass that sets the attribute to something else
    // (`Base.start` sets an AsyncConn, `Sub.start` a SyncConn): its values count too.
    const subclasses = own ? this.localSubclasses(cls) : [];
    if (subclasses.some((sub) => sub.opaqueAttributes.has(attribute))) return null;
    const values = own && [...own, ...subclasses.flatMap((sub) => sub.attributeValues.get(attribute) ?? [])];
    if (!values) {
      for (const base of cls.bases) {
        const baseClass = this.localClass(base);
        const type = baseClass ? this.attributeType(baseClass, attribute, depth + 1) : null;
        if (type) return type;
      }
      return null;
    }
    // `self.session = None` in `__init__`, `self.session = ClientSession()` in `start()`: None has no
    // attributes, so wherever the attribute is used as a value of the other type (`self.session.close()`), it
    // is one, as for an `Optional[X]` annotation. (`self.root = self.root / "sub"` refers back to the attribute.)
    const notNone = values.filter((value) => value.type !== 'none');
    return this.agreedType(`${cls.qualifiedName}#${attribute}`, notNone, (value) => this.computeType(value, depth + 1));
  }

  /** Is every definition of the local function named this decorated last (outermost) by
   *  `@asynccontextmanager`? Whatever the decorators below it do, calling it then gives an async-only
   *  context manager. */
  private makesAsyncContextManager(qualifiedName: string): boolean {
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
  private makesAsyncGenerator(qualifiedName: string): boolean {
    const definitions = this.redefinitions.get(qualifiedName) ?? [];
    return definitions.length > 0 && definitions.every((d) => 'isAsync' in d && isPlainAsyncGenerator(d) && !this.hasIncompatibleOverride(d, isPlainAsyncGenerator));
  }

  /** Do the class's `__enter__` and `__aenter__` (those it or its local bases define) return only `self`? */
  private entersAsItself(cls: ClassInfo): boolean {
    return ['__enter__', '__aenter__'].every((name) => {
      const method = this.findMember(cls, name);
      return method === undefined || (method !== 'attribute' && this.returnsOnlySelf(method));
    });
  }

  private readonly selfReturning = new Map<FunctionInfo, boolean>();

  /** Does every `return` of the method (none in nested functions) return its first parameter, and is there one? */
  private returnsOnlySelf(fn: FunctionInfo): boolean {
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

  private isOverloadStub(definition: Node): boolean {
    const fn = this.functionsByNodeId.get(definition.id);
    return fn !== undefined && fn.decorators.some((d) => OVERLOAD_DECORATORS.has(decoratorName(d, this) ?? ''));
  }

  private isStaticMethod(fn: FunctionInfo): boolean {
    return fn.decorators.some((d) => decoratorName(d, this) === 'builtins.staticmethod');
  }
}

/** An `async def` that is not an async generator and whose decorators keep it a coroutine function. */
function isPlainCoroutineFunction(fn: FunctionInfo, model: SemanticModel): boolean {
  if (!fn.isAsync || fn.isGenerator) return false;
  return fn.decorators.every((decorator) => TRANSPARENT_DECORATORS.has(decoratorName(decorator, model) ?? ''));
}

/** The name of `*args` / `**kwargs`, also when annotated (`*args: str` nests the splat in a typed_parameter). */
function splatName(parameter: Node): Node | null {
  const splat = parameter.type.endsWith('splat_pattern') ? parameter : parameter.namedChildren.find((c) => !!c && c.type.endsWith('splat_pattern'));
  return splat?.namedChildren.find((c) => c?.type === 'identifier') ?? null;
}

/** An undecorated `async def` containing `yield`. */
function isPlainAsyncGenerator(fn: FunctionInfo): boolean {
  return fn.isAsync && fn.isGenerator && fn.decorators.length === 0;
}

/** The qualified name of a decorator (`@functools.wraps(f)` → `functools.wraps`). */
export function decoratorName(decorator: Node, model: SemanticModel): string | null {
  let expr = decorator.namedChildren[0];
  if (expr?.type === 'call') expr = expr.childForFieldName('function');
  return expr ? model.qualifiedName(expr) : null;
}

type Captures = Record<string, Node> & { decorator$: Node[] };

interface AttributeAssignment {
  /** The identifier the attribute is set on (`self`, `client`). */
  object: Node;
  name: string;
  /** Null when bound by a loop, a with target or unpacking we do not read element by element. */
  value: Node | null;
}

/** A match's captures by name (first node per name), plus every `decorator` capture in `decorator$`. */
function capturesByName(match: QueryMatch): Captures {
  const captures = { decorator$: [] } as unknown as Captures;
  for (const { name, node } of match.captures) {
    if (name === 'decorator') captures.decorator$.push(node);
    else captures[name] ??= node;
  }
  return captures;
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `pkg/sub/mod.py` → `pkg.sub.mod`; `pkg/__init__.py` → `pkg`. Good enough to tell modules apart and to
 *  resolve relative imports; a project index can map paths to real module names later. */
export function moduleNameFromPath(path: string): string {
  const parts = path.replace(/\\/g, '/').replace(/\.pyi?$/, '').split('/').filter((p) => p && p !== '.' && p !== '..');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  return parts.join('.').replace(/[^\w.]/g, '_') || '__main__';
}
