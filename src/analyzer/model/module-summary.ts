// What a module tells the others (see project/summary.ts): read from its semantic model once, as plain data.
// Which calls block is asked of the loop-blocking rules themselves (`blocks`), so the summary knows what they
// know and nothing more.
import type { Node } from 'web-tree-sitter';
import { returnsNothing } from './returns-nothing.js';
import { LOOP_STARTERS } from './known-apis.js';
import type { ClassInfo, FunctionInfo } from './module-facts.js';
import { decoratorName } from './name-resolution.js';
import type { SemanticModel } from './semantic-model.js';
import { SUMMARY_VERSION, type ClassSummary, type FunctionKind, type FunctionSummary, type ModuleSummary } from '../project/summary.js';

/** Which loop-blocking rule would report this call, in the body of the sync function `fn`, were it in a
 *  coroutine (null: none)? */
export type BlockingProbe = (call: Node, fn: FunctionInfo) => string | null;

/** How many calls of other functions a sync function's summary keeps (to follow chains of helpers). */
const MAX_CALLS = 40;

/** A sync function that looks for a running loop (or hands the work to a thread, or patches asyncio to nest
 *  loops) before it starts one is meant to be called from a coroutine too: it does not count as starting one. */
const LOOP_GUARDS = /get_running_loop|_get_running_loop|is_running|Thread|nest_asyncio|run_coroutine_threadsafe/;

const PROPERTY_DECORATORS: ReadonlySet<string> = new Set(['builtins.property', 'functools.cached_property']);

/** A function cached by these runs its body once (per argument): it does not keep blocking whoever calls it. */
const CACHING_DECORATORS: ReadonlySet<string> = new Set(['functools.cache', 'functools.lru_cache', 'functools.cached_property']);

/** Blocking calls whose cost is paid once per process: `import_module` reads files only the first time a module
 *  is imported (then sys.modules answers). A helper calling them does not block on every call. */
const ONCE_PER_PROCESS: ReadonlySet<string> = new Set(['importlib.import_module']);

/** `calls`: the module's call nodes (any order); `blocks`: null when nothing is to be said about blocking.
 *  `lazy` (a module's own summary, asked about its helpers while it is analyzed): the call nodes are read per
 *  function, and each part is computed when first read, so a big module pays only for what is asked. */
