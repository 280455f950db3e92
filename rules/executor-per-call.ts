import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { callSnippet } from './support/calls.js';

const EXECUTORS: ReadonlyMap<string, 'thread' | 'process'> = new Map([
  ['concurrent.futures.ThreadPoolExecutor', 'thread'],
  ['concurrent.futures.thread.ThreadPoolExecutor', 'thread'],
  ['concurrent.futures.ProcessPoolExecutor', 'process'],
  ['concurrent.futures.process.ProcessPoolExecutor', 'process'],
]);

export default defineRule({
  name: 'executor-per-call',
  aliases: [],
  severity: 'warning',
  scope: 'coroutine',
  what: 'Reports a `ThreadPoolExecutor` or `ProcessPoolExecutor` created inside a coroutine to run work for that one call.',
  why: 'Every call starts a fresh pool of threads or processes and tears it down again, and leaving `with executor:` waits for its workers on the event loop\'s thread. `asyncio.to_thread()` reuses the loop\'s default executor; CPU-bound work belongs in one long-lived process pool.',
  bad: `import asyncio
import concurrent.futures


def checksum(data):
    return sum(data) % 256


async def checksum_async(data):
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor() as pool:
        return await loop.run_in_executor(pool, checksum, data)
`,
  good: `import asyncio
import concurrent.futures


def checksum(data):
    return sum(data) % 256


async def checksum_async(data):
    return await asyncio.to_thread(checksum, data)
`,
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const callee = model.callee(call);
    const kind = callee ? EXECUTORS.get(callee) : undefined;
    if (!kind || !model.isInCoroutine(call) || outlivesTheCall(call, model)) return;
    const instead = kind === 'thread'
      ? '`await asyncio.to_thread(fn, *args)` (the loop\'s shared executor) or one long-lived executor'
      : 'one long-lived `ProcessPoolExecutor` created at startup';
    report(call, `\`${callSnippet(call)}\` starts and tears down a ${kind} pool for this call in ${model.describeContext(call)}; use ${instead}`);
  },
});

/** Is the executor kept beyond this call: stored on an object or a global, returned, installed as the loop's
 *  default executor, or made in an async generator (a lifespan / @asynccontextmanager that yields it)? */
function outlivesTheCall(call: Node, model: SemanticModel): boolean {
  const fn = model.enclosingFunction(call);
  if (!fn || fn.isGenerator || fn.node.text.includes('set_default_executor')) return true;
  const parent = call.parent;
  if (parent?.type === 'return_statement') return true;
  if (parent?.type === 'assignment') {
    const target = parent.childForFieldName('left');
    if (target?.type === 'attribute' || target?.type === 'subscript') return true;
    if (target?.type === 'identifier' && (fn.scope.delegated.has(target.text) || isStoredLater(target, fn.node))) return true;
  }
  return false;
}

/** Is the local variable later stored on an object or in a container (`self.pools[key] = executor`), returned
 *  or yielded, so the executor is kept for later calls (asgiref's per-context executors)? */
function isStoredLater(variable: Node, fn: Node): boolean {
  return fn.descendantsOfType('identifier').some((use) => {
    if (!use || use.text !== variable.text || use.startIndex <= variable.endIndex) return false;
    const parent = use.parent;
    if (parent?.type === 'return_statement' || parent?.type === 'yield') return true;
    if (parent?.type !== 'assignment' || !parent.childForFieldName('right')?.equals(use)) return false;
    const target = parent.childForFieldName('left')?.type;
    return target === 'attribute' || target === 'subscript';
  });
}
