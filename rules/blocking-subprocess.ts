import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { forLibrary } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { blockingCallsOf } from '../src/analyzer/model/known-apis.js';

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
  what: 'Reports `subprocess`, `os.system`, `os.popen`, `os.spawn*` and `os.wait*` calls inside a coroutine.',
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
    const instead = forLibrary(model, call, effect.instead === 'wait' ? WAIT_INSTEAD : effect.instead === 'run' ? RUN_INSTEAD : START_INSTEAD);
    report(call, `\`${callSnippet(call)}\` ${effect.does}, blocking the event loop in ${model.describeContext(call)}; use ${instead}`);
  },
});
