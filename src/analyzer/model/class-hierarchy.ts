// Class hierarchies within the module: where a member is found (a simple MRO over local bases), which local
// subclasses may override it, and whether a base we cannot see comes first (then the answer is unknown).
import type { Node } from 'web-tree-sitter';
import { INERT_BASE_CLASSES } from './known-apis.js';
import type { ClassInfo, FunctionInfo } from './module-facts.js';
import { NameResolution, decoratorName } from './name-resolution.js';

/** A class some class derives from: its qualified name, and its methods' names when it is the project's (null
 *  for a class outside the project, whose methods the model does not know). */
export interface Ancestor {
  qualifiedName: string;
  methods: ReadonlySet<string> | null;
}

export interface Ancestry {
  ancestors: Ancestor[];
  complete: boolean;
}

/** `class C(Base, metaclass=Meta)`. */
function hasMetaclass(classNode: Node): boolean {
  return classNode.childForFieldName('superclasses')?.namedChildren.some((argument) => argument?.type === 'keyword_argument' && argument.childForFieldName('name')?.text === 'metaclass') ?? false;
}

/** Without an index: is the name one of this project's (its top package is the module's own)? */
function isProjectName(qualifiedName: string, moduleName: string): boolean {
  return qualifiedName.split('.')[0] === moduleName.split('.')[0];
}

