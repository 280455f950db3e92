// Every fix and piece of advice fits the module's async library (asyncio, trio, anyio: by what it imports) and
// the oldest Python the project supports: no `asyncio.to_thread` (3.9) for a 3.8 project, no asyncio advice
// in trio code.
import { describe, expect, it } from 'vitest';
import blockingDatabase from '../../rules/blocking-database.js';
import blockingFileIo from '../../rules/blocking-file-io.js';
import blockingHttp from '../../rules/blocking-http.js';
import blockingInput from '../../rules/blocking-input.js';
import blockingSleep from '../../rules/blocking-sleep.js';
import blockingSocket from '../../rules/blocking-socket.js';
import blockingSubprocess from '../../rules/blocking-subprocess.js';
import danglingTask from '../../rules/dangling-task.js';
import executorPerCall from '../../rules/executor-per-call.js';
import swallowedCancellation from '../../rules/swallowed-cancellation.js';
import threadingLock from '../../rules/threading-lock.js';
import type { Rule } from '../../src/analyzer/rule.js';
import type { AnalyzeOptions, PythonVersion } from '../../src/analyzer/types.js';
import { findingsIn, fixedBody } from '../helpers/analyze.js';

const target = (oldest: PythonVersion): AnalyzeOptions => ({ project: { targetPython: { oldest } } });

/** The body after the rules' fixes, in a coroutine of a module with these imports. */
function fixed(imports: string, body: string, rules: readonly Rule[], options: AnalyzeOptions = {}): Promise<string> {
  return fixedBody(`${imports}\nimport os\nimport time\nfrom pathlib import Path\n\n\nasync def handler(p):\n`, body, rules, options);
}

/** The one message the rule reports on the body. */
async function message(imports: string, body: string, rule: Rule, options: AnalyzeOptions = {}): Promise<string> {
  const findings = await findingsIn(`${imports}\nimport os\nimport socket\nimport time\n\n\nasync def handler(p):\n${body}\n`, { ...options, rules: [rule] });
  expect(findings).toHaveLength(1);
  return findings[0].message;
}

const offloading = [blockingFileIo, blockingInput];

describe('worker-thread fixes by target Python', () => {
  it('asyncio.to_thread from 3.9 on (the default target, 3.11, has it), keyword arguments included', async () => {
    expect(await fixed('import asyncio', '    return os.path.getsize(p)', offloading, target([3, 9]))).toBe('    return await asyncio.to_thread(os.path.getsize, p)');
    expect(await fixed('import asyncio', '    Path(p).write_text("x", encoding="utf-8")', offloading))
      .toBe('    await asyncio.to_thread(Path(p).write_text, "x", encoding="utf-8")');
  });

  it('run_in_executor on the running loop for 3.7 and 3.8, without keyword arguments (it passes none on)', async () => {
    expect(await fixed('import asyncio', '    return os.path.getsize(p)', offloading, target([3, 8])))
      .toBe('    return await asyncio.get_running_loop().run_in_executor(None, os.path.getsize, p)');
    expect(await fixed('import asyncio', '    name = input("n")[0]', offloading, target([3, 7])))
      .toBe('    name = (await asyncio.get_running_loop().run_in_executor(None, input, "n"))[0]');
    const keywords = '    Path(p).write_text("x", encoding="utf-8")';
    expect(await fixed('import asyncio', keywords, offloading, target([3, 8]))).toBe(keywords);
    expect(await message('import asyncio\nfrom pathlib import Path', keywords, blockingFileIo, target([3, 8])))
      .toContain('use `await asyncio.get_running_loop().run_in_executor(None, functools.partial(Path(p).write_text, ...))`');
  });

  it('get_event_loop() for 3.6, where get_running_loop is missing (in a coroutine it is the running loop)', async () => {
    expect(await fixed('import asyncio', '    return os.path.exists(p)', offloading, target([3, 6])))
      .toBe('    return await asyncio.get_event_loop().run_in_executor(None, os.path.exists, p)');
    expect(await message('import asyncio', '    return input()', blockingInput, target([3, 6])))
      .toContain('use `await asyncio.get_event_loop().run_in_executor(None, input)`');
  });

  it('uses the name asyncio is imported under, and offers no fix where it is not imported as a module', async () => {
    expect(await fixed('import asyncio as aio', '    return os.path.exists(p)', offloading, target([3, 8])))
      .toBe('    return await aio.get_running_loop().run_in_executor(None, os.path.exists, p)');
    expect(await fixed('from asyncio import sleep', '    return os.path.exists(p)', offloading)).toBe('    return os.path.exists(p)');
  });
});

