// Python scopes and the names bound in them, collected from one query per module.
// Scopes nest properly, so they are kept as sorted intervals: finding the scope of an offset needs no
// walk through the syntax tree (each node access crosses into wasm, which is what costs).
import type { Node } from 'web-tree-sitter';

/** A comprehension (list, set, dict, generator expression) is a scope of its own for the names its `for`
 *  clauses bind: they are invisible outside it, and hide outer names inside it. Its code still runs as part
 *  of the enclosing function (see `ownerScope` in the model), and other bindings made in it (walrus) land in
 *  the enclosing function or module. */
export type ScopeKind = 'module' | 'function' | 'lambda' | 'class' | 'comprehension';

export interface Scope {
  kind: ScopeKind;
  node: Node;
  start: number;
  end: number;
  parent: Scope | null;
  bindings: Map<string, Binding[]>;
  /** Names declared `global` / `nonlocal` here: bound elsewhere. */
  delegated: Set<string>;
  /** The names of `delegated` declared `global` (bound in the module, whatever encloses the scope). */
  globals: Set<string>;
  /** For a comprehension: where its first iterable lies, which the enclosing scope evaluates (read lazily). */
  firstIterable?: [number, number] | null;
  /** For a def, lambda or class: the parts of its header the enclosing scope evaluates (read lazily). */
  header?: Header;
}

/** A definition's header: where its body starts, and the parts before it that the enclosing scope evaluates
 *  when the `def` / `lambda` / `class` runs (default values, base classes: `run`) or only resolves names for
 *  (annotations, which `from __future__ import annotations` and Python 3.14 evaluate lazily, if ever). */
interface Header {
  bodyStart: number;
  parts: { start: number; end: number; run: boolean }[] | null;
}

export type Binding =
  | { kind: 'import'; qualifiedName: string; node: Node }
  | { kind: 'function'; node: Node }
  | { kind: 'class'; node: Node }
  /** A value whose type may be inferred: assignment, `with ... as`, annotated parameter. */
  | { kind: 'value'; node: Node; value: Node | null; annotation: Node | null; via: 'assign' | 'with' | 'param' }
  /** Bound by something we never infer (loop target, tuple unpacking, augmented assignment...). `element`:
   *  bound by unpacking a value (`reader, writer = await asyncio.open_connection(...)`), and `augmented`: by
   *  an augmented assignment (`path /= "sub"`), both read only for a type. */
  | { kind: 'opaque'; node: Node; element?: { value: Node; index: number }; augmented?: Node };

export class ScopeTree {
  readonly module: Scope;
  private readonly sorted: Scope[] = [];
  private readonly byNodeId = new Map<number, Scope>();

  constructor(root: Node, scopeNodes: Node[]) {
    this.module = makeScope('module', root, null);
    this.byNodeId.set(root.id, this.module);
    const nodes = [...scopeNodes].sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
    const stack: Scope[] = [this.module];
    for (const node of nodes) {
      while (stack.length > 1 && stack[stack.length - 1].end <= node.startIndex) stack.pop();
      const kind: ScopeKind = node.type === 'class_definition' ? 'class' : node.type === 'lambda' ? 'lambda'
        : node.type === 'function_definition' ? 'function' : 'comprehension';
      const scope = makeScope(kind, node, stack[stack.length - 1]);
      this.sorted.push(scope);
      this.byNodeId.set(node.id, scope);
      stack.push(scope);
    }
  }

  /** The scope a definition node (def, lambda, class) opens. */
  scopeOfDefinition(node: Node): Scope | undefined {
    return this.byNodeId.get(node.id);
  }

  /** The innermost scope containing the offset. */
  scopeAt(offset: number): Scope {
    let low = 0;
    let high = this.sorted.length - 1;
    let candidate = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.sorted[mid].start <= offset) {
        candidate = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    let scope: Scope | null = candidate >= 0 ? this.sorted[candidate] : this.module;
    while (scope && scope !== this.module && !(scope.start <= offset && offset < scope.end)) scope = scope.parent;
    return scope ?? this.module;
  }

  /** The scope where a node's names are looked up. A def's decorators lie outside its node; its own name,
   *  defaults and annotations (and a class's bases) belong to the scope around it too. */
  scopeOf(node: Node): Scope {
    let scope = this.scopeAt(node.startIndex);
    // A definition node starts its own scope; the node itself lives in the parent.
    if (scope.node.id === node.id && scope.parent) scope = scope.parent;
    // A comprehension's first iterable is evaluated by the code around it (`[x for x in x]`), and so are a
    // def's defaults and annotations and a class's bases (`def f(time=time)`: the default is the outer `time`).
    while (scope.parent && (scope.kind === 'comprehension' ? inFirstIterable(scope, node.startIndex) : this.inHeader(scope, node.startIndex, false))) scope = scope.parent;
    return scope;
  }

