// The one model rules ask about a module: what does this name resolve to, is this call inside a coroutine,
// does this call produce a coroutine, what type does this variable hold. It is built in layers, each in its
// own file, each answering one kind of question from the facts below it:
//   module-facts.ts     what the module's text declares (scopes, bindings, definitions, await points)
//   name-resolution.ts  how names resolve (bindings and imports, class members)
//   class-hierarchy.ts  where a member is found among local bases and subclasses
//   type-inference.ts   what things are (the type of a value)
//   async-kinds.ts      which calls and values are async (coroutines, async iterables, context managers)
//   suspension.ts       where the code suspends (coroutine context, await points)
// and this file adds what concerns the project around the module (target Python, tests, loop sharing).
import type { Node } from 'web-tree-sitter';
import type { PythonVersion } from '../types.js';
import { rangeHas, rangeReaches, versionAtLeast } from '../project-scope.js';
import { LOOP_STARTER_NAMES, LOOP_STARTER_WORDS, LOOP_STARTERS } from './known-apis.js';
import { soleLoopOwner, type LoopOwner } from './loop-sharing.js';
import { isTestCode } from './test-code.js';
import { Suspension } from './suspension.js';
import { inBranchNeverTaken } from './dead-branches.js';
import { summarizeModule, type BlockingProbe } from './module-summary.js';
import { ProjectIndex, type CallChain, type FunctionTarget } from '../project/project-index.js';

export { FACTS_QUERY, lastPart, moduleNameFromPath, type ClassInfo, type FunctionInfo } from './module-facts.js';
export { decoratorName } from './name-resolution.js';

/** Statements after which the rest of their block never runs. */
const JUMPS: ReadonlySet<string> = new Set(['raise_statement', 'return_statement', 'break_statement', 'continue_statement']);

export class SemanticModel extends Suspension {
  /** Set by the engine: where this module is and how to ask which of its calls block, so that its own sync
   *  helpers can be summarized like another module's when a coroutine calls one. */
  self?: { path: string; probe: () => BlockingProbe | null; ruleIsOn: (name: string) => boolean };
  private indexWithSelf?: ProjectIndex;
  private mayReachLoop?: boolean;

  /** A sync function of the project (this module or another) that the call calls, as the index knows it. */
  projectFunction(call: Node): FunctionTarget | null {
    const name = this.callee(call);
    if (!name) return null;
    const local = this.definition(name);
    if (local && !('isAsync' in local)) return null;
    const index = local ? this.indexIncludingSelf() : this.projectIndex;
    return index?.functionNamed(name) ?? null;
  }

  /** How calling a sync helper blocks the loop: `sync_totals → backoff → time.sleep` at `billing/retry.py:8`. */
  blockingChain(call: Node): CallChain | null {
    const fn = this.projectFunction(call);
    const ruleIsOn = this.self?.ruleIsOn ?? (() => true);
    return fn ? this.indexIncludingSelf().blockingChain(fn, ruleIsOn) : null;
  }

  /** How calling a sync helper starts an event loop: `run_sync → asyncio.run` at `tools/sync.py:5`. */
  loopChain(call: Node): CallChain | null {
    // Asked of every call in a coroutine: a module that never says `run` (and an index where nothing starts a
    // loop) cannot hold such a chain, and its own summary need not be built to learn that.
    this.mayReachLoop ??= this.mayStartLoopItself() || (this.projectIndex?.mayStartLoop() ?? false);
    if (!this.mayReachLoop) return null;
    const fn = this.projectFunction(call);
    return fn ? this.indexIncludingSelf().loopChain(fn) : null;
  }

  /** Does this module itself call something that starts a loop (or import one under another name)? Found from
   *  where the text says a starter's name (`run`, `run_until_complete`, …), not by summarizing the module:
   *  `subprocess.run(...)` says `run` too. */
  private mayStartLoopItself(): boolean {
    const text = this.source.text;
    if (!LOOP_STARTER_WORDS.test(text)) return false;
    for (const word of LOOP_STARTER_NAMES) {
      if (!text.includes(word)) continue;
      for (const identifier of this.identifiersNamed(word)) {
        let node: Node | null = identifier;
        if (node.parent?.type === 'attribute' && node.parent.childForFieldName('attribute')?.id === node.id) node = node.parent;
        const call = node.parent;
        if (call?.type === 'call' && call.childForFieldName('function')?.id === node.id) {
          if (LOOP_STARTERS.has(this.callee(call) ?? '')) return true;
        } else if (identifier.parent?.type === 'aliased_import' || identifier.parent?.parent?.type === 'aliased_import') return true;
      }
    }
    return false;
  }

