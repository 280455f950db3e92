import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { forLibrary } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { blockingCallsOf } from '../src/analyzer/model/known-apis.js';
import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';

/** What each blocking process call does, for the message (flake8-async's ASYNC220 / 221 / 222 split), from the
 *  library tables (src/analyzer/knowledge/libraries/). */
const BLOCKING_PROCESS_CALLS = blockingCallsOf('process');

/** What runs, starts or waits for a process without blocking, by library. */
const RUN_INSTEAD = { asyncio: '`await asyncio.create_subprocess_exec(...)`', trio: '`await trio.run_process(...)`', anyio: '`await anyio.run_process(...)`' };
const START_INSTEAD = { asyncio: '`await asyncio.create_subprocess_exec(...)`', trio: '`await trio.lowlevel.open_process(...)`', anyio: '`await anyio.open_process(...)`' };
const WAIT_INSTEAD = {
  asyncio: '`await process.wait()` on an `asyncio.create_subprocess_exec` process',
  trio: '`await process.wait()` on a `trio.lowlevel.open_process` process',
  anyio: '`await process.wait()` on an `anyio.open_process` process',
};

export default defineRule({
  name: 'blocking-subprocess',
  aliases: ['ASYNC220', 'ASYNC221', 'ASYNC222'],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports `subprocess`, `os.system`, `os.popen`, `os.spawn*` and `os.wait*` calls inside a coroutine. A `subprocess.Popen` only when the same function then waits for the process (`proc.communicate()`, `proc.wait()`, `proc.stdout.read()`): starting a child costs a fork and an exec, and code that keeps the process object (a spawner, a proxy it supervises) needs the real `Popen`.',
  why: 'These start or wait for a child process on the calling thread, so the event loop stops until the process is spawned or exits. `asyncio.create_subprocess_exec` (`trio.run_process`, `anyio.run_process` in trio and anyio code) runs it without blocking other tasks.',
  bad: `import subprocess


async def git_head():
    result = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, check=True)
    return result.stdout.strip()
`,
  good: `import asyncio


async def git_head():
    process = await asyncio.create_subprocess_exec(
        "git", "rev-parse", "HEAD", stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await process.communicate()
    return stdout.strip()
`,
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const callee = model.callee(call);
    const effect = callee ? BLOCKING_PROCESS_CALLS.get(callee) : undefined;
    if (!effect || !model.isInCoroutine(call)) return;
    // `os.waitpid(pid, os.WNOHANG)` only polls: it returns at once when no child has exited.
    if (effect.instead === 'wait' && call.childForFieldName('arguments')?.text.includes('WNOHANG')) return;
    // Spawning takes a fork and an exec: what blocks is waiting for the child, so a `Popen` is reported only
    // when the same function then waits for it (code that keeps the process object, a server or spawner, needs it).
    let waited = '';
    if (callee === 'subprocess.Popen') {
      const wait = waitForProcess(call, model);
      if (!wait) return;
      waited = ` and \`${wait}\` waits for it`;
    }
    const instead = forLibrary(model, call, effect.instead === 'wait' ? WAIT_INSTEAD : effect.instead === 'run' ? RUN_INSTEAD : START_INSTEAD);
    report(call, `\`${callSnippet(call)}\` ${effect.does}${waited}, blocking the event loop in ${model.describeContext(call)}; use ${instead}`);
  },
});

/** Methods of a `Popen` object that wait for the child (or for all its output). */
const WAITING_METHODS = /^(?:communicate|wait)$/;

/** The call that waits for the process a `Popen(...)` call starts, in the same function: chained
 *  (`Popen(...).communicate()`) or through the name or attribute it is bound to (`proc = Popen(...)`, `with
 *  Popen(...) as proc`), then `proc.communicate()`, `proc.wait()`, `proc.stdout.read()`. Null when it is only
 *  started and kept. */
function waitForProcess(call: Node, model: SemanticModel): string | null {
  const chained = call.parent?.type === 'attribute' && call.parent.parent?.type === 'call' ? call.parent : null;
  if (chained && WAITING_METHODS.test(chained.childForFieldName('attribute')?.text ?? '')) return `${chained.childForFieldName('attribute')!.text}()`;
  const holder = call.parent?.type === 'assignment' && call.parent.childForFieldName('right')?.id === call.id
    ? call.parent.childForFieldName('left')
    : call.parent?.type === 'as_pattern' ? call.parent.childForFieldName('alias')?.namedChildren[0] ?? null : null;
  if (!holder || (holder.type !== 'identifier' && holder.type !== 'attribute')) return null;
  const owner = model.enclosingFunction(call);
  if (!owner) return null;
  for (const use of owner.node.descendantsOfType('call')) {
    if (!use || use.startIndex < call.endIndex) continue;
    const fn = use.childForFieldName('function');
    if (fn?.type !== 'attribute') continue;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    let object = fn.childForFieldName('object');
    // `proc.stdout.read()`: reading the child's output to its end waits for it too.
    if (method === 'read' && object?.type === 'attribute' && /^std(?:out|err)$/.test(object.childForFieldName('attribute')?.text ?? '')) object = object.childForFieldName('object');
    else if (!WAITING_METHODS.test(method)) continue;
    if (object?.text === holder.text) return `${fn.text}()`;
  }
  return null;
}