describe('worker-thread fixes by library', () => {
  it('trio and anyio code runs the call with to_thread.run_sync, under the name the module is imported as', async () => {
    expect(await fixed('import trio', '    return os.path.exists(p)', offloading)).toBe('    return await trio.to_thread.run_sync(os.path.exists, p)');
    expect(await fixed('import anyio', '    return input("q")', offloading)).toBe('    return await anyio.to_thread.run_sync(input, "q")');
    expect(await fixed('import trio as t', '    return os.listdir(p)', offloading)).toBe('    return await t.to_thread.run_sync(os.listdir, p)');
  });

  it('the target Python does not matter to trio and anyio', async () => {
    expect(await fixed('import trio', '    return os.path.exists(p)', offloading, target([3, 6]))).toBe('    return await trio.to_thread.run_sync(os.path.exists, p)');
  });

  it('no fix for keyword arguments (run_sync passes none on), nor where the library is imported only by its names', async () => {
    const keywords = '    Path(p).write_text("x", encoding="utf-8")';
    expect(await fixed('import trio', keywords, offloading)).toBe(keywords);
    expect(await message('import trio\nfrom pathlib import Path', keywords, blockingFileIo))
      .toContain('use `await trio.to_thread.run_sync(functools.partial(Path(p).write_text, ...))`');
    expect(await fixed('from trio import to_thread', '    return os.path.exists(p)', offloading)).toBe('    return os.path.exists(p)');
  });

  it('anyio anywhere makes anyio code (its remedies run on asyncio and trio alike)', async () => {
    expect(await fixed('import asyncio\nimport anyio', '    return os.path.exists(p)', offloading)).toBe('    return await anyio.to_thread.run_sync(os.path.exists, p)');
    expect(await fixed('import trio\nimport anyio', '    return os.path.exists(p)', offloading)).toBe('    return await anyio.to_thread.run_sync(os.path.exists, p)');
  });

  it('trio beside asyncio, or sniffio, leaves the library unknown: no fix, and the message names both remedies', async () => {
    expect(await fixed('import asyncio\nimport trio', '    return os.path.exists(p)', offloading)).toBe('    return os.path.exists(p)');
    expect(await fixed('import asyncio\nimport sniffio', '    return os.path.exists(p)', offloading)).toBe('    return os.path.exists(p)');
    expect(await message('import asyncio\nimport trio', '    return input()', blockingInput, target([3, 8])))
      .toContain('use `await asyncio.get_running_loop().run_in_executor(None, input)` under asyncio, `await trio.to_thread.run_sync(input)` under trio');
  });

  it('sniffio beside trio is still trio code; trio\'s own modules import it relatively', async () => {
    expect(await message('import trio\nimport sniffio', '    time.sleep(1)', blockingSleep)).toContain('use `await trio.sleep()`');
    const source = 'import time\n\nfrom .. import sleep\n\n\nasync def test_it():\n    time.sleep(1)\n';
    const inTests = { rules: [blockingSleep], project: { reportBlockingIn: { tests: true } } };
    const [inTrioPackage] = await findingsIn(source, { ...inTests, path: 'vendor/trio/tests/test_it.py' });
    expect(inTrioPackage.message).toContain('use `await trio.sleep()`');
    const [elsewhere] = await findingsIn(source, { ...inTests, path: 'vendor/app/tests/test_it.py' });
    expect(elsewhere.message).toContain('use `await asyncio.sleep()`');
  });

  it('a function that imports trio itself is trio code, in an asyncio module', async () => {
    const source = 'import asyncio\nimport time\n\n\nasync def trio_handler():\n    import trio\n\n    time.sleep(1)\n\n\nasync def asyncio_handler():\n    time.sleep(1)\n';
    const [inTrio, inAsyncio] = await findingsIn(source, { rules: [blockingSleep] });
    expect(inTrio.message).toContain('use `await trio.sleep()`');
    expect(inTrio.fix).toBeNull(); // trio is not imported at module level: no name to write the fix with
    expect(inAsyncio.message).toContain('use `await asyncio.sleep()`');
    expect(inAsyncio.fix?.replacement).toBe('    await asyncio.sleep(1)');
  });
});

describe('sleep fixes by library', () => {
  it.each([['asyncio'], ['trio'], ['anyio']])('%s code awaits its own sleep', async (library) => {
    expect(await fixed(`import ${library}`, '    time.sleep(0.5)', [blockingSleep])).toBe(`    await ${library}.sleep(0.5)`);
    expect(await message(`import ${library}`, '    time.sleep(0.5)', blockingSleep)).toContain(`use \`await ${library}.sleep()\``);
  });

  it('no fix where the library is unknown', async () => {
    expect(await fixed('import asyncio\nimport trio', '    time.sleep(0.5)', [blockingSleep])).toBe('    time.sleep(0.5)');
  });
});

