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
import { rangeHas, rangeReaches } from '../project-scope.js';
import { soleLoopOwner, type LoopOwner } from './loop-sharing.js';
import { isTestCode } from './test-code.js';
import { Suspension } from './suspension.js';
import { inBranchNeverTaken } from './dead-branches.js';

export { FACTS_QUERY, lastPart, moduleNameFromPath, type ClassInfo, type FunctionInfo } from './module-facts.js';
export { decoratorName } from './name-resolution.js';

/** Statements after which the rest of their block never runs. */
const JUMPS: ReadonlySet<string> = new Set(['raise_statement', 'return_statement', 'break_statement', 'continue_statement']);

export class SemanticModel extends Suspension {
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
}
