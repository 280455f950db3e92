// What things are: the type (qualified name of what made it) of an expression's value, inferred from
// assignments, annotations, calls of known factories and constructors, `with` targets and attributes.
// Flow-insensitive: a name's values must all agree on one type, else it is unknown.
import type { Node } from 'web-tree-sitter';
import {
  ASYNC_GENERATOR_CONTEXT_MANAGER,
  ATTRIBUTE_TYPES,
  AWAIT_RESULT_ELEMENT_TYPES,
  AWAIT_RESULT_TYPES,
  CALL_RESULT_ELEMENT_TYPES,
  CALL_RESULT_TYPES,
  CONTEXT_ENTER_TYPES,
  ASYNC_GENERATOR,
} from './known-apis.js';
import { lastPart, type ClassInfo, type FunctionInfo } from './module-facts.js';
import { MAX_INFERENCE_DEPTH } from './name-resolution.js';
import { ClassHierarchy } from './class-hierarchy.js';
import type { Binding, Scope } from './scopes.js';

/** `Optional[X]` and `Union[X, Y]` in annotations. */
const UNION_FORMS = new Set(['typing.Optional', 'typing.Union', 'typing_extensions.Optional', 'typing_extensions.Union']);
/** Annotations that qualify the type they wrap: `ClassVar[X]`, `Final[X]`, `Annotated[X, ...]`. */
const QUALIFIER_FORMS = new Set(['ClassVar', 'Final', 'Annotated'].flatMap((form) => [`typing.${form}`, `typing_extensions.${form}`]));

/** Types that name no class of its own whose members we could know: typing's generics, builtins. */
const NOT_A_CLASS_OF_ITS_OWN = /^(?:typing|typing_extensions|collections\.abc|builtins)\./;

export abstract class TypeInference extends ClassHierarchy {
  protected readonly typeCache = new Map<string, string | null>();

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

  /** The type of `instance.name` for an instance of a local class: an attribute's assigned or declared type,
   *  or a property's; null when unknown. (What a module's summary can tell other modules about its classes.) */
  instanceMemberType(cls: ClassInfo, name: string): string | null {
    return this.attributeType(cls, name, 0) ?? this.propertyType(cls, name, 0);
  }

