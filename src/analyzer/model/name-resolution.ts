// How names resolve: what an expression names as a qualified name (`t.sleep` → `time.sleep`), through the
// module's bindings and imports, its classes' members, and (for `obj.attr`) the type of the object.
import type { Node } from 'web-tree-sitter';
import { INERT_BASE_CLASSES, STAR_EXPORTED_BUILTINS, STAR_IMPORTED_NAMES, ATTRIBUTE_TYPES } from './known-apis.js';
import { ModuleFacts, type ClassInfo } from './module-facts.js';
import { ProjectIndex } from '../project/project-index.js';

export const MAX_INFERENCE_DEPTH = 16;

export const OVERLOAD_DECORATORS = new Set(['typing.overload', 'typing_extensions.overload']);

/** Decorators that make a method a property: reading the attribute calls it. */
export const PROPERTY_DECORATORS = new Set(['builtins.property', 'functools.cached_property']);

export abstract class NameResolution extends ModuleFacts {
  protected readonly qualifiedCache = new Map<string, string | null>();
  protected readonly calleeCache = new Map<number, string | null>();
  private indexOfProject?: ProjectIndex | null;

  /** What the project's other modules define (their summaries), when the analysis has them. */
  get projectIndex(): ProjectIndex | null {
    if (this.indexOfProject === undefined) this.indexOfProject = this.project.index ? ProjectIndex.of(this.project.index, this.project.indexScope) : null;
    return this.indexOfProject;
  }

  /** A name imported from a project module, as the index follows it: where it is defined (`pkg.fetch`
   *  re-exported by `pkg/__init__.py` is `pkg.db.fetch`), or the outside name it re-exports. */
  protected canonical(name: string): string {
    return this.projectIndex?.canonicalName(name) ?? name;
  }

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
  protected cacheKey(expr: Node): string {
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
    let answer = this.importedFrom.get(moduleName);
    if (answer === undefined) {
      answer = false;
      for (const bindings of this.scopes.module.bindings.values()) {
        if (bindings.some((b) => b.kind === 'import' && (b.qualifiedName === moduleName || b.qualifiedName.startsWith(`${moduleName}.`)))) {
          answer = true;
          break;
        }
      }
      this.importedFrom.set(moduleName, answer);
    }
    return answer;
  }

  private readonly importedFrom = new Map<string, boolean>();



  // ---------------------------------------------------------------- inference