  /** Does the offset lie in a part of the definition's header that the enclosing scope evaluates when the
   *  definition runs (a default value, a base class), or, unless `runOnly`, resolves (an annotation)? */
  inHeader(scope: Scope, offset: number, runOnly: boolean): boolean {
    if (scope.kind === 'module' || scope.kind === 'comprehension') return false;
    const header = this.header(scope);
    if (offset >= header.bodyStart) return false;
    header.parts ??= headerParts(scope.node);
    return header.parts.some((part) => part.start <= offset && offset < part.end && (part.run || !runOnly));
  }

  /** Where a def's, lambda's or class's body starts (read once). */
  bodyStart(scope: Scope): number {
    return this.header(scope).bodyStart;
  }

  private header(scope: Scope): Header {
    return scope.header ??= { bodyStart: scope.node.childForFieldName('body')?.startIndex ?? scope.start, parts: null };
  }

  /** Binds a name where Python does: in the scope, or for a comprehension (a walrus in it binds in the
   *  enclosing function, PEP 572) in the nearest enclosing scope that is not one. */
  bind(scope: Scope, name: string, binding: Binding): void {
    while (scope.kind === 'comprehension' && scope.parent) scope = scope.parent;
    this.bindHere(scope, name, binding);
  }

  /** Binds a name in the scope itself (a comprehension's `for` targets). */
  bindHere(scope: Scope, name: string, binding: Binding): void {
    if (scope.globals.has(name)) scope = this.module;
    else if (scope.delegated.has(name)) {
      // The enclosing function's own binding may come later in the source (`def swap(): nonlocal q; q = []`
      // before `q = Queue()`): place it once every binding is known.
      this.nonlocalBindings.push({ scope, name, binding });
      return;
    }
    add(scope, name, binding);
  }

  private readonly nonlocalBindings: { scope: Scope; name: string; binding: Binding }[] = [];

  /** Places the bindings of `nonlocal` names: in the nearest enclosing function that binds the name itself
   *  (else the module). The binding then counts against the outer name, so a rebound name (`nonlocal q;
   *  q = []`) is no longer taken for what the outer function assigned. Call once every other binding is made. */
  bindNonlocals(): void {
    for (const { scope, name, binding } of this.nonlocalBindings) {
      let target = this.module;
      for (let outer = scope.parent; outer && outer !== this.module; outer = outer.parent) {
        if (outer.kind === 'function' && outer.bindings.has(name) && !outer.delegated.has(name)) {
          target = outer;
          break;
        }
      }
      add(target, name, binding);
    }
    this.nonlocalBindings.length = 0;
  }

  /** Python's lookup: the local scope, then enclosing function scopes (class bodies are skipped unless the
   *  name is used directly in one), then the module. Returns the bindings and the scope that holds them. */
  lookup(name: string, from: Scope): { scope: Scope; bindings: Binding[] } | null {
    let scope: Scope | null = from;
    let first = true;
    while (scope) {
      if (scope.kind !== 'class' || first) {
        if (scope.delegated.has(name) && scope !== this.module) {
          scope = scope.globals.has(name) ? this.module : scope.parent;
          first = false;
          continue;
        }
        const bindings = scope.bindings.get(name);
        if (bindings) return { scope, bindings };
      }
      first = false;
      scope = scope.parent;
    }
    return null;
  }
}

function inFirstIterable(scope: Scope, offset: number): boolean {
  if (scope.firstIterable === undefined) {
    const clause = scope.node.namedChildren.find((child) => child?.type === 'for_in_clause');
    const iterable = clause?.childForFieldName('right');
    scope.firstIterable = iterable ? [iterable.startIndex, iterable.endIndex] : null;
  }
  return scope.firstIterable !== null && scope.firstIterable[0] <= offset && offset < scope.firstIterable[1];
}

function headerParts(definition: Node): { start: number; end: number; run: boolean }[] {
  const parts: { start: number; end: number; run: boolean }[] = [];
  const add = (node: Node | null, run: boolean) => {
    if (node) parts.push({ start: node.startIndex, end: node.endIndex, run });
  };
  if (definition.type === 'class_definition') {
    add(definition.childForFieldName('superclasses'), true);
    return parts;
  }
  for (const parameter of definition.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!parameter) continue;
    if (parameter.type === 'default_parameter' || parameter.type === 'typed_default_parameter') add(parameter.childForFieldName('value'), true);
    if (parameter.type === 'typed_parameter' || parameter.type === 'typed_default_parameter') add(parameter.childForFieldName('type'), false);
  }
  add(definition.childForFieldName('return_type'), false);
  return parts;
}

function makeScope(kind: ScopeKind, node: Node, parent: Scope | null): Scope {
  return { kind, node, start: node.startIndex, end: node.endIndex, parent, bindings: new Map(), delegated: new Set(), globals: new Set() };
}

function add(scope: Scope, name: string, binding: Binding): void {
  const list = scope.bindings.get(name);
  if (list) list.push(binding);
  else scope.bindings.set(name, [binding]);
}
