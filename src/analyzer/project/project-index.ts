// Answers questions about names defined in other modules of the project, from their summaries: what
// `billing.fetch_invoice` really is (following re-exports through `__init__.py` and star imports), the members
// of a class across modules (its bases' too), and whether a sync helper blocks or starts an event loop through
// a short chain of calls. Anything it cannot follow is unknown (null), and unknown stays silent.
import { INERT_BASE_CLASSES, LOOP_STARTERS } from '../model/known-apis.js';
import type { Ancestry } from '../model/class-hierarchy.js';
import type { ClassSummary, FunctionSummary, IndexedModule, ModuleSummary, ProjectIndexData } from './summary.js';

/** How far re-exports and bases are followed. */
const MAX_HOPS = 12;
/** How many helpers a blocking or loop-starting chain may pass through (`a() → b() → time.sleep()`). */
export const MAX_CHAIN = 3;

export interface FunctionTarget {
  kind: 'function';
  /** Where it is defined: `billing.db.fetch_invoice`, `billing.client.Base.get`. */
  qualifiedName: string;
  module: string;
  path: string;
  summary: FunctionSummary;
}

export interface ClassTarget {
  kind: 'class';
  qualifiedName: string;
  module: string;
  path: string;
  summary: ClassSummary;
}

/** A name the index follows out of the project (`time.sleep` re-exported by `utils`). */
export interface OutsideTarget {
  kind: 'outside';
  qualifiedName: string;
}

export type Target = FunctionTarget | ClassTarget | OutsideTarget;

/** A member found on a class: a method, or an attribute (with its type when known). */
export type Member = FunctionTarget | { kind: 'attribute'; type: string | null };

/** A chain of sync calls from a helper to where it blocks (or starts a loop). */
export interface CallChain {
  /** The helpers' qualified names, the called one first. */
  helpers: string[];
  /** What blocks at the end (`time.sleep`), where (`billing/retry.py`, 1-based line). */
  call: string;
  path: string;
  line: number;
}

export class ProjectIndex {
  private readonly resolved = new Map<string, Target | null>();

  constructor(
    private readonly moduleAt: (name: string) => IndexedModule | undefined,
    /** Every module the index holds (for coroutineLastNames). */
    private readonly modules: () => Iterable<IndexedModule>,
  ) {}

  private static readonly byData = new WeakMap<ProjectIndexData, Map<string | undefined, ProjectIndex>>();

  /** The index as a checked file under `scope` (its isolated root, if any: ProjectIndexData.scopes) sees it:
   *  one per data object and scope, shared by a run's files. A module under another isolated root is unknown. */
  static of(data: ProjectIndexData, scope?: string): ProjectIndex {
    let byScope = ProjectIndex.byData.get(data);
    if (!byScope) ProjectIndex.byData.set(data, (byScope = new Map()));
    let index = byScope.get(scope);
    if (!index) {
      const visible = (module: IndexedModule | undefined) => (module && (module.scope === undefined || module.scope === scope) ? module : undefined);
      const moduleAt = (name: string) => visible(Object.hasOwn(data.modules, name) ? data.modules[name] : undefined);
      byScope.set(scope, (index = new ProjectIndex(moduleAt, () => Object.values(data.modules).filter((module) => visible(module)))));
    }
    return index;
  }

  /** This index with one more module seen first (the module being analyzed, for its own helpers). */
  with(name: string, module: IndexedModule): ProjectIndex {
    return new ProjectIndex((asked) => (asked === name ? module : this.moduleAt(asked)), () => [module, ...this.modules()]);
  }

  private lastNames?: Set<string>;

  /** The names a call of a project coroutine may end in (`client.fetch(...)`): every coroutine function's and
   *  method's name, and every name a module imports (a re-export may rename). A cheap filter before resolving. */
  coroutineLastNames(): ReadonlySet<string> {
    if (!this.lastNames) {
      this.lastNames = new Set();
      const add = (functions: Record<string, FunctionSummary>) => {
        for (const [name, fn] of Object.entries(functions)) if (fn.kind === 'coroutine') this.lastNames!.add(name);
      };
      for (const { summary } of this.modules()) {
        add(summary.functions);
        for (const cls of Object.values(summary.classes)) add(cls.methods);
        for (const name of Object.keys(summary.imports)) this.lastNames.add(name);
      }
    }
    return this.lastNames;
  }