  protected computeType(expr: Node, depth: number): string | null {
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
        if (objectType && !cls) {
          // An instance of a class of another project module: the attribute or property type it infers there.
          const remote = this.projectIndex?.classNamed(objectType);
          if (remote) {
            const type = this.projectIndex!.attributeType(remote, attribute);
            return type ? this.canonical(type) : null;
          }
        }
        if (!cls || !('methods' in cls)) return objectType ? ATTRIBUTE_TYPES.get(`${objectType}.${attribute}`) ?? null : null;
        return this.attributeType(cls, attribute, depth) ?? this.propertyType(cls, attribute, depth);
      }
      default: return null;
    }
  }

  protected callResultType(call: Node, depth: number): string | null {
    const fn = call.childForFieldName('function');
    if (!fn) return null;
    if (fn.type === 'identifier' && fn.text === 'super') {
      // super() inside a method: the first local base class of the owner class.
      const owner = this.enclosingFunction(call)?.ownerClass;
      const base = owner?.bases[0];
      if (!base) return null;
      const local = this.localClass(base)?.qualifiedName;
      if (local) return local;
      const baseName = this.projectIndex ? this.qualifiedName(base) : null;
      return baseName ? this.projectIndex!.classNamed(baseName)?.qualifiedName ?? null : null;
    }
    const name = this.calledName(fn, depth);
    if (!name) return null;
    const mapped = CALL_RESULT_TYPES.get(name);
    if (mapped) return mapped;
    const local = this.definitions.get(name);
    if (local) {
      if ('methods' in local) return local.qualifiedName;
      if (this.makesAsyncContextManager(name)) return ASYNC_GENERATOR_CONTEXT_MANAGER;
      if (this.makesAsyncGenerator(name)) return ASYNC_GENERATOR;
      return 'isAsync' in local ? this.annotatedResult(local) : null;
    }
    if (name.startsWith('builtins.') && name !== 'builtins.open') return null;
    // A function or class of another project module: what its summary says calling it gives.
    const remote = this.projectIndex?.resolve(name);
    if (remote?.kind === 'class') return remote.qualifiedName;
    if (remote?.kind === 'function') {
      if (remote.summary.kind === 'async-context-manager') return ASYNC_GENERATOR_CONTEXT_MANAGER;
      if (remote.summary.kind === 'async-generator') return ASYNC_GENERATOR;
      return remote.summary.kind === 'sync' && remote.summary.result ? this.canonical(remote.summary.result) : null;
    }
    // Calling something imported: assume a constructor, so the value is "an instance of" that name.
    return name;
  }

  protected identifierType(identifier: Node, depth: number): string | null {
    const found = this.scopes.lookup(identifier.text, this.scopes.scopeOf(identifier));
    if (!found) return null;
    return this.agreedType(`${found.scope.node.id}:${identifier.text}`, found.bindings, (binding) => this.bindingType(binding, found.scope, depth));
  }

  /** Names (`scope:name`) and attributes (`Class#name`) whose type is being computed, with the type assumed
   *  meanwhile for values that refer back to them (null until the other values agree on one). */
  protected readonly typesInProgress = new Map<string, string | null>();
  /** The keys of typesInProgress that a computation asked about since the key was last cleared. */
  protected readonly cyclesHit = new Set<string>();

  /** The one type all of a name's (or attribute's) values agree on; null when one is unknown or two differ.
   *  The model is flow-insensitive, so a value computed from the name itself (`p = p.with_suffix(".txt")`,
   *  `p = p / "sub"`, `p /= "sub"`) gets the type the other values agree on, and must then give that type
   *  too: `p = Path(x)` and `p = p.parent` make a path, `p = Path(x)` and `p = p.read_text()` nothing known. */
  protected agreedType<T>(key: string, values: readonly T[], typeOfValue: (value: T) => string | null): string | null {
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

  protected bindingType(binding: Binding, scope: Scope, depth: number): string | null {
    if (binding.kind === 'opaque' && binding.element) return this.elementType(binding.element.value, binding.element.index, depth);
    if (binding.kind === 'opaque' && binding.augmented) return this.augmentedType(binding.augmented, depth);
    // `from app.db import db`: a module-level instance of another project module, as its summary says.
    if (binding.kind === 'import') {
      const type = this.projectIndex?.variableType(binding.qualifiedName);
      return type ? this.canonical(type) : null;
    }
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
  protected augmentedType(assignment: Node, depth: number): string | null {
    if (assignment.childForFieldName('operator')?.text !== '/=') return null;
    const target = assignment.childForFieldName('left');
    const type = target ? this.computeType(target, depth + 1) : null;
    return type === 'pathlib.Path' ? type : null;
  }

  /** The type of one element of a value that is unpacked: of `await asyncio.open_connection(...)`, a pair
   *  (reader, writer). */
  protected elementType(value: Node, index: number, depth: number): string | null {
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
  protected calledName(fn: Node, depth: number): string | null {
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
  protected annotationType(annotation: Node, depth: number): string | null {
    const members = this.annotationMembers(annotation, depth);
    if (!members || members.length === 0) return null;
    let agreed: string | null = null;
    for (let expr of members) {
      if (expr.type === 'generic_type') expr = expr.namedChildren[0] ?? expr;
      else if (expr.type === 'subscript') expr = expr.childForFieldName('value') ?? expr;
      const type = expr.type === 'identifier' || expr.type === 'attribute' ? this.computeQualifiedName(expr, depth + 1)
        : expr.type === 'string' ? this.forwardReferenceType(expr) : null;
      if (!type || (agreed && agreed !== type)) return null;
      agreed = type;
    }
    return agreed;
  }

  /** Is this type a class (a local one, or a name in CapWords as classes are), not a function named after
   *  what it returns? */
  protected namesClass(type: string): boolean {
    const local = this.definitions.get(type);
    return local ? 'methods' in local : /^[A-Z]/.test(lastPart(type));
  }

  /** A forward reference (`"aiohttp.ClientSession"`, `'Pool'`): the dotted name in the string, resolved where
   *  the annotation is. Anything more complex in a string stays unknown. */
  protected forwardReferenceType(annotation: Node): string | null {
    const text = /^[rRuU]?(['"])([A-Za-z_][\w.]*)\1$/.exec(annotation.text)?.[2];
    if (!text) return null;
    const [first, ...rest] = text.split('.');
    const found = this.scopes.lookup(first, this.scopes.scopeOf(annotation));
    const binding = found?.bindings.length === 1 ? found.bindings[0] : undefined;
    let base: string | null | undefined = null;
    if (binding?.kind === 'import') base = binding.qualifiedName;
    else if (binding?.kind === 'class') base = this.classesByNodeId.get(binding.node.id)?.qualifiedName;
    return base ? [base, ...rest].join('.') : null;
  }

  /** The members of an annotation's union other than `None`; null when the annotation is too deep to read. */
  protected annotationMembers(expr: Node, depth: number): Node[] | null {
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
    // `ClassVar[X]`, `Final[X]`, `Annotated[X, ...]` declare an X.
    if (headName && QUALIFIER_FORMS.has(headName) && parameters.length > 0) return this.annotationMembers(parameters[0], depth + 1);
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

  /** The type of `obj.attribute` for an instance of a local class: what its annotations declare (`session:
   *  ClientSession` in the class body, `self._pool: asyncpg.Pool | None = None`), else the one type every value
   *  assigned to it agrees on (`self._session = aiohttp.ClientSession()` in `__init__`). Values of local
   *  subclasses count too. Unknown when the values disagree, one is unknown (without an annotation), or an
   *  annotated attribute is assigned a value known to be of another type. */
  protected attributeType(cls: ClassInfo, attribute: string, depth: number): string | null {
    if (cls.opaqueAttributes.has(attribute)) return null;
    const own = cls.attributeValues.get(attribute);
    const ownAnnotations = cls.attributeAnnotations.get(attribute);
    if (!own && !ownAnnotations) {
      for (const base of cls.bases) {
        const baseClass = this.localClass(base);
        const type = baseClass ? this.attributeType(baseClass, attribute, depth + 1) : this.remoteAttributeType(base, attribute);
        if (type) return type;
      }
      return null;
    }
    // The object may be an instance of a local subclass that sets the attribute to something else
    // (`Base.start` sets an AsyncConn, `Sub.start` a SyncConn): its values count too.
    const subclasses = this.localSubclasses(cls);
    if (subclasses.some((sub) => sub.opaqueAttributes.has(attribute))) return null;
    const values = [...(own ?? []), ...subclasses.flatMap((sub) => sub.attributeValues.get(attribute) ?? [])];
    const annotations = [...(ownAnnotations ?? []), ...subclasses.flatMap((sub) => sub.attributeAnnotations.get(attribute) ?? [])];
    // `self.session = None` in `__init__`, `self.session = ClientSession()` in `start()`: None has no
    // attributes, so wherever the attribute is used as a value of the other type (`self.session.close()`), it
    // is one, as for an `Optional[X]` annotation. (`self.root = self.root / "sub"` refers back to the attribute.)
    const notNone = values.filter((value) => value.type !== 'none');
    const key = `${cls.qualifiedName}#${attribute}`;
    if (annotations.length === 0) return this.agreedType(key, notNone, (value) => this.computeType(value, depth + 1));
    return this.declaredAttributeType(key, annotations, notNone, depth);
  }

  /** The type a base class of another project module gives the attribute (`self.client = Client()` in its
   *  `__init__`), as its module's summary says. */
  private remoteAttributeType(base: Node, attribute: string): string | null {
    const index = this.projectIndex;
    const name = index ? this.qualifiedName(base.type === 'subscript' ? base.childForFieldName('value') ?? base : base) : null;
    const remote = name ? index!.classNamed(name) : null;
    const type = remote ? index!.attributeType(remote, attribute) : null;
    return type ? this.canonical(type) : null;
  }

  /** The type a property gives (`@property def session(self) -> ClientSession`, or what all its returns agree
   *  on: `return self._session`), when the class or its local bases define it as one and no local subclass
   *  overrides it with anything else. */
  protected propertyType(cls: ClassInfo, attribute: string, depth: number): string | null {
    const property = this.findMember(cls, attribute);
    if (typeof property !== 'object' || !this.isProperty(property)) return null;
    const overrides = this.localSubclasses(cls).flatMap((sub) => {
      const found = this.findMember(sub, attribute);
      return found === property ? [] : [found];
    });
    if (overrides.some((found) => typeof found !== 'object' || !this.isProperty(found))) return null;
    const getters = [property, ...(overrides as FunctionInfo[])];
    return this.agreedType(`${cls.qualifiedName}#${attribute}()`, getters, (getter) => this.getterType(getter, depth + 1));
  }

  /** What a getter returns: its return annotation, else the one type its `return` values agree on. */
  protected getterType(getter: FunctionInfo, depth: number): string | null {
    if (getter.isAsync || getter.isGenerator) return null;
    const annotation = getter.node.childForFieldName('return_type');
    if (annotation) return this.annotationType(annotation, depth + 1);
    const values = getter.node.descendantsOfType('return_statement')
      .filter((r): r is Node => !!r && this.enclosingFunction(r) === getter)
      .map((r) => r.namedChildren.find((c) => c?.type !== 'comment') ?? null);
    if (values.length === 0 || values.some((v) => v === null)) return null;
    const notNone = (values as Node[]).filter((v) => v.type !== 'none');
    return this.agreedType(`${getter.qualifiedName}()`, notNone, (value) => this.computeType(value, depth + 1));
  }

  /** The type the annotations of an attribute agree on, unless a value assigned to it is known to be an
   *  instance of another class (a test double, a sync client assigned by a subclass). A value of unknown type
   *  (`self._pool = pool`, an unannotated parameter) or made by a function (`self._session = make_session()`,
   *  `field(default=None)`: the model names such values after the function) takes the declared type. */
  protected declaredAttributeType(key: string, annotations: readonly Node[], values: readonly Node[], depth: number): string | null {
    if (this.typesInProgress.has(key)) return this.typesInProgress.get(key) ?? null;
    let declared: string | null = null;
    for (const annotation of annotations) {
      const type = this.annotationType(annotation, depth + 1);
      if (!type || (declared && declared !== type)) return null;
      declared = type;
    }
    if (!declared) return null;
    // A value computed from the attribute itself (`self.root = self.root / "sub"`) sees the declared type.
    this.typesInProgress.set(key, declared);
    try {
      return values.every((value) => {
        const type = this.computeType(value, depth + 1);
        return type === null || type === declared || !this.namesClass(type);
      }) ? declared : null;
    } finally {
      this.typesInProgress.delete(key);
    }
  }

  /** The type of `instance.name` as the class's own code sets it (what a module summary tells others). */
  attributeTypeOf(cls: ClassInfo, name: string): string | null {
    return this.attributeType(cls, name, 0);
  }

  /** The class the value of a name or expression is an instance of, when the model knows one that names a
   *  class of its own. */
  instanceType(expr: Node): string | null {
    const type = this.typeOf(expr);
    return type && this.namesOwnClass(type) ? type : null;
  }

  /** The class a call of a sync function or method gives, as its return annotation names it (`def
   *  make_client() -> Client`, `-> Optional["Client"]`); null for no annotation, a generator, or a type that
   *  names no class of its own (`-> dict`, `-> Awaitable[T]`). The annotation is the author's word; the return
   *  values are not read (a factory may return a subclass, or a test double). */
  annotatedResult(fn: FunctionInfo): string | null {
    if (fn.isAsync || fn.isGenerator || fn.isLambda) return null;
    const annotation = fn.node.childForFieldName('return_type');
    const type = annotation ? this.annotationType(annotation, 0) : null;
    return type && this.namesOwnClass(type) ? type : null;
  }

  /** A class whose members we could know: not `typing.Any`, a builtin or a function's made-up result name. */
  private namesOwnClass(type: string): boolean {
    return this.namesClass(type) && !NOT_A_CLASS_OF_ITS_OWN.test(type);
  }

  /** What a sync function returns: its return annotation's type, else the type all its `return` values agree on. */
  returnType(fn: FunctionInfo): string | null {
    const annotation = fn.node.childForFieldName('return_type');
    if (annotation) return this.annotationType(annotation, 0);
    const values = fn.node.descendantsOfType('return_statement')
      .filter((r): r is Node => !!r && this.enclosingFunction(r) === fn)
      .map((r) => r.namedChildren.find((c) => c?.type !== 'comment'));
    if (values.length === 0 || values.some((value) => !value)) return null;
    return this.agreedType(`return#${fn.qualifiedName}`, values as Node[], (value) => this.computeType(value, 1));
  }

  protected abstract makesAsyncContextManager(qualifiedName: string): boolean;
  protected abstract makesAsyncGenerator(qualifiedName: string): boolean;
  protected abstract entersAsItself(cls: ClassInfo): boolean;
}
