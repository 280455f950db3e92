// What one module's text declares, collected once from the captures of FACTS_QUERY (which the engine runs inside
// wasm, in the same pass as the rules' queries): its scopes and the names bound in them, its functions and
// classes, the values assigned to attributes, its await points and syntax errors. The layers above answer
// questions from these maps without walking the tree again.
import type { Node, QueryMatch, Tree } from 'web-tree-sitter';
import type { ProjectKnowledge } from '../types.js';
import type { SourceText } from '../source-text.js';
import { ScopeTree, type Scope } from './scopes.js';
import { resolveRelativeModule } from '../project/module-paths.js';

export const FACTS_QUERY = `
(import_statement) @import
(import_from_statement) @import_from
(function_definition) @function
(class_definition) @class
(lambda) @lambda
(decorated_definition (decorator)+ @decorator definition: (_) @decorated)
(assignment left: (identifier) @assign.name type: (_)? @assign.type right: (_)? @assign.value)
(assignment left: [(pattern_list) (tuple_pattern) (list_pattern) (list_splat_pattern)] @unpack.target right: (_)? @unpack.value)
(assignment left: (attribute object: (identifier) @attribute.object attribute: (identifier) @attribute.name) type: (_)? @attribute.type right: (_)? @attribute.value)
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
  /** Annotations that declare an attribute's type: `NAME: T` in the class body (a dataclass field, a
   *  declaration), `self.NAME: T = ...` in methods. */
  attributeAnnotations: Map<string, Node[]>;
  scope: Scope;
}

/** `sleep` for `asyncio.sleep`. */
export const lastPart = (qualifiedName: string): string => qualifiedName.slice(qualifiedName.lastIndexOf('.') + 1);

export class ModuleFacts {
  readonly scopes: ScopeTree;
  readonly functions: FunctionInfo[] = [];
  readonly classes: ClassInfo[] = [];
  /** Local definitions by qualified name. */
  protected readonly definitions = new Map<string, FunctionInfo | ClassInfo>();
  /** Every local definition of a qualified name: a name defined twice (in both branches of an `if`, or the same
   *  helper nested in two functions of one name) has several, and `definitions` keeps only the last. */
  protected readonly redefinitions = new Map<string, (FunctionInfo | ClassInfo)[]>();
  protected readonly functionsByNodeId = new Map<number, FunctionInfo>();
  /** Await points: `await`, `async with`, `async for`, async comprehensions, by start offset. */
  protected readonly awaitPoints: { start: number; owner: Scope; node: Node }[] = [];
  /** Decorators by the id of the definition they decorate. */
  protected readonly decorators = new Map<number, Node[]>();
  protected readonly syntaxErrors: [number, number][] = [];
  /** The objects of attribute assignments other than `self.x = ...` in methods, by `object.attribute` text. */
  protected readonly patchedAttributes = new Map<string, Node[]>();
  /** The modules of `from x import *` statements: a name not bound in the module may come from there. */
  protected readonly starImports: string[] = [];
  /** Where each star import starts, with its module: a later one may rebind a name bound before it. */
  protected readonly starImportSites: { module: string; start: number }[] = [];

  constructor(
    readonly tree: Tree,
    readonly source: SourceText,
    readonly moduleName: string,
    /** The matches of FACTS_QUERY over the module, in document order. */
    matches: readonly QueryMatch[],
    readonly project: ProjectKnowledge = {},
    /** The module is a package's `__init__` and `moduleName` its real name (known from the project index):
     *  `from .db import x` then means `<moduleName>.db.x`. */
    readonly isPackage = false,
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
      } else if (c['attribute.object']) {
        const annotation = c['attribute.type'] ?? null;
        // `self.x: T` declares without assigning: only its annotation is a fact.
        if (c['attribute.value'] || annotation) selfAssignments.push({ object: c['attribute.object'], name: c['attribute.name'].text, value: c['attribute.value'] ?? null, annotation, declaresOnly: !c['attribute.value'] });
      }
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

  /** Is the node inside a region tree-sitter could not parse? */
  isInsideSyntaxError(node: Node): boolean {
    const start = node.startIndex;
    return this.syntaxErrors.some(([errorStart, errorEnd]) => errorStart <= start && start < errorEnd);
  }

  /** The function info for a function_definition or lambda node. */
  functionOf(definition: Node): FunctionInfo | undefined {
    return this.functionsByNodeId.get(definition.id);
  }

  /** The innermost function (def or lambda) around a node; null at module level or directly in a class body. */
  enclosingFunction(node: Node): FunctionInfo | null {
    const scope = this.ownerScope(node);
    return scope.kind === 'function' || scope.kind === 'lambda' ? this.functionsByNodeId.get(scope.node.id) ?? null : null;
  }

  /** The modules of the module's `from x import *` statements. */
  starImportedModules(): string[] {
    return [...this.starImports];
  }

  /** The class info for a class_definition node. */
  classOf(definition: Node): ClassInfo | undefined {
    return this.classesByNodeId.get(definition.id);
  }

  /** The local definition (function or class) a qualified name refers to. */
  definition(qualifiedName: string): FunctionInfo | ClassInfo | undefined {
    return this.definitions.get(qualifiedName);
  }

  // ---------------------------------------------------------------- construction

  protected ownerScope(node: Node): Scope {
    let scope = this.scopes.scopeAt(node.startIndex);
    // A block or statement that starts with a nested def/lambda starts where that scope does: climb out of
    // scopes lying inside the node (a definition node itself still owns its own scope). A comprehension's
    // code runs as part of the function around it, and so do a nested def's default values and a class's
    // bases, which are evaluated when the def / class statement runs.
    while (scope.parent && (scope.kind === 'comprehension' || (scope.node.id !== node.id && scope.start >= node.startIndex && scope.end <= node.endIndex)
      || this.scopes.inHeader(scope, node.startIndex, true))) scope = scope.parent;
    return scope;
  }

  protected bindImport(node: Node): void {
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

  protected bindImportFrom(node: Node): void {
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

  protected resolveRelative(text: string): string {
    if (this.isPackage) return resolveRelativeModule(text, this.moduleName, true) ?? text;
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

  protected defineFunction(node: Node): void {
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

  protected defineLambda(node: Node): void {
    const scope = this.scopes.scopeOfDefinition(node)!;
    const info: FunctionInfo = {
      node, name: '<lambda>', qualifiedName: '<lambda>', isAsync: false, isLambda: true, isGenerator: false,
      decorators: [], ownerClass: null, firstParameter: null, scope,
    };
    this.registerFunction(info);
    this.bindParameters(node.childForFieldName('parameters'), scope, info);
  }

  protected readonly classesByNodeId = new Map<number, ClassInfo>();

  protected defineClass(node: Node): void {
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
      attributeAnnotations: new Map(),
      scope,
    };
    this.classes.push(info);
    this.classesByNodeId.set(node.id, info);
    this.definitions.set(info.qualifiedName, info);
    addTo(this.redefinitions, info.qualifiedName, info);
    this.scopes.bind(outer, name, { kind: 'class', node });
  }

  protected registerFunction(info: FunctionInfo): void {
    this.functions.push(info);
    this.functionsByNodeId.set(info.node.id, info);
    if (!info.isLambda) {
      this.definitions.set(info.qualifiedName, info);
      addTo(this.redefinitions, info.qualifiedName, info);
    }
  }

  protected qualifiedPrefix(scope: Scope): string {
    if (scope.kind === 'module') return `${this.moduleName}.`;
    if (scope.kind === 'class') return `${this.classesByNodeId.get(scope.node.id)?.qualifiedName ?? '<class>'}.`;
    return `${this.functionsByNodeId.get(scope.node.id)?.qualifiedName ?? '<function>'}.<locals>.`;
  }

  protected bindParameters(parameters: Node | null, scope: Scope, fn: FunctionInfo): void {
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
  protected bindOpaqueTargets(target: Node, inComprehension = false): void {
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
  protected bindUnpacking(target: Node, value: Node | undefined): void {
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

  protected bindWithTarget(target: Node, value: Node | undefined): void {
    if (target.type !== 'identifier') {
      this.bindOpaqueTargets(target);
      return;
    }
    this.scopes.bind(this.scopes.scopeOf(target), target.text, {
      kind: 'value', node: target, value: value ?? null, annotation: null, via: 'with',
    });
  }

  protected readonly attributeAssignments: AttributeAssignment[] = [];

  /** An attribute bound by unpacking (`self.a, self.b = x(), y()`: value known element by element), a loop
   *  or a with target (value unknown: null). Only `name.attribute` targets matter (`self.x`, `client.get`). */
  protected recordAttributeTarget(target: Node, value: Node | null): void {
    const object = target.childForFieldName('object');
    const name = target.childForFieldName('attribute');
    if (object?.type === 'identifier' && name) this.attributeAssignments.push({ object, name: name.text, value, annotation: null, declaresOnly: false });
  }

  /** `self.x = value` inside methods, and `x = value` directly in the class body. */
  protected collectAttributeValues(selfAssignments: AttributeAssignment[]): void {
    for (const cls of this.classes) {
      for (const [name, bindings] of cls.scope.bindings) {
        for (const binding of bindings) {
          if (binding.kind === 'value' && binding.via === 'assign') {
            if (binding.value) addTo(cls.attributeValues, name, binding.value);
            if (binding.annotation) addTo(cls.attributeAnnotations, name, binding.annotation);
          } else if (binding.kind !== 'function' && binding.kind !== 'class') cls.opaqueAttributes.add(name);
        }
      }
    }
    for (const { object, name, value, annotation, declaresOnly } of selfAssignments) {
      const scope = this.ownerScope(object);
      const fn = scope.kind === 'function' ? this.functionsByNodeId.get(scope.node.id) : undefined;
      if (fn?.ownerClass && object.text === fn.firstParameter) {
        if (annotation) addTo(fn.ownerClass.attributeAnnotations, name, annotation);
        if (value) addTo(fn.ownerClass.attributeValues, name, value);
        else if (!declaresOnly) fn.ownerClass.opaqueAttributes.add(name);
      } else if (!declaresOnly) addTo(this.patchedAttributes, `${object.text}.${name}`, object);
    }
  }
}

/** The name of `*args` / `**kwargs`, also when annotated (`*args: str` nests the splat in a typed_parameter). */
function splatName(parameter: Node): Node | null {
  const splat = parameter.type.endsWith('splat_pattern') ? parameter : parameter.namedChildren.find((c) => !!c && c.type.endsWith('splat_pattern'));
  return splat?.namedChildren.find((c) => c?.type === 'identifier') ?? null;
}

type Captures = Record<string, Node> & { decorator$: Node[] };

interface AttributeAssignment {
  /** The identifier the attribute is set on (`self`, `client`). */
  object: Node;
  name: string;
  /** Null when bound by a loop, a with target or unpacking we do not read element by element. */
  value: Node | null;
  /** `self.x: T = value` / `self.x: T`: the declared type. */
  annotation: Node | null;
  /** `self.x: T` without a value: declares the type and binds nothing. */
  declaresOnly: boolean;
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