export abstract class ClassHierarchy extends NameResolution {
  protected inheritedFromProject(cls: ClassInfo, name: string, seen = new Set<ClassInfo>()): string | null | undefined {
    if (seen.has(cls)) return undefined;
    seen.add(cls);
    if (cls.methods.has(name) || cls.attributeValues.has(name) || cls.opaqueAttributes.has(name)) return null; // local: not ours to answer
    const index = this.projectIndex!;
    for (const base of cls.bases) {
      const local = this.localClass(base);
      if (local) {
        const found = this.inheritedFromProject(local, name, seen);
        if (found !== undefined) return found;
        continue;
      }
      const baseName = this.qualifiedName(base.type === 'subscript' ? base.childForFieldName('value') ?? base : base);
      if (baseName && INERT_BASE_CLASSES.has(baseName)) continue;
      const remote = baseName ? index.classNamed(baseName) : null;
      if (!remote) return null;
      const member = index.member(remote, name);
      if (member === undefined) continue;
      return member?.kind === 'function' ? member.qualifiedName : null;
    }
    return undefined;
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
  protected lookupMember(cls: ClassInfo, name: string, seen = new Set<ClassInfo>()): FunctionInfo | 'attribute' | 'unknown' | undefined {
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
  protected hasIncompatibleOverride(fn: FunctionInfo, compatible: (override: FunctionInfo, model: NameResolution) => boolean): boolean {
    const owner = fn.ownerClass;
    if (!owner) return false;
    return this.localSubclasses(owner).some((cls) => {
      const override = cls.methods.get(fn.name);
      if (cls.attributeValues.has(fn.name) || cls.opaqueAttributes.has(fn.name) || (override !== undefined && !compatible(override, this))) return true;
      const found = this.lookupMember(cls, fn.name);
      return found === 'attribute' || (typeof found === 'object' && found !== fn && !compatible(found, this));
    });
  }

  protected readonly subclassesOf = new Map<ClassInfo, ClassInfo[]>();

  /** The module's classes that inherit from `cls`, directly or not (asked once per class). */
  protected localSubclasses(cls: ClassInfo): ClassInfo[] {
    let subclasses = this.subclassesOf.get(cls);
    if (!subclasses) this.subclassesOf.set(cls, (subclasses = this.classes.filter((other) => other !== cls && this.inheritsFrom(other, cls))));
    return subclasses;
  }

  private readonly localBases = new Map<ClassInfo, (ClassInfo | undefined)[]>();

  /** The class's bases as local classes (undefined for one defined elsewhere), resolved once per class: every
   *  method's summary asks which local classes inherit from its class. */
  private localBasesOf(cls: ClassInfo): (ClassInfo | undefined)[] {
    let bases = this.localBases.get(cls);
    if (!bases) this.localBases.set(cls, (bases = cls.bases.map((base) => this.localClass(base))));
    return bases;
  }

  protected inheritsFrom(cls: ClassInfo, ancestor: ClassInfo, seen = new Set<ClassInfo>()): boolean {
    if (seen.has(cls)) return false;
    seen.add(cls);
    return this.localBasesOf(cls).some((baseClass) => baseClass === ancestor || (baseClass !== undefined && this.inheritsFrom(baseClass, ancestor, seen)));
  }

  /** Can one instance be of both local classes (one inherits from the other, or a local class from both)? Only
   *  then may `self.run()` in one of them reach the other's `run`. */
  mayShareInstances(a: ClassInfo, b: ClassInfo): boolean {
    return a === b || this.inheritsFrom(a, b) || this.inheritsFrom(b, a) || this.classes.some((c) => this.inheritsFrom(c, a) && this.inheritsFrom(c, b));
  }

  /** Is `name` assigned as an attribute (`self.name = ...`, or in the class body) in the class or its local
   *  bases? An instance attribute hides a method of the same name. */
  protected assignsAttribute(cls: ClassInfo, name: string, seen = new Set<ClassInfo>()): boolean {
    if (seen.has(cls)) return false;
    seen.add(cls);
    if (cls.attributeValues.has(name) || cls.opaqueAttributes.has(name)) return true;
    return cls.bases.some((base) => {
      const baseClass = this.localClass(base);
      return baseClass !== undefined && this.assignsAttribute(baseClass, name, seen);
    });
  }

  /** Does the class derive from a class `accept` takes (by qualified name), through its local bases and the
   *  project's classes in other modules? A base that cannot be followed counts as no. */
  derivesFrom(cls: ClassInfo, accept: (qualifiedName: string) => boolean): boolean {
    return this.ancestry(cls).ancestors.some((ancestor) => accept(ancestor.qualifiedName));
  }

  /** Every class the class derives from: this module's and the project's (with their methods' names), and the
   *  outside classes their bases name (`unittest.TestCase`, methods unknown: null). `complete`: every base was
   *  followed, and no class on the way has a metaclass (which may change what its methods are). */
  ancestry(cls: ClassInfo): Ancestry {
    let known = this.ancestries.get(cls);
    if (!known) {
      known = { ancestors: [], complete: true };
      this.collectAncestors(cls, known, new Set());
      this.ancestries.set(cls, known);
    }
    return known;
  }

  private readonly ancestries = new Map<ClassInfo, Ancestry>();

  private collectAncestors(cls: ClassInfo, into: Ancestry, seen: Set<string>): void {
    if (hasMetaclass(cls.node)) into.complete = false;
    for (const base of cls.bases) {
      const local = this.localClass(base);
      if (local) {
        if (seen.has(local.qualifiedName)) continue;
        seen.add(local.qualifiedName);
        into.ancestors.push({ qualifiedName: local.qualifiedName, methods: new Set(local.methods.keys()) });
        this.collectAncestors(local, into, seen);
        continue;
      }
      const name = this.qualifiedName(base.type === 'subscript' ? base.childForFieldName('value') ?? base : base);
      if (name === null) into.complete = false;
      else if (this.projectIndex) this.projectIndex.collectAncestors(name, into, seen);
      else if (!seen.has(name)) {
        // Without the index a base from another module of the project is only a name: its own bases are unknown.
        seen.add(name);
        into.ancestors.push({ qualifiedName: name, methods: null });
        into.complete &&= !name.includes('.') || !isProjectName(name, this.moduleName);
      }
    }
  }

  protected hasMember(cls: ClassInfo, name: string): boolean {
    return this.findMember(cls, name) !== undefined;
  }

  protected isStaticMethod(fn: FunctionInfo): boolean {
    return fn.decorators.some((d) => decoratorName(d, this) === 'builtins.staticmethod');
  }
}
