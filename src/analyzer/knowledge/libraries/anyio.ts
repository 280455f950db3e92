// anyio: https://anyio.readthedocs.io/en/stable/api.html
import { defineLibrary } from '../library.js';

const MEMORY_SEND_STREAM = 'anyio.streams.memory.MemoryObjectSendStream';
const MEMORY_RECEIVE_STREAM = 'anyio.streams.memory.MemoryObjectReceiveStream';

export default defineLibrary({
  module: 'anyio',
  sources: ['https://anyio.readthedocs.io/en/stable/api.html'],
  coroutines: 'sleep_forever sleep_until to_thread.run_sync',
  functions: {
    sleep: { coroutine: true, roles: ['async-sleep'] },
    run: { roles: ['new-loop-runner'] },
    create_task_group: { returns: 'anyio.abc.TaskGroup', roles: ['task-group'] },
    create_memory_object_stream: { returnsTuple: [MEMORY_SEND_STREAM, MEMORY_RECEIVE_STREAM] },
    fail_after: { roles: ['timeout-scope'] },
    move_on_after: { roles: ['timeout-scope'] },
    get_cancelled_exc_class: { roles: ['cancellation-exception-factory'] },
  },
  classes: {
    'abc.TaskGroup': { asyncContextManager: true, roles: ['task-group'] },
    Lock: { asyncContextManager: true },
    Semaphore: { asyncContextManager: true, roles: ['concurrency-limiter'] },
    CapacityLimiter: { asyncContextManager: true, roles: ['concurrency-limiter'] },
    CancelScope: { roles: ['cancel-scope'] },
    'streams.memory.MemoryObjectSendStream': { coroutines: 'send aclose' },
    'streams.memory.MemoryObjectReceiveStream': { coroutines: 'receive aclose', asyncIterable: true },
  },
});
