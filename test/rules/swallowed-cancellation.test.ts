// swallowed-cancellation beyond its fixture: test modules, advice that depends on the project's Pythons, and
// comments inside the caught tuple.
import { describe, expect, it } from 'vitest';
import rule from '../../rules/swallowed-cancellation.js';
import { findingsIn } from '../helpers/analyze.js';

const run = (source: string, path = 'app/worker.py', oldest?: readonly [number, number]) =>
  findingsIn(source, { rules: [rule], path, project: oldest ? { targetPython: { oldest } } : {} });

const swallows = `import asyncio


async def wait_closed(conn):
    try:
        await conn.closed.wait()
    except asyncio.CancelledError:
        pass
`;

const scanLoop = `import asyncio


class Topology:
    def start(self, period):
        self._task = asyncio.create_task(self._scan_loop(period))

    def stop(self):
        self._task.cancel()

    async def _scan_loop(self, period):
        while True:
            await asyncio.sleep(period)
            try:
                await self.scan()
            except asyncio.CancelledError:
                pass
`;

describe('swallowed-cancellation', () => {
  it('leaves test modules alone, which catch on purpose', async () => {
    expect(await run(swallows)).toHaveLength(1);
    for (const path of ['tests/test_worker.py', 'tests/helpers.py', 'pkg/test/util.py', 'test_worker.py', 'worker_test.py', 'conftest.py']) {
      expect(await run(swallows, path), path).toEqual([]);
    }
  });

  it('points code that goes on after a cancellation to uncancel() where every supported Python has it', async () => {
    const [modern] = await run(scanLoop, 'app/topology.py', [3, 11]);
    expect(modern.message).toContain('the loop goes round again');
    expect(modern.message).toContain('asyncio.current_task().uncancel()');
    expect(modern.fix).toBeNull();
    const [older] = await run(scanLoop, 'app/topology.py', [3, 9]);
    expect(older.message).not.toContain('uncancel');
    // A project that declares nothing runs on the oldest CPython upstream supports, 3.11: it has uncancel().
    const [unknown] = await run(scanLoop);
    expect(unknown.message).toContain('asyncio.current_task().uncancel()');
  });

  it('does not suggest uncancel() to trio or anyio code, nor where the coroutine just ends', async () => {
    const anyio = scanLoop.replace('import asyncio\n', 'import asyncio\nimport anyio\n');
    expect((await run(anyio, 'app/topology.py', [3, 11]))[0].message).not.toContain('uncancel');
    expect((await run(swallows, 'app/worker.py', [3, 11]))[0].message).not.toContain('uncancel');
  });

  it('reads the caught classes past comments in the tuple: same finding, message and fix', async () => {
    const plain = swallows.replace('except asyncio.CancelledError:', 'except (asyncio.CancelledError, ConnectionError):');
    const commented = swallows.replace('except asyncio.CancelledError:', 'except (  # note: the peer may go away\n        asyncio.CancelledError,  # ours\n        ConnectionError,\n    ):');
    const [a] = await run(plain);
    const [b] = await run(commented);
    expect(b.message).toBe(a.message);
    expect(b.message).toContain('`except (asyncio.CancelledError, ConnectionError):`');
    const single = swallows.replace('except asyncio.CancelledError:', 'except (  # why: ours\n        asyncio.CancelledError\n    ):');
    const [c] = await run(single);
    expect(c.message).toContain('`except asyncio.CancelledError:`');
    expect(c.fix?.replacement.trim()).toBe('raise');
  });

  it("leaves the owner's stop() alone, a log line before the await included; a call awaited there is still reported", async () => {
    const stop = `import asyncio


class Fetcher:
    async def start(self):
        self._task = asyncio.get_running_loop().create_task(self.fetch_periodically())

    async def stop(self):
        self._task.cancel()
        try:
            self._logger.warning("Awaiting periodic fetching to finish...")
            await self._task
        except asyncio.CancelledError:
            pass
`;
    expect(await run(stop)).toEqual([]);
    expect(await run(stop.replace('await self._task', 'await self.flush()'))).toHaveLength(1);
    // A coroutine bound to a name is a call being awaited, not the task (discord.py's Shard.reconnect).
    expect(await run(stop.replace('self._logger.warning("Awaiting periodic fetching to finish...")', 'coro = self.connect()').replace('await self._task', 'self.ws = await asyncio.wait_for(coro, timeout=60.0)'))).toHaveLength(1);
  });

  it('leaves a coroutine alone that cancels its own tasks and returns what they got done; not one that goes on working', async () => {
    const partial = `import asyncio


async def download_all(jobs):
    tasks = [asyncio.create_task(job()) for job in jobs]
    try:
        await asyncio.wait(tasks)
    except asyncio.CancelledError:
        for task in tasks:
            task.cancel()
    return await asyncio.gather(*tasks, return_exceptions=True)
`;
    expect(await run(partial)).toEqual([]);
    // More work after the handler: the cancelled call carries on.
    expect(await run(partial.replace('    return await asyncio.gather(*tasks, return_exceptions=True)', '    await upload(tasks)\n    return tasks'))).toHaveLength(1);
    // In a loop that goes round again after the handler.
    const looping = `import asyncio


async def pump(source, tasks):
    while True:
        try:
            await source.next_batch()
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
`;
    expect(await run(looping)).toHaveLength(1);
  });

  it('leaves alone an async generator that ends its stream when the consumer goes away, closed or cancelled', async () => {
    const stream = `import asyncio


async def api_stream_logs(request, queue):
    async def event_generator():
        try:
            while True:
                entry = await queue.get()
                yield {"event": "log", "data": entry}
        except (asyncio.CancelledError, GeneratorExit):
            pass
        finally:
            queue.close()

    return event_generator()
`;
    expect(await run(stream)).toEqual([]);
    // Without GeneratorExit the clause is about the cancellation alone: reported.
    expect(await run(stream.replace('(asyncio.CancelledError, GeneratorExit)', 'asyncio.CancelledError'))).toHaveLength(1);
  });

  it('reports a lost cancellation once, where it is lost: not again around an await of the coroutine that loses it', async () => {
    const nested = `import asyncio


class Shell:
    async def run_code(self, code):
        try:
            await self.execute(code)
        except:
            self.show_traceback()
        return False

    async def run_cell(self, cell):
        try:
            code = self.compile(cell)
            if await self.run_code(code):
                return True
        except:
            self.show_traceback()
`;
    const found = await run(nested);
    expect(found.map((f) => f.line)).toEqual([8]);
    // When run_code hands the cancellation on, the handler around its await is the one that loses it.
    const handsOn = nested.replace('        except:\n            self.show_traceback()\n        return False', '        except asyncio.CancelledError:\n            raise\n        except:\n            self.show_traceback()\n        return False');
    expect((await run(handsOn)).map((f) => f.line)).toEqual([19]);
  });

  it('leaves alone a coroutine only run by asyncio.gather, whose cancellation the gather raises anyway; reports one that loops on', async () => {
    const gathered = (handler: string) => `import asyncio


async def simulate(client):
    while True:
        try:
            await client.publish("up")
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            ${handler}


async def main(client):
    await asyncio.gather(simulate(client), asyncio.sleep(1))


def stop(main_task):
    main_task.cancel()
`;
    expect((await run(gathered('break'))).map((f) => f.line)).toEqual([]);
    expect((await run(gathered('continue'))).map((f) => f.line)).toEqual([9]);
    // Also awaited inline somewhere: its caller would carry on as if it had finished.
    const alsoInline = `${gathered('break')}

async def once(client):
    await simulate(client)
    await client.publish("done")
`;
    expect((await run(alsoInline)).map((f) => f.line)).toEqual([9]);
  });

  it('leaves alone a handler a framework registers by decorator and nothing here calls; not a module decorator, nor one called here', async () => {
    const handler = (decorator: string, more = '') => `import asyncio
import tenacity
from aiogram import Dispatcher

dp = Dispatcher()


${decorator}
async def on_button(callback):
    try:
        await callback.message.edit_text("menu")
    except:
        await callback.message.answer("menu")
${more}`;
    expect((await run(handler('@dp.callback_query()'))).map((f) => f.line)).toEqual([]);
    expect((await run(handler('@dp.message'))).map((f) => f.line)).toEqual([]);
    expect((await run(handler('@tenacity.retry(stop=tenacity.stop_after_attempt(3))'))).map((f) => f.line)).toEqual([12]);
    const calledHere = '\n\nasync def menu(callback):\n    await on_button(callback)\n    await callback.answer()\n';
    expect((await run(handler('@dp.callback_query()', calledHere))).map((f) => f.line)).toEqual([12]);
  });

  it('leaves alone a route handler awaited only by a connection callback that then closes the connection; not where the callback loops on', async () => {
    const server = (route: string) => `import asyncio


async def events(writer, queue):
    try:
        while True:
            writer.write(await queue.get())
            await writer.drain()
    except asyncio.CancelledError:
        pass


async def handle(reader, writer, queue):
    request = await reader.readline()
    if request.startswith(b"GET /events"):
${route}
    writer.close()


async def main(queue):
    server = await asyncio.start_server(lambda r, w: handle(r, w, queue), "0.0.0.0", 8080)
    async with server:
        await asyncio.wait_for(server.serve_forever(), 3600)
`;
    expect((await run(server('        await events(writer, queue)'))).map((f) => f.line)).toEqual([]);
    expect((await run(server('        while True:\n            await events(writer, queue)'))).map((f) => f.line)).toEqual([9]);
  });

  it('leaves alone a stream generator only handed to a streaming response; not one this module iterates and goes on after', async () => {
    const stream = (use: string) => `import asyncio


async def events(queue):
    try:
        while True:
            yield await queue.get()
    except asyncio.CancelledError:
        pass


${use}
`;
    expect((await run(stream('def sse(queue):\n    return StreamingResponse(events(queue), media_type="text/event-stream")'))).map((f) => f.line)).toEqual([]);
    expect((await run(stream('async def relay(queue, out):\n    async for item in events(queue):\n        await out.send(item)\n    await out.send("done")'))).map((f) => f.line)).toEqual([8]);
  });
});
