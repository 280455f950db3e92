// asyncio (standard library): https://docs.python.org/3/library/asyncio-api-index.html
import { defineLibrary } from '../library.js';

const QUEUE = { coroutines: 'put get join' };
const LOOP_COROUTINES = 'sock_recv sock_recv_into sock_sendall sock_connect sock_accept sock_sendfile getaddrinfo getnameinfo create_connection create_server create_unix_connection create_unix_server create_datagram_endpoint subprocess_exec subprocess_shell shutdown_asyncgens shutdown_default_executor connect_read_pipe connect_write_pipe start_tls sendfile';

export default defineLibrary({
  module: 'asyncio',
  sources: [
    'https://docs.python.org/3/library/asyncio-api-index.html',
    'https://docs.python.org/3/library/asyncio-sync.html',
    'https://docs.python.org/3/library/asyncio-queue.html',
    'https://docs.python.org/3/library/asyncio-stream.html',
    'https://docs.python.org/3/library/asyncio-eventloop.html',
    'https://docs.python.org/3/library/asyncio-subprocess.html',
  ],
  coroutines: 'wait_for wait start_server start_unix_server create_subprocess_exec create_subprocess_shell to_thread open_unix_connection',
  functions: {
    sleep: { coroutine: true, roles: ['async-sleep'] },
    open_connection: { coroutine: true, awaitReturnsTuple: ['asyncio.StreamReader', 'asyncio.StreamWriter'] },
    'streams.open_connection': { awaitReturnsTuple: ['asyncio.StreamReader', 'asyncio.StreamWriter'] },
    open_unix_connection: { coroutine: true, awaitReturnsTuple: ['asyncio.StreamReader', 'asyncio.StreamWriter'] },
    create_subprocess_exec: { coroutine: true, awaitReturns: 'asyncio.subprocess.Process' },
    create_subprocess_shell: { coroutine: true, awaitReturns: 'asyncio.subprocess.Process' },
    start_server: { coroutine: true, awaitReturns: 'asyncio.Server' },
    get_event_loop: { returns: 'asyncio.AbstractEventLoop' },
    get_running_loop: { returns: 'asyncio.AbstractEventLoop' },
    new_event_loop: { returns: 'asyncio.AbstractEventLoop' },
    'events.get_event_loop': { returns: 'asyncio.AbstractEventLoop' },
    'events.get_running_loop': { returns: 'asyncio.AbstractEventLoop' },
    create_task: { roles: ['task-spawner'] },
    ensure_future: { roles: ['task-spawner'] },
    'tasks.create_task': { roles: ['task-spawner'] },
    'tasks.ensure_future': { roles: ['task-spawner'] },
    wrap_future: { roles: ['future-maker'] },
    'futures.wrap_future': { roles: ['future-maker'] },
    timeout: { returns: 'asyncio.Timeout' },
    timeout_at: { returns: 'asyncio.Timeout' },
    'timeouts.timeout': { returns: 'asyncio.Timeout' },
    'timeouts.timeout_at': { returns: 'asyncio.Timeout' },
  },
  classes: {
    Queue: { ...QUEUE, aliases: ['asyncio.queues.Queue'] },
    PriorityQueue: QUEUE,
    LifoQueue: QUEUE,
    Lock: { coroutines: 'acquire', asyncContextManager: true, aliases: ['asyncio.locks.Lock'] },
    Semaphore: { coroutines: 'acquire', asyncContextManager: true, aliases: ['asyncio.locks.Semaphore'], roles: ['concurrency-limiter'] },
    BoundedSemaphore: { coroutines: 'acquire', asyncContextManager: true, aliases: ['asyncio.locks.BoundedSemaphore'], roles: ['concurrency-limiter'] },
    Event: { coroutines: 'wait' },
    Condition: { coroutines: 'acquire wait wait_for', asyncContextManager: true },
    Barrier: { coroutines: 'wait abort' },
    Timeout: { asyncContextManager: true, aliases: ['asyncio.timeouts.Timeout'], roles: ['timeout-scope'] },
    TaskGroup: { asyncContextManager: true, aliases: ['asyncio.taskgroups.TaskGroup'], roles: ['task-group'] },
    StreamWriter: { coroutines: 'drain wait_closed start_tls' },
    StreamReader: { coroutines: 'read readline readexactly readuntil', asyncIterable: true },
    AbstractEventLoop: {
      coroutines: LOOP_COROUTINES,
      methods: { create_task: { roles: ['task-spawner'] }, run_in_executor: { roles: ['future-maker'] }, create_future: { roles: ['future-maker'] } },
    },
    Future: { aliases: ['asyncio.futures.Future'], roles: ['future-maker'] },
    'subprocess.Process': { coroutines: 'wait communicate' },
    Server: { coroutines: 'serve_forever start_serving wait_closed' },
    CancelledError: { aliases: ['asyncio.exceptions.CancelledError'], roles: ['cancellation-exception'] },
  },
  starExports: {
    '': 'AbstractEventLoop Barrier BoundedSemaphore CancelledError Condition Event Future LifoQueue Lock PriorityQueue Queue Semaphore Server StreamReader StreamWriter Timeout as_completed create_subprocess_exec create_subprocess_shell create_task ensure_future gather get_event_loop get_running_loop new_event_loop open_connection open_unix_connection run shield sleep start_server start_unix_server timeout timeout_at to_thread wait wait_for wrap_future',
  },
});
