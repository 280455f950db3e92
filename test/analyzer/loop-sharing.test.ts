// Blocking the loop matters only where other work shares it: tests that start no server or task, a sequential
// script before it starts anything concurrent, and a worker thread's own loop stay quiet (configurable);
// servers, library code and tests that run a server on the same loop are still reported.
import { describe, expect, it } from 'vitest';
import blockingSleep from '../../rules/blocking-sleep.js';
import blockingInput from '../../rules/blocking-input.js';
import { findingsIn } from '../helpers/analyze.js';

const lines = async (source: string, path: string, project = {}) =>
  (await findingsIn(source, { rules: [blockingSleep, blockingInput], path, project })).map((f) => f.line);

const TEST_MODULE = `import time
import asyncio


async def test_clock_advances():
    time.sleep(0.01)  # line 6: nothing else runs on this test's loop


async def test_with_server(aiohttp_client):
    time.sleep(0.01)  # line 10: the fixture's server shares the loop


async def test_with_task():
    task = asyncio.create_task(asyncio.sleep(1))
    time.sleep(0.01)  # line 15: the task is the code under test, which the test may block on purpose
    await task


async def test_with_own_server():
    server = await asyncio.start_server(print, "127.0.0.1", 0)
    time.sleep(0.01)  # line 21: the server's handlers share the loop
    server.close()
`;

const SCRIPT = `import asyncio
import time


async def main():
    name = input("name? ")  # line 6: before anything concurrent starts
    server = await asyncio.start_server(handle, "127.0.0.1", 8080)
    time.sleep(1)  # line 8: the server shares the loop now
    await server.serve_forever()


async def handle(reader, writer):
    time.sleep(1)  # line 13: a connection handler of the server


if __name__ == "__main__":
    asyncio.run(main())
`;

const WORKER_THREAD = `import asyncio
import threading
import time


async def poll_device():
    time.sleep(0.5)  # line 7: this loop belongs to the worker thread


def device_thread():
    asyncio.run(poll_device())


threading.Thread(target=device_thread, daemon=True).start()
`;

// distributed's nanny: the child process's target runs its worker with `asyncio.run(run())`; on the failure path
// the entry coroutine sleeps so the parent can read the error before the process exits.
const CHILD_PROCESS = `import asyncio
import threading
from time import sleep as sync_sleep

from .worker import run


class WorkerProcess:
    @classmethod
    def _run(cls, init_result_q, worker_factory):
        async def run():
            thread = threading.Thread(target=print, daemon=True)
            thread.start()
            try:
                worker = worker_factory()
                async with worker:
                    await worker.finished()
            except Exception as e:
                init_result_q.put({"exception": e})
                sync_sleep(0.15)  # line 20: the loop is the child process's own

        asyncio.run(run())

    def run(self, comm):
        return run(self, comm)  # another function named run


def cli():
    asyncio.run(main())


async def main():
    sync_sleep(1)  # line 33: nothing else is on the new loop yet
    server = await asyncio.start_server(print, "127.0.0.1", 0)
    sync_sleep(1)  # line 35: the server shares the loop
    await server.serve_forever()


async def handler():
    sync_sleep(1)  # line 40: also awaited by a coroutine of some other loop


def serve():
    asyncio.run(handler())


async def on_request():
    await handler()
`;