  protected computeQualifiedName(expr: Node, depth: number): string | null {
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
        if (!local) {
          if (!this.namesTypedValueElsewhere(objectName)) return this.canonical(`${objectName}.${attribute}`);
        } else if (!this.isProperty(local)) return null;
        // `self.session.close`, `inner.client.fetch`: the object names a property (or an instance) whose value
        // has a type of its own, found below.
      }
      const type = this.computeType(object, depth + 1);
      if (!type) return null;
      const cls = this.definitions.get(type);
      if (cls && 'methods' in cls) return this.memberQualifiedName(cls, attribute);
      return this.definitions.has(type) ? null : this.canonical(`${type}.${attribute}`);
    }
    return null;
  }

  /** Does the name stand, in another project module, for a value of a type the index knows: a property of a
   *  class there (`inner.client`, a property returning `Client`), or a module-level instance (`from app.db
   *  import db`)? Its members are then that type's. */
  private namesTypedValueElsewhere(name: string): boolean {
    const index = this.projectIndex;
    if (!index) return false;
    const remote = index.resolve(name);
    return (remote?.kind === 'function' && !!remote.summary.returns) || index.variableType(name) !== null;
  }

  /** Is `object.attribute` assigned somewhere (`client.get = Mock()`, `asyncio.sleep = fake`) with `object`
   *  naming the same variable? Then the attribute may hold that value instead of what the object's type defines. */
  protected isPatchedAttribute(object: Node, attribute: string): boolean {
    const objects = this.patchedAttributes.get(`${object.text}.${attribute}`);
    if (!objects) return false;
    const scope = this.scopes.lookup(object.text, this.scopes.scopeOf(object))?.scope;
    return objects.some((patched) => this.scopes.lookup(patched.text, this.scopes.scopeOf(patched))?.scope === scope);
  }

  protected memberQualifiedName(cls: ClassInfo, attribute: string): string | null {
    const member = this.findMember(cls, attribute);
    if (member === undefined && !this.assignsAttribute(cls, attribute)) {
      // Defined by a base class in another module of the project?
      const inherited = this.projectIndex ? this.inheritedFromProject(cls, attribute) : undefined;
      if (inherited !== undefined) return inherited;
      return this.nestedClass(cls, attribute)?.qualifiedName ?? null;
    }
    if (!member || member === 'attribute' || this.assignsAttribute(cls, attribute)) return null;
    return member.qualifiedName;
  }

  /** `Outer.Inner`, `self.Inner`: the class a `class Inner:` statement defines in the body of the class or of
   *  a local base (in MRO order), when nothing else binds the name there and no local subclass binds it too
   *  (`self.Inner` may be the subclass's). */
  protected nestedClass(cls: ClassInfo, name: string): ClassInfo | null {
    const found = this.lookupNestedClass(cls, name, new Set());
    if (!found) return null;
    const rebound = this.classes.some((other) => other !== cls && other.scope.bindings.has(name) && this.inheritsFrom(other, cls));
    return rebound ? null : found;
  }

  /** Undefined when no class on the way binds the name; null when one binds it to something else, or a base we
   *  cannot see comes first. */
  protected lookupNestedClass(cls: ClassInfo, name: string, seen: Set<ClassInfo>): ClassInfo | null | undefined {
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

  protected qualifiedNameOfIdentifier(identifier: Node): string | null {
    const found = this.scopes.lookup(identifier.text, this.scopes.scopeOf(identifier));
    // After `from aiofiles import *`, `open` may be aiofiles.open.
    if (!found) {
      if (this.starImports.length === 0) return `builtins.${identifier.text}`;
      // `from .models import *`, every starred module a project module we have read: the one that binds it.
      const fromProject = this.projectIndex?.starImported(this.starImports, identifier.text);
      if (fromProject !== undefined) return fromProject;
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
    if (imported && imports.every((b) => b.kind === 'import' && b.qualifiedName === imported)) return this.canonical(imported);
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

  protected localClass(expr: Node): ClassInfo | undefined {
    const name = this.qualifiedName(expr);
    const found = name ? this.definitions.get(name) : undefined;
    return found && 'methods' in found ? found : undefined;
  }

  protected isOverloadStub(definition: Node): boolean {
    const fn = this.functionsByNodeId.get(definition.id);
    return fn !== undefined && fn.decorators.some((d) => OVERLOAD_DECORATORS.has(decoratorName(d, this) ?? ''));
  }

  /** Is the local function a property (`@property`, `@functools.cached_property`)? Reading it gives a value. */
  protected isProperty(fn: import('./module-facts.js').FunctionInfo): boolean {
    return fn.decorators.some((decorator) => PROPERTY_DECORATORS.has(decoratorName(decorator, this) ?? ''));
  }

  /** The type of an expression's value (see TypeInference): `obj.attr` names a member of obj's type. */
  protected abstract computeType(expr: Node, depth: number): string | null;

  /** A method or attribute of a local class, searching local base classes (see ClassHierarchy). */
  abstract findMember(cls: ClassInfo, name: string): import('./module-facts.js').FunctionInfo | 'attribute' | undefined;

  protected abstract assignsAttribute(cls: ClassInfo, name: string, seen?: Set<ClassInfo>): boolean;

  /** A member a local class inherits from a class of another project module: its qualified name; null when
   *  it is an attribute or a base we cannot see comes first; undefined when the project does not define it. */
  protected abstract inheritedFromProject(cls: ClassInfo, name: string): string | null | undefined;

  protected abstract inheritsFrom(cls: ClassInfo, ancestor: ClassInfo, seen?: Set<ClassInfo>): boolean;
}

/** The qualified name of a decorator (`@functools.wraps(f)` → `functools.wraps`). */
export function decoratorName(decorator: Node, model: NameResolution): string | null {
  let expr = decorator.namedChildren[0];
  if (expr?.type === 'call') expr = expr.childForFieldName('function');
  return expr ? model.qualifiedName(expr) : null;
}