export function summarizeModule(model: SemanticModel, calls: readonly Node[], blocks: BlockingProbe | null, lazy = false): ModuleSummary {
  const callsIn = new Map<FunctionInfo, Node[]>();
  for (const call of calls) {
    const fn = model.enclosingFunction(call);
    if (!fn || fn.isAsync || fn.isLambda || fn.isGenerator) continue;
    const list = callsIn.get(fn);
    if (list) list.push(call);
    else callsIn.set(fn, [call]);
  }
  const ownCalls = (fn: FunctionInfo): Node[] => lazy
    ? fn.node.descendantsOfType('call').filter((call): call is Node => !!call && model.enclosingFunction(call) === fn)
    : (callsIn.get(fn) ?? []).sort((a, b) => a.startIndex - b.startIndex);
  const guardedModule = model.importsFrom('nest_asyncio');
  /** What calling a sync function does: starts a loop, blocks, calls other functions. */
  const behaviour = (fn: FunctionInfo, kind: FunctionKind): Pick<FunctionSummary, 'runsLoop' | 'blocks' | 'calls'> => {
    const found: Pick<FunctionSummary, 'runsLoop' | 'blocks' | 'calls'> = {};
    if (kind !== 'sync' || fn.isGenerator) return found;
    if (fn.decorators.some((d) => CACHING_DECORATORS.has(decoratorName(d, model) ?? ''))) return found;
    const guarded = guardedModule || LOOP_GUARDS.test(fn.node.text);
    const others: { callee: string; line: number }[] = [];
    for (const call of ownCalls(fn)) {
      const callee = model.callee(call);
      if (!callee) continue;
      const line = call.startPosition.row + 1;
      // A function blocks or starts a loop itself only where that call runs whenever it is called: one behind an
      // `if`, in a loop body or an `except` may never run (redis-py resolves a host only after a MOVED error),
      // and "this may block" is not a finding. Calls of other helpers may be conditional (`if attempt:
      // backoff(attempt)`): a helper whose job is to block blocks whenever it is called.
      // Asked only of loop starts and blocking calls (walking up from every call costs).
      const always = () => runsWheneverCalled(call, fn.node);
      if (LOOP_STARTERS.has(callee)) {
        if (!guarded && always()) found.runsLoop ??= { call: callee, line };
        continue;
      }
      if (ONCE_PER_PROCESS.has(callee)) continue;
      const rule = blocks?.(call, fn) ?? null;
      if (rule !== null) {
        if (!always()) continue;
        found.blocks ??= [];
        if (!found.blocks.some((known) => known.rule === rule)) found.blocks.push({ call: callee, line, rule });
      } else if (!callee.startsWith('builtins.') && others.length < MAX_CALLS && !others.some((o) => o.callee === callee)) others.push({ callee, line });
    }
    if (others.length > 0) found.calls = others;
    return found;
  };
  const isProperty = (fn: FunctionInfo) => fn.decorators.some((d) => PROPERTY_DECORATORS.has(decoratorName(d, model) ?? ''));
  /** A property's type (`returns`), or the class a call of a plain function gives (`result`). */
  const returnsOf = (fn: FunctionInfo, kind: FunctionKind): string | undefined =>
    kind === 'sync' && isProperty(fn) ? model.returnType(fn) ?? undefined : undefined;
  const resultOf = (fn: FunctionInfo, kind: FunctionKind): string | undefined =>
    kind === 'sync' && !isProperty(fn) ? model.annotatedResult(fn) ?? undefined : undefined;
  const givesNothing = (fn: FunctionInfo, kind: FunctionKind): true | undefined =>
    kind === 'sync' && returnsNothing(fn, (node) => model.enclosingFunction(node)) ? true : undefined;
  const summarizeFunction = (fn: FunctionInfo): FunctionSummary => {
    const line = fn.node.startPosition.row + 1;
    if (lazy) {
      let kind: FunctionKind | undefined;
      let found: Pick<FunctionSummary, 'runsLoop' | 'blocks' | 'calls'> | undefined;
      const kindOf = () => (kind ??= model.functionKind(fn));
      const behaviourOf = () => (found ??= behaviour(fn, kindOf()));
      return {
        line,
        get kind() { return kindOf(); },
        get returns() { return returnsOf(fn, kindOf()); },
        get result() { return resultOf(fn, kindOf()); },
        get returnsNothing() { return givesNothing(fn, kindOf()); },
        get runsLoop() { return behaviourOf().runsLoop; },
        get blocks() { return behaviourOf().blocks; },
        get calls() { return behaviourOf().calls; },
      };
    }
    const kind = model.functionKind(fn);
    const summary: FunctionSummary = { line, kind, ...behaviour(fn, kind) };
    const returns = returnsOf(fn, kind);
    if (returns) summary.returns = returns;
    const result = resultOf(fn, kind);
    if (result) summary.result = result;
    if (givesNothing(fn, kind)) summary.returnsNothing = true;
    return summary;
  };
  const summarizeClass = (cls: ClassInfo): ClassSummary => {
    const methods: Record<string, FunctionSummary> = {};
    const attributes: Record<string, string | null> = {};
    for (const [name, bindings] of cls.scope.bindings) {
      const fn = bindings.length === 1 && bindings[0].kind === 'function' ? model.functionOf(bindings[0].node) : undefined;
      if (fn) methods[name] = summarizeFunction(fn);
      else if (bindings.some((b) => b.kind === 'function')) methods[name] = { line: bindings[0].node.startPosition.row + 1, kind: 'unknown' };
    }
    for (const name of new Set([...cls.attributeValues.keys(), ...cls.opaqueAttributes])) {
      if (Object.hasOwn(methods, name)) delete methods[name]; // an attribute of that name hides the method
      const typeOf = () => (cls.opaqueAttributes.has(name) ? null : model.attributeTypeOf(cls, name));
      if (lazy) Object.defineProperty(attributes, name, { get: typeOf, enumerable: true, configurable: true });
      else attributes[name] = typeOf();
    }
    const bases = cls.bases.map((base) => model.qualifiedName(base.type === 'subscript' ? base.childForFieldName('value') ?? base : base));
    return { line: cls.node.startPosition.row + 1, bases, methods, attributes };
  };
  const summary: ModuleSummary = { version: SUMMARY_VERSION, functions: {}, classes: {}, imports: {}, opaque: [], starImports: [] };
  const assigned: [string, Node][] = [];
  for (const [name, bindings] of model.scopes.module.bindings) {
    const first = bindings[0];
    // `try: import x` / `except ImportError: x = None`: the name is the import wherever it is used.
    const imports = bindings.filter((b) => !(b.kind === 'value' && b.value?.type === 'none'));
    if (imports.length > 0 && imports.every((b) => b.kind === 'import' && b.qualifiedName === (imports[0] as { qualifiedName: string }).qualifiedName)) {
      summary.imports[name] = (imports[0] as { qualifiedName: string }).qualifiedName;
    } else if (bindings.length === 1 && first.kind === 'function') {
      const fn = model.functionOf(first.node);
      if (fn) summary.functions[name] = summarizeFunction(fn);
    } else if (bindings.length === 1 && first.kind === 'class') {
      const cls = model.classOf(first.node);
      if (cls) summary.classes[name] = summarizeClass(cls);
    } else {
      summary.opaque.push(name);
      if (bindings.length === 1 && first.kind === 'value' && first.node.type === 'identifier') assigned.push([name, first.node]);
    }
  }
  // Module-level instances (`db = Database()`): typing them costs, so the summary a module makes of itself
  // (lazy) types them only if asked.
  const variables = (): Record<string, string> | undefined => {
    let found: Record<string, string> | undefined;
    for (const [name, node] of assigned) {
      const type = model.instanceType(node);
      if (type) (found ??= {})[name] = type;
    }
    return found;
  };
  if (lazy) {
    let memo: { value: Record<string, string> | undefined } | undefined;
    Object.defineProperty(summary, 'variables', { get: () => (memo ??= { value: variables() }).value, enumerable: true, configurable: true });
  } else {
    const found = variables();
    if (found) summary.variables = found;
  }
  summary.starImports = model.starImportedModules();
  return summary;
}

/** Blocks whose statements run only on some calls of their function. */
const CONDITIONAL_BLOCK_OWNERS: ReadonlySet<string> = new Set([
  'if_statement', 'elif_clause', 'else_clause', 'for_statement', 'while_statement', 'except_clause', 'except_group_clause', 'case_clause',
]);
/** Expressions that evaluate their parts only on some paths. */
const CONDITIONAL_EXPRESSIONS: ReadonlySet<string> = new Set([
  'conditional_expression', 'boolean_operator', 'lambda', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression',
]);

/** Does `call` run every time the function `fn` runs to its end: not inside a branch, a loop body, an exception
 *  handler or a lazily evaluated expression of it? (The condition of an `if` and a loop's iterable do run.) */
export function runsWheneverCalled(call: Node, fn: Node): boolean {
  for (let at = call.parent; at && at.id !== fn.id; at = at.parent) {
    if (at.type === 'block' && at.parent && CONDITIONAL_BLOCK_OWNERS.has(at.parent.type)) return false;
    if (CONDITIONAL_EXPRESSIONS.has(at.type)) return false;
  }
  return true;
}