  /** Where a project function or class is defined (`billing/db.py:12`), when another module defines it. */
  definedElsewhere(qualifiedName: string): string | null {
    if (this.definition(qualifiedName)) return null;
    const target = this.projectIndex?.resolve(qualifiedName);
    return target && target.kind !== 'outside' ? `${target.path}:${target.summary.line}` : null;
  }

  private indexIncludingSelf(): ProjectIndex {
    if (!this.indexWithSelf) {
      const base = this.projectIndex ?? new ProjectIndex(() => undefined, () => []);
      if (!this.self) return base;
      const summary = summarizeModule(this, [], this.self.probe(), true);
      this.indexWithSelf = base.with(this.moduleName, { path: this.self.path, summary });
    }
    return this.indexWithSelf;
  }

  /** Does every Python the project supports have what `version` introduced (`[3, 9]` for `asyncio.to_thread`)?
   *  A fix or a piece of advice that needs more is not offered. */
  pythonHas(version: PythonVersion): boolean {
    return rangeHas(this.project.targetPython, version) || versionAtLeast(this.syntaxFloor(), version);
  }

  private floor?: PythonVersion;

  /** The identifiers in the module's code spelled `name` (not in strings or comments), in order. Found where the
   *  text says the name, not by walking the tree: most names are said in a few places. Asked again and again
   *  of the same function's name by the rules: answered once per name. */
  identifiersNamed(name: string): readonly Node[] {
    let found = this.identifiersByName.get(name);
    if (!found) {
      found = [];
      const root = this.tree.rootNode;
      for (const { index } of this.source.text.matchAll(new RegExp(`\\b${name}\\b`, 'g'))) {
        const identifier = root.descendantForIndex(index, index + name.length);
        if (identifier?.type === 'identifier' && identifier.startIndex === index) found.push(identifier);
      }
      this.identifiersByName.set(name, found);
    }
    return found;
  }

  private readonly identifiersByName = new Map<string, Node[]>();

  /** The oldest Python that can even parse this module, as its syntax says: type parameters and `type` aliases
   *  (3.12), `except*` (3.11), `match` (3.10). A project that declares older Pythons (or none) still runs this
   *  module only there, so a fix may use what that version has. Found once, when a rule first asks. */
  private syntaxFloor(): PythonVersion {
    if (!this.floor) {
      // Where the text says the keyword, the tree tells syntax from strings and comments (walking a large tree
      // for these costs, and most modules have none). `type_parameter` also holds the `[...]` of an annotation
      // (`Dict[str, int]`): only a def's or class's counts. (`includes` before each regular expression: a
      // multiline `^` scan of a large module costs.)
      const text = this.source.text;
      const generic = text.includes('[') && this.saysSyntax(/\b(?:def|class)\s+\w+\s*\[/g, (keyword) => !!keyword.parent?.childForFieldName('type_parameters'));
      const alias = text.includes('type') && this.saysSyntax(/^[ \t]*(type)\s+\w/gm, (keyword) => keyword.parent?.type === 'type_alias_statement');
      const exceptStar = text.includes('except') && this.saysSyntax(/\bexcept\s*\*/g, (keyword) => !!keyword.parent?.children.some((child) => child?.type === '*'));
      const match = text.includes('match') && this.saysSyntax(/^[ \t]*(match)\b/gm, (keyword) => keyword.parent?.type === 'match_statement');
      this.floor = generic || alias ? [3, 12] : exceptStar ? [3, 11] : match ? [3, 10] : [3, 0];
    }
    return this.floor;
  }

  /** Does the text match `pattern` (global) where the node starting at the match (or its first group) passes
   *  `isSyntax`? */
  private saysSyntax(pattern: RegExp, isSyntax: (keyword: Node) => boolean): boolean {
    const root = this.tree.rootNode;
    for (const found of this.source.text.matchAll(pattern)) {
      const at = found.index + (found[1] === undefined ? 0 : found[0].lastIndexOf(found[1]));
      const keyword = root.descendantForIndex(at, at + 1);
      if (keyword && keyword.startIndex === at && isSyntax(keyword)) return true;
    }
    return false;
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
}
