// blocking-sleep and `time.sleep(0)`: a mistaken yield to the loop, except where the module runs threads and
// hands them the GIL on purpose (cylc's scheduler, after queueing deltas for its publisher thread).
import { describe, expect, it } from 'vitest';
import rule from '../../rules/blocking-sleep.js';
import { findingsIn } from '../helpers/analyze.js';

const run = (source: string) => findingsIn(source, { rules: [rule], path: 'app/scheduler.py' });

const handOff = (imports: string, body: string) => `${imports}
from time import sleep


class Scheduler:
    async def publish(self):
        self.server.publish_queue.put(self.deltas)
${body}
`;

describe('blocking-sleep and sleep(0)', () => {
  it('leaves one sleep(0) alone in a module that runs threads', async () => {
    expect(await run(handOff('from threading import Thread', '        sleep(0)'))).toEqual([]);
    expect(await run(handOff('import threading', '        sleep(0)'))).toEqual([]);
  });

  it('reports it without threads, in a loop, and any longer sleep', async () => {
    expect(await run(handOff('import queue', '        sleep(0)'))).toHaveLength(1);
    expect(await run(handOff('import threading', '        while self.busy:\n            sleep(0)'))).toHaveLength(1);
    expect(await run(handOff('import threading', '        sleep(1)'))).toHaveLength(1);
  });
});