  /** The project module a qualified name lies in (the longest known prefix) and the rest of the name. */
  private split(qualifiedName: string): { module: string; indexed: IndexedModule; rest: string[] } | null {
    const parts = qualifiedName.split('.');
    for (let length = parts.length; length > 0; length--) {
      const module = parts.slice(0, length).join('.');
      const indexed = this.moduleAt(module);
      if (indexed) return { module, indexed, rest: parts.slice(length) };
    }
    return null;
  }

  /** What a qualified name is, following re-exports; null when it leads into the project but not to a
   *  definition we know (an assignment, a name bound twice, a module we could not read). */
  resolve(qualifiedName: string, hops = 0): Target | null {
    if (hops === 0) {
      const cached = this.resolved.get(qualifiedName);
      if (cached !== undefined) return cached;
      this.resolved.set(qualifiedName, null); // import cycles
    }
    const target = hops > MAX_HOPS ? null : this.compute(qualifiedName, hops);
    if (hops === 0) this.resolved.set(qualifiedName, target);
    return target;
  }

  private compute(qualifiedName: string, hops: number): Target | null {
    const found = this.split(qualifiedName);
    if (!found) return { kind: 'outside', qualifiedName };
    const { module, indexed, rest } = found;
    const { summary, path } = indexed;
    const [name, ...more] = rest;
    if (name === undefined) return null; // a module itself
    const fn = Object.hasOwn(summary.functions, name) ? summary.functions[name] : undefined;
    if (fn) return more.length === 0 ? { kind: 'function', qualifiedName: `${module}.${name}`, module, path, summary: fn } : null;
    const cls = Object.hasOwn(summary.classes, name) ? summary.classes[name] : undefined;
    if (cls) {
      const classTarget: ClassTarget = { kind: 'class', qualifiedName: `${module}.${name}`, module, path, summary: cls };
      if (more.length === 0) return classTarget;
      if (more.length > 1) return null;
      const member = this.member(classTarget, more[0]!, hops + 1);
      return member?.kind === 'function' ? member : null;
    }
    if (Object.hasOwn(summary.imports, name)) return this.resolve([summary.imports[name], ...more].join('.'), hops + 1);
    if (summary.opaque.includes(name)) return null;
    // `from .models import *`: the one star-imported project module that binds the name.
    const binding = summary.starImports.filter((star) => {
      const starred = this.moduleAt(star)?.summary;
      return starred !== undefined && binds(starred, name);
    });
    if (binding.length === 0 || !summary.starImports.every((star) => this.moduleAt(star))) return null;
    // Several star-imported modules bind it: known when they all mean the same thing (jupyterhub's handlers
    // package star-imports `base`, which defines BaseHandler, and `login`, which imports it from `base`).
    const targets = binding.map((star) => this.resolve([star, ...rest].join('.'), hops + 1));
    const first = targets[0];
    return first && targets.every((target) => target?.qualifiedName === first.qualifiedName) ? first : null;
  }

  /** The class of a module-level instance (`db = Database()` in app/db.py, for `app.db.db`), following
   *  re-exports; null when the index does not know one. */
  variableType(qualifiedName: string): string | null {
    // Asked of every imported name whose type a rule wants: answered once per name.
    let type = this.variableTypes.get(qualifiedName);
    if (type === undefined) {
      type = this.followVariable(qualifiedName, 0);
      this.variableTypes.set(qualifiedName, type);
    }
    return type;
  }

  private readonly variableTypes = new Map<string, string | null>();

  private followVariable(qualifiedName: string, hops: number): string | null {
    const found = hops > MAX_HOPS ? null : this.split(qualifiedName);
    if (!found || found.rest.length !== 1) return null;
    const [name] = found.rest as [string];
    const { summary } = found.indexed;
    if (Object.hasOwn(summary.imports, name)) return this.followVariable(summary.imports[name]!, hops + 1);
    return summary.variables && Object.hasOwn(summary.variables, name) ? summary.variables[name]! : null;
  }