describe('advice by library and target Python', () => {
  it('blocking-subprocess: trio.run_process, anyio.open_process', async () => {
    expect(await message('import trio\nimport subprocess', '    subprocess.run(["ls"])', blockingSubprocess)).toContain('use `await trio.run_process(...)`');
    expect(await message('import anyio\nimport subprocess', '    subprocess.Popen(["ls"]).wait()', blockingSubprocess)).toContain('use `await anyio.open_process(...)`');
    expect(await message('import asyncio', '    os.waitpid(p, 0)', blockingSubprocess)).toContain('`asyncio.create_subprocess_exec` process');
  });

  it('blocking-http: no aiohttp for trio or anyio code', async () => {
    expect(await message('import trio\nimport requests', '    requests.get(p)', blockingHttp)).toMatch(/use `httpx\.AsyncClient`$/);
    expect(await message('import asyncio\nimport requests', '    requests.get(p)', blockingHttp)).toContain('`httpx.AsyncClient` or `aiohttp`');
  });

  it('blocking-socket: get_event_loop() where 3.6 is supported, loop.sock_* methods only where the target has them', async () => {
    expect(await message('import asyncio', '    socket.getaddrinfo(p, 80)', blockingSocket)).toContain('(`loop = asyncio.get_running_loop()`)');
    expect(await message('import asyncio', '    socket.getaddrinfo(p, 80)', blockingSocket, target([3, 6]))).toContain('(`loop = asyncio.get_event_loop()`)');
    expect(await message('import anyio', '    socket.gethostbyname(p)', blockingSocket)).toContain('use `await anyio.getaddrinfo(...)`');
    const recvfrom = '    s = socket.socket()\n    s.recvfrom(1024)';
    expect(await message('import asyncio', recvfrom, blockingSocket)).toContain('use a datagram endpoint (`loop.create_datagram_endpoint`)');
    expect(await message('import asyncio', recvfrom, blockingSocket, target([3, 10]))).not.toContain('sock_recvfrom'); // 3.11
    expect(await message('import asyncio', recvfrom, blockingSocket)).toContain('`loop.sock_recvfrom(...)`'); // the default, 3.11
    expect(await message('import asyncio', recvfrom, blockingSocket, target([3, 11]))).toContain('`loop.sock_recvfrom(...)`');
    expect(await message('import trio', '    s = socket.socket()\n    s.sendall(b"x")', blockingSocket)).toContain('use trio streams (`trio.open_tcp_stream`)');
  });

  it('blocking-database: a worker thread in trio and anyio code, which the asyncio drivers do not run on', async () => {
    expect(await message('import trio\nimport psycopg2', '    psycopg2.connect(p)', blockingDatabase)).toContain('do the database work in `await trio.to_thread.run_sync(...)`');
    expect(await message('import asyncio\nimport psycopg2', '    psycopg2.connect(p)', blockingDatabase)).toContain('use `asyncpg.connect` or `psycopg.AsyncConnection.connect`');
  });

  it('executor-per-call: the shared executor the library and target have', async () => {
    const pool = '    with concurrent.futures.ThreadPoolExecutor() as pool:\n        return await pool.submit(p)';
    expect(await message('import asyncio\nimport concurrent.futures', pool, executorPerCall)).toContain('use `await asyncio.to_thread(fn, *args)`');
    expect(await message('import asyncio\nimport concurrent.futures', pool, executorPerCall, target([3, 8])))
      .toContain('use `await asyncio.get_running_loop().run_in_executor(None, fn, *args)`');
    expect(await message('import trio\nimport concurrent.futures', pool, executorPerCall)).toContain('use `await trio.to_thread.run_sync(fn, *args)`');
  });

  it('threading-lock: the library\'s own lock', async () => {
    const held = '    lock = threading.Lock()\n    with lock:\n        await p()';
    expect(await message('import trio\nimport threading', held, threadingLock)).toContain('use `trio.Lock` with `async with`');
    expect(await message('import asyncio\nimport threading', held, threadingLock)).toContain('use `asyncio.Lock` with `async with`');
    expect(await message('import anyio\nimport threading', '    lock = threading.BoundedSemaphore(2)\n    with lock:\n        await p()', threadingLock))
      .toContain('use `anyio.Semaphore(n, max_value=n)` with `async with`');
  });

  it('swallowed-cancellation names no asyncio.timeout() the code does not have', async () => {
    const swallowed = '    try:\n        await p()\n    except asyncio.CancelledError:\n        pass';
    expect(await message('import asyncio', swallowed, swallowedCancellation)).not.toContain('asyncio.timeout');
    expect(await message('import asyncio\nimport anyio', swallowed, swallowedCancellation, target([3, 11]))).not.toContain('asyncio.timeout');
  });

  it('dangling-task suggests a TaskGroup only where there is one: asyncio on 3.11+, anyio\'s', async () => {
    const dropped = '    asyncio.create_task(p())';
    expect(await message('import asyncio', dropped, danglingTask, target([3, 11]))).toContain('or use an `asyncio.TaskGroup`');
    expect(await message('import asyncio', dropped, danglingTask, target([3, 10]))).not.toContain('TaskGroup');
    expect(await message('import asyncio', dropped, danglingTask)).toContain('or use an `asyncio.TaskGroup`'); // the default, 3.11
    expect(await message('import asyncio\nimport anyio', dropped, danglingTask)).toContain('or start it in an anyio task group');
  });
});
