import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { callSnippet } from './support/calls.js';

const names = (owner: string, members: string): string[] => members.split(' ').map((m) => `${owner}.${m}`);

const WAITS = 'waits for a process';

/** What each blocking process call does, for the message (flake8-async's ASYNC220 / 221 / 222 split). */
const BLOCKING_PROCESS_CALLS: ReadonlyMap<string, string> = new Map([
  ...names('subprocess', 'run call check_call check_output getoutput getstatusoutput').map((n): [string, string] => [n, 'runs a process and waits for it']),
  ...names('os', 'system').map((n): [string, string] => [n, 'runs a process and waits for it']),
  ...names('subprocess', 'Popen').map((n): [string, string] => [n, 'starts a process synchronously']),
  ...names('os', 'popen posix_spawn posix_spawnp spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe')
    .map((n): [string, string] => [n, 'starts a process synchronously']),
  ...names('os', 'wait waitpid wait3 wait4 waitid').map((n): [string, string] => [n, WAITS]),
]);

export default defineRule({
  name: 'blocking-subprocess',
  aliases: ['ASYNC220', 'ASYNC221', 'ASYNC222'],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports `subprocess`, `os.system`, `os.popen`, `os.spawn*` and `os.wait*` calls inside a coroutine.',
  why: 'These start or wait for a child process on the calling thread, so the event loop stops until the process is spawned or exits. `asyncio.create_subprocess_exec` runs it without blocking other tasks.',
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
    if (effect === WAITS && call.childForFieldName('arguments')?.text.includes('WNOHANG')) return;
    const instead = effect === WAITS ? '`await process.wait()` on an `asyncio.create_subprocess_exec` process' : '`await asyncio.create_subprocess_exec(...)`';
    report(call, `\`${callSnippet(call)}\` ${effect}, blocking the event loop in ${model.describeContext(call)}; use ${instead}`);
  },
});