  /** The name a qualified name stands for: where it is defined in the project, or the outside name it
   *  re-exports; the name itself when the index cannot follow it. */
  canonicalName(qualifiedName: string): string {
    const target = this.resolve(qualifiedName);
    return target ? target.qualifiedName : qualifiedName;
  }

  /** What a name not bound in a module means after its `from m import *` statements, when every starred
   *  module is a project module we have read: what the one that binds it defines (null when several do);
   *  undefined when none binds it, or when a starred module is not one of ours. */
  starImported(modules: readonly string[], name: string): string | null | undefined {
    const summaries = modules.map((module) => this.moduleAt(module)?.summary);
    if (summaries.some((summary) => summary === undefined)) return undefined;
    const binding = modules.filter((_, i) => binds(summaries[i]!, name));
    if (binding.length === 0) return undefined;
    return binding.length === 1 ? this.canonicalName(`${binding[0]}.${name}`) : null;
  }

  /** A project class by qualified name (after re-exports). */
  classNamed(qualifiedName: string): ClassTarget | null {
    const target = this.resolve(qualifiedName);
    return target?.kind === 'class' ? target : null;
  }

  /** A project function (or method) by qualified name (after re-exports). */
  functionNamed(qualifiedName: string): FunctionTarget | null {
    const target = this.resolve(qualifiedName);
    return target?.kind === 'function' ? target : null;
  }

  /** A member of a project class, searching its bases in order (a simple MRO); undefined when no class in the
   *  hierarchy defines it, null when a base we cannot see comes first (it might). */
  member(cls: ClassTarget, name: string, hops = 0, seen = new Set<string>()): Member | null | undefined {
    if (hops > MAX_HOPS || seen.has(cls.qualifiedName)) return undefined;
    seen.add(cls.qualifiedName);
    const method = Object.hasOwn(cls.summary.methods, name) ? cls.summary.methods[name] : undefined;
    if (method) return { kind: 'function', qualifiedName: `${cls.qualifiedName}.${name}`, module: cls.module, path: cls.path, summary: method };
    if (Object.hasOwn(cls.summary.attributes, name)) return { kind: 'attribute', type: cls.summary.attributes[name] ?? null };
    for (const base of cls.summary.bases) {
      if (base === null) return null;
      const target = this.resolve(base, hops + 1);
      if (target?.kind === 'class') {
        const found = this.member(target, name, hops + 1, seen);
        if (found !== undefined) return found;
      } else if (!INERT_BASE_CLASSES.has(target?.qualifiedName ?? base)) return null;
    }
    return undefined;
  }

  /** Adds the class named, and the classes it derives from, to `into` (see SemanticModel.ancestry): a project
   *  class with its methods' names, following re-exports and bases across modules; an outside class as a leaf.
   *  A name the index cannot follow leaves the ancestry incomplete. */
  collectAncestors(qualifiedName: string, into: Ancestry, seen: Set<string>, hops = 0): void {
    if (seen.has(qualifiedName)) return;
    seen.add(qualifiedName);
    const target = hops > MAX_HOPS ? null : this.resolve(qualifiedName, hops);
    if (target?.kind === 'outside') {
      into.ancestors.push({ qualifiedName: target.qualifiedName, methods: null });
      return;
    }
    if (target?.kind !== 'class') {
      into.ancestors.push({ qualifiedName, methods: null }); // named, but what it is stays unknown
      into.complete = false;
      return;
    }
    into.ancestors.push({ qualifiedName: target.qualifiedName, methods: new Set(Object.keys(target.summary.methods)) });
    for (const base of target.summary.bases) {
      if (base === null) into.complete = false;
      else this.collectAncestors(base, into, seen, hops + 1);
    }
  }

  /** Does only `async with` enter instances of the class (`__aenter__`, no `__enter__`)? */
  isAsyncOnlyContextManagerClass(cls: ClassTarget): boolean {
    return this.member(cls, '__aenter__')?.kind === 'function' && this.member(cls, '__enter__') === undefined;
  }