describe('blocking calls where nothing else shares the loop', () => {
  it('are quiet in tests that start no server, and reported in tests that do', async () => {
    expect(await lines(TEST_MODULE, 'tests/test_clock.py')).toEqual([10, 21]);
  });

  it('are reported in the same code outside tests', async () => {
    expect(await lines(TEST_MODULE, 'app/clock.py')).toEqual([6, 10, 15, 21]);
  });

  it('are quiet in a script entry coroutine before it starts anything concurrent', async () => {
    expect(await lines(SCRIPT, 'tools/ask.py')).toEqual([8, 13]);
  });

  it('are quiet on a worker thread\'s own loop', async () => {
    expect(await lines(WORKER_THREAD, 'app/device.py')).toEqual([]);
    // Also awaited by a coroutine of the main loop: no longer the worker thread's alone.
    const sharedToo = WORKER_THREAD.replace('def device_thread():', 'async def on_request():\n    await poll_device()\n\n\ndef device_thread():');
    expect(await lines(sharedToo, 'app/device.py')).toEqual([7]);
  });

  it('are quiet in the entry coroutine of a loop of its own (asyncio.run from sync code) before it starts anything concurrent', async () => {
    expect(await lines(CHILD_PROCESS, 'distributed/nanny.py')).toEqual([35, 40]);
    expect(await lines(CHILD_PROCESS, 'distributed/nanny.py', { reportBlockingIn: { scripts: true } })).toEqual([20, 33, 35, 40]);
    const otherRunners = 'import asyncio\nimport time\n\nimport uvloop\n\n\nasync def main():\n    time.sleep(1)\n\n\nasync def other():\n    time.sleep(1)\n\n\n'
      + 'def cli():\n    uvloop.run(main())\n    with asyncio.Runner() as runner:\n        runner.run(other())\n';
    expect(await lines(otherRunners, 'app/cli.py')).toEqual([]);
    expect(await lines(otherRunners.replace('runner.run(other())', 'runner.run(other())\n    asyncio.get_event_loop().run_until_complete(other())'), 'app/cli.py')).toEqual([12]);
  });

  it('are quiet in the commands of a command-line tool run from its table by asyncio.run, not where the table is used otherwise', async () => {
    const tool = (use: string) => `import argparse
import asyncio


async def cmd_auth(args):
    api_id = input("api_id: ")


async def cmd_read(args):
    name = input("chat: ")


def main():
    args = argparse.ArgumentParser().parse_args()
    commands = {"auth": cmd_auth, "read": cmd_read}
    ${use}
`;
    expect(await lines(tool('asyncio.run(commands[args.command](args))'), 'tool/cli.py')).toEqual([]);
    // The table is also handed on: who runs the commands, and on which loop, is not known here.
    expect(await lines(tool('asyncio.run(commands[args.command](args))\n    register(commands)'), 'tool/cli.py')).toEqual([6, 10]);
  });

  it('are reported where the project asks for them', async () => {
    const everywhere = { reportBlockingIn: { tests: true, scripts: true, workerThreads: true } };
    expect(await lines(TEST_MODULE, 'tests/test_clock.py', everywhere)).toEqual([6, 10, 15, 21]);
    expect(await lines(SCRIPT, 'tools/ask.py', everywhere)).toEqual([6, 8, 13]);
    expect(await lines(WORKER_THREAD, 'app/device.py', everywhere)).toEqual([7]);
  });
});

describe('dead code', () => {
  it('gets no finding after a raise or return of its block', async () => {
    const source = `import time


async def cdn_client():
    raise NotImplementedError
    time.sleep(1)


async def poll(ready):
    if ready:
        return
    time.sleep(1)
`;
    expect(await lines(source, 'app/client.py')).toEqual([12]);
  });
});

describe('rules that name their words', () => {
  it('run only in modules that say one of them', async () => {
    const { default: shieldWithoutReference } = await import('../../rules/shield-without-reference.js');
    const source = 'import asyncio\n\n\nasync def save(item):\n    await asyncio.shield(write(item))\n\n\nasync def write(item):\n    await asyncio.sleep(0)\n';
    expect((await findingsIn(source, { rules: [shieldWithoutReference], path: 'app/save.py' })).map((f) => f.line)).toEqual([5]);
    // The same rule told it needs a word the module lacks: its check never runs.
    const needsOther = { ...shieldWithoutReference, mentions: /\bnever_said\b/ };
    expect(await findingsIn(source, { rules: [needsOther], path: 'app/save.py' })).toEqual([]);
  });
});

describe('a sequential entry coroutine and the calls named start', () => {
  it('a start() that is not awaited starts nothing on the loop (a spinner, a thread), unless a scheduler runs jobs there', async () => {
    const entry = (setup: string) => `import asyncio
import time

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from halo import Halo


async def main():
${setup}
    time.sleep(1)
    async with asyncio.TaskGroup() as group:
        group.create_task(serve())


async def serve():
    await asyncio.sleep(1)


if __name__ == "__main__":
    asyncio.run(main())
`;
    expect(await lines(entry('    spinner = Halo()\n    spinner.start()'), 'app/main.py')).toEqual([]);
    expect(await lines(entry('    scheduler = AsyncIOScheduler()\n    scheduler.start()'), 'app/main.py')).toEqual([11]);
    expect(await lines(entry('    await asyncio.sleep(0)\n    task = asyncio.create_task(serve())'), 'app/main.py')).toEqual([11]);
  });
});
