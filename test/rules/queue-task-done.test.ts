// queue-task-done-not-in-finally beyond its fixture: a skipped task_done() only matters to a join(), and an
// await of a coroutine that catches its own errors raises nothing but a cancellation.
import { describe, expect, it } from 'vitest';
import rule from '../../rules/queue-task-done-not-in-finally.js';
import { findingsIn } from '../helpers/analyze.js';

const lines = async (source: string) => (await findingsIn(source, { rules: [rule], path: 'app/crawler.py' })).map((f) => f.line);

const crawler = (fetch: string, main: string) => `import asyncio


${fetch}


async def worker(queue, session):
    while True:
        url = await queue.get()
        page = await fetch(session, url)
        print(page)
        queue.task_done()


async def main(session, urls):
    queue = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    workers = [asyncio.create_task(worker(queue, session)) for _ in range(4)]
${main}
`;

const raising = `async def fetch(session, url):
    async with session.get(url) as response:
        return await response.text()`;

const catching = `async def fetch(session, url):
    try:
        async with session.get(url) as response:
            return await response.text()
    except Exception as error:
        print(error)
        return None`;

describe('queue-task-done-not-in-finally', () => {
  it('reports where the module joins the queue it makes, and only there', async () => {
    expect(await lines(crawler(raising, '    await queue.join()\n    for task in workers:\n        task.cancel()'))).toEqual([14]);
    // The module makes the queue and joins nothing (a string's join takes an argument): nothing waits on the count.
    expect(await lines(crawler(raising, '    await asyncio.sleep(60)\n    print(", ".join(urls))'))).toEqual([]);
  });

  it('leaves alone an await of a coroutine that catches its own errors; not one whose handler raises', async () => {
    expect(await lines(crawler(catching, '    await queue.join()'))).toEqual([]);
    expect(await lines(crawler(catching.replace('        return None', '        raise'), '    await queue.join()'))).toEqual([18]);
  });
});