  /** Does only a plain `with` enter instances of the class (`__enter__`, no `__aenter__` anywhere in it)? */
  isSyncOnlyContextManagerClass(cls: ClassTarget): boolean {
    return this.member(cls, '__enter__')?.kind === 'function' && this.member(cls, '__aenter__') === undefined;
  }

  /** Does only a plain `for` iterate instances of the class (`__iter__` or `__getitem__`, no `__aiter__`)? */
  isSyncOnlyIterableClass(cls: ClassTarget): boolean {
    return (this.member(cls, '__iter__')?.kind === 'function' || this.member(cls, '__getitem__')?.kind === 'function') && this.member(cls, '__aiter__') === undefined;
  }

  /** Does only `async for` iterate instances of the class (`__aiter__`, no `__iter__` or `__getitem__`)? */
  isAsyncOnlyIterableClass(cls: ClassTarget): boolean {
    return this.member(cls, '__aiter__')?.kind === 'function' && this.member(cls, '__iter__') === undefined && this.member(cls, '__getitem__') === undefined;
  }

  /** The type of `instance.name` for an instance of the class: an attribute's inferred type, or a property's. */
  attributeType(cls: ClassTarget, name: string): string | null {
    const member = this.member(cls, name);
    if (!member) return null;
    return member.kind === 'attribute' ? member.type : member.summary.returns ?? null;
  }

  /** The chain through which calling the sync function blocks (`sync_totals → backoff → time.sleep`). */
  blockingChain(fn: FunctionTarget, ruleIsOn: (rule: string) => boolean = () => true): CallChain | null {
    return this.chain(fn, (summary) => summary.blocks?.find((call) => ruleIsOn(call.rule)), MAX_CHAIN, new Set());
  }

  /** The chain through which calling the sync function starts an event loop (`run_sync → asyncio.run`).
   *  Asked for every call of a project function in a coroutine: answered once per function. */
  loopChain(fn: FunctionTarget): CallChain | null {
    let chain = this.loopChains.get(fn.qualifiedName);
    if (chain === undefined) {
      chain = this.chain(fn, (summary) => summary.runsLoop, MAX_CHAIN, new Set());
      this.loopChains.set(fn.qualifiedName, chain);
    }
    return chain;
  }

  private readonly loopChains = new Map<string, CallChain | null>();

  private startsLoops?: boolean;

  /** Does any module the index holds have a sync function that starts a loop, or re-export something that
   *  does? When none does, no chain through them ends in a loop (loopChain is then not worth asking). */
  mayStartLoop(): boolean {
    if (this.startsLoops === undefined) {
      const runs = (functions: Record<string, FunctionSummary>) => Object.values(functions).some((fn) => fn.runsLoop !== undefined);
      this.startsLoops = false;
      for (const { summary } of this.modules()) {
        if (runs(summary.functions) || Object.values(summary.classes).some((cls) => runs(cls.methods)) || Object.values(summary.imports).some((name) => LOOP_STARTERS.has(name))) {
          this.startsLoops = true;
          break;
        }
      }
    }
    return this.startsLoops;
  }

  private chain(fn: FunctionTarget, direct: (summary: FunctionSummary) => { call: string; line: number } | undefined, depth: number, seen: Set<string>): CallChain | null {
    if (fn.summary.kind !== 'sync' || seen.has(fn.qualifiedName)) return null;
    seen.add(fn.qualifiedName);
    const here = direct(fn.summary);
    if (here) return { helpers: [fn.qualifiedName], call: here.call, path: fn.path, line: here.line };
    if (depth <= 1) return null;
    for (const call of fn.summary.calls ?? []) {
      const callee = this.functionNamed(call.callee);
      const rest = callee ? this.chain(callee, direct, depth - 1, seen) : null;
      if (rest) return { ...rest, helpers: [fn.qualifiedName, ...rest.helpers] };
    }
    return null;
  }
}

/** Does the module bind the name at module level (so that `from module import *` imports it)? */
function binds(summary: ModuleSummary, name: string): boolean {
  if (name.startsWith('_')) return false;
  return Object.hasOwn(summary.functions, name) || Object.hasOwn(summary.classes, name) || Object.hasOwn(summary.imports, name) || summary.opaque.includes(name);
}
