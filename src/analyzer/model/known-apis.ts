// What the analyzer knows about libraries, by qualified name. A "type" here is the qualified name of
// what was called to make a value (`asyncio.Queue`), and a method on it is `asyncio.Queue.put`.
// Only names listed here (or defined in the analyzed project) ever produce findings: unknown means silent.

const methods = (owner: string, names: string): string[] => names.split(/\s+/).map((name) => `${owner}.${name}`);

const QUEUES = ['asyncio.Queue', 'asyncio.PriorityQueue', 'asyncio.LifoQueue', 'asyncio.queues.Queue'];
const HTTP_VERBS = 'get post put patch delete head options request';
const MEMORY_SEND_STREAM = 'anyio.streams.memory.MemoryObjectSendStream';
const MEMORY_RECEIVE_STREAM = 'anyio.streams.memory.MemoryObjectReceiveStream';

/** Calling these returns a coroutine (or an awaitable that does nothing until awaited). */
export const LIBRARY_COROUTINE_FUNCTIONS: ReadonlySet<string> = new Set([
  ...methods('asyncio', 'sleep wait_for wait open_connection open_unix_connection start_server start_unix_server create_subprocess_exec create_subprocess_shell to_thread'),
  ...QUEUES.flatMap((queue) => methods(queue, 'put get join')),
  ...methods('asyncio.Lock', 'acquire'),
  ...methods('asyncio.Semaphore', 'acquire'),
  ...methods('asyncio.BoundedSemaphore', 'acquire'),
  ...methods('asyncio.Event', 'wait'),
  ...methods('asyncio.Condition', 'acquire wait wait_for'),
  ...methods('asyncio.Barrier', 'wait abort'),
  ...methods('asyncio.StreamWriter', 'drain wait_closed start_tls'),
  ...methods('asyncio.StreamReader', 'read readline readexactly readuntil'),
  ...methods('asyncio.AbstractEventLoop', 'sock_recv sock_recv_into sock_sendall sock_connect sock_accept sock_sendfile getaddrinfo getnameinfo create_connection create_server create_unix_connection create_unix_server create_datagram_endpoint subprocess_exec subprocess_shell shutdown_asyncgens shutdown_default_executor connect_read_pipe connect_write_pipe start_tls sendfile'),
  ...methods('asyncio.subprocess.Process', 'wait communicate'),
  ...methods('asyncio.Server', 'serve_forever start_serving wait_closed'),
  ...methods('aiohttp.ClientSession', `${HTTP_VERBS} ws_connect close`),
  ...methods('aiohttp.ClientResponse', 'text json read'),
  ...methods('aiohttp.StreamReader', 'read readline readany readchunk readexactly readuntil'),
  ...methods('httpx.AsyncClient', `${HTTP_VERBS} send aclose`),
  ...methods('asyncpg', 'connect create_pool'),
  ...methods('asyncpg.Connection', 'execute executemany fetch fetchrow fetchval close copy_to_table copy_records_to_table'),
  ...methods('asyncpg.Pool', 'execute executemany fetch fetchrow fetchval close'),
  ...methods('aiosqlite.Connection', 'execute executemany executescript commit rollback close'),
  ...methods('aiofiles.os', 'remove unlink rename replace mkdir makedirs rmdir stat listdir scandir'),
  ...methods('aiofiles.os.path', 'exists isfile isdir getsize'),
  ...methods('anyio', 'sleep sleep_forever sleep_until'),
  ...methods('anyio.to_thread', 'run_sync'),
  ...methods(MEMORY_SEND_STREAM, 'send aclose'),
  ...methods(MEMORY_RECEIVE_STREAM, 'receive aclose'),
  ...methods('trio', 'sleep sleep_forever sleep_until aclose_forcefully open_file open_tcp_stream open_ssl_over_tcp_stream open_unix_socket open_tcp_listeners open_ssl_over_tcp_listeners serve_tcp serve_ssl_over_tcp serve_listeners run_process'),
  ...methods('trio.lowlevel', 'checkpoint checkpoint_if_cancelled cancel_shielded_checkpoint open_process wait_readable wait_writable wait_task_rescheduled temporarily_detach_coroutine_object permanently_detach_coroutine_object reattach_detached_coroutine_object'),
  ...methods('trio.to_thread', 'run_sync'),
  ...methods('redis.asyncio.Redis', 'get set delete exists expire incr decr hget hset hgetall lpush rpush lpop rpop publish close aclose ping'),
]);

/** What a call returns, when that is not "an instance of what was called". */
export const CALL_RESULT_TYPES: ReadonlyMap<string, string> = new Map([
  ...['asyncio.get_event_loop', 'asyncio.get_running_loop', 'asyncio.new_event_loop', 'asyncio.events.get_event_loop', 'asyncio.events.get_running_loop']
    .map((name): [string, string] => [name, 'asyncio.AbstractEventLoop']),
  ['asyncio.timeout', 'asyncio.Timeout'],
  ['asyncio.timeout_at', 'asyncio.Timeout'],
  ['asyncio.timeouts.timeout', 'asyncio.Timeout'],
  ['asyncio.timeouts.timeout_at', 'asyncio.Timeout'],
  ['asyncio.timeouts.Timeout', 'asyncio.Timeout'],
  ['socket.create_connection', 'socket.socket'],
  ['socket.create_server', 'socket.socket'],
  ['anyio.create_task_group', 'anyio.abc.TaskGroup'],
  ['redis.asyncio.from_url', 'redis.asyncio.Redis'],
  ['redis.asyncio.StrictRedis', 'redis.asyncio.Redis'],
  ['aiohttp.request', 'aiohttp.ClientSession.request'],
  ['requests.session', 'requests.Session'],
  ['requests.sessions.Session', 'requests.Session'],
  ['pathlib.PosixPath', 'pathlib.Path'],
  ['pathlib.WindowsPath', 'pathlib.Path'],
  // Path methods that return a path (`rename`, `replace` and `readlink` do I/O, and return the new path).
  ...methods('pathlib.Path', 'cwd home resolve absolute expanduser with_name with_suffix with_stem with_segments joinpath relative_to readlink rename replace')
    .map((name): [string, string] => [name, 'pathlib.Path']),
  ['ssl.create_default_context', 'ssl.SSLContext'],
  ['ssl._create_unverified_context', 'ssl.SSLContext'],
]);

/** What an attribute of a library value holds, by `type.attribute`. */
export const ATTRIBUTE_TYPES: ReadonlyMap<string, string> = new Map([
  ['pathlib.Path.parent', 'pathlib.Path'],
  ['aiohttp.ClientResponse.content', 'aiohttp.StreamReader'],
]);

/** What `await call()` gives, by what was called. */
export const AWAIT_RESULT_TYPES: ReadonlyMap<string, string> = new Map([
  ['asyncio.create_subprocess_exec', 'asyncio.subprocess.Process'],
  ['asyncio.create_subprocess_shell', 'asyncio.subprocess.Process'],
  ['asyncio.start_server', 'asyncio.Server'],
  ['asyncpg.connect', 'asyncpg.Connection'],
  ['asyncpg.create_pool', 'asyncpg.Pool'],
  ['aiosqlite.connect', 'aiosqlite.Connection'],
  ...methods('aiohttp.ClientSession', HTTP_VERBS).map((name): [string, string] => [name, 'aiohttp.ClientResponse']),
  ...methods('httpx.AsyncClient', HTTP_VERBS).map((name): [string, string] => [name, 'httpx.Response']),
]);

/** The types of the elements of what `await call()` gives, when it is unpacked (`reader, writer = await ...`). */
export const AWAIT_RESULT_ELEMENT_TYPES: ReadonlyMap<string, readonly string[]> = new Map([
  ['asyncio.open_connection', ['asyncio.StreamReader', 'asyncio.StreamWriter']],
  ['asyncio.open_unix_connection', ['asyncio.StreamReader', 'asyncio.StreamWriter']],
  ['asyncio.streams.open_connection', ['asyncio.StreamReader', 'asyncio.StreamWriter']],
]);

/** The types of the elements of what `call()` returns, when it is unpacked (`send, receive = ...`). */
export const CALL_RESULT_ELEMENT_TYPES: ReadonlyMap<string, readonly string[]> = new Map([
  ['anyio.create_memory_object_stream', [MEMORY_SEND_STREAM, MEMORY_RECEIVE_STREAM]],
]);

/** What `with x as y` / `async with x as y` binds to y, by the type of x, when it is not x itself. */
export const CONTEXT_ENTER_TYPES: ReadonlyMap<string, string> = new Map([
  ...methods('aiohttp.ClientSession', HTTP_VERBS).map((name): [string, string] => [name, 'aiohttp.ClientResponse']),
  ['aiofiles.open', 'aiofiles.threadpool.AsyncFile'],
  ['asyncpg.Pool.acquire', 'asyncpg.Connection'],
  ['builtins.open', 'io.IOBase'],
  ['io.open', 'io.IOBase'],
]);

/** What calling a function decorated with `@contextlib.asynccontextmanager` returns: `async with` enters it,
 *  plain `with` raises TypeError. Entering it gives whatever the generator yields (unknown). */
export const ASYNC_GENERATOR_CONTEXT_MANAGER = 'contextlib._AsyncGeneratorContextManager';

/** Decorators that turn an async generator function into a factory of ASYNC_GENERATOR_CONTEXT_MANAGER. */
export const ASYNC_CONTEXT_MANAGER_DECORATORS: ReadonlySet<string> = new Set(['contextlib.asynccontextmanager']);

/** Types usable with `async with` but not with `with`. */
export const ASYNC_ONLY_CONTEXT_MANAGERS: ReadonlySet<string> = new Set([
  ASYNC_GENERATOR_CONTEXT_MANAGER,
  'asyncio.Lock', 'asyncio.Semaphore', 'asyncio.BoundedSemaphore', 'asyncio.Condition', 'asyncio.Timeout',
  'asyncio.TaskGroup', 'asyncio.taskgroups.TaskGroup', 'asyncio.locks.Lock', 'asyncio.locks.Semaphore',
  'aiohttp.ClientSession', ...methods('aiohttp.ClientSession', `${HTTP_VERBS} ws_connect`),
  'httpx.AsyncClient', 'httpx.AsyncClient.stream',
  'aiofiles.open', 'anyio.abc.TaskGroup', 'anyio.Lock', 'anyio.Semaphore', 'anyio.CapacityLimiter',
  'asyncpg.Pool.acquire', 'asyncpg.Connection.transaction', 'aiosqlite.connect', 'redis.asyncio.Redis',
  'websockets.connect', 'websockets.client.connect', 'websockets.asyncio.client.connect', 'websockets.serve',
  'contextlib.AsyncExitStack',
]);

/** What calling an (undecorated) async generator function returns: iterable with `async for` only. */
export const ASYNC_GENERATOR = 'types.AsyncGeneratorType';

/** Types iterable with `async for` but not with `for`. */
export const ASYNC_ONLY_ITERABLES: ReadonlySet<string> = new Set([
  ASYNC_GENERATOR,
  'asyncio.StreamReader', 'aiofiles.threadpool.AsyncFile', MEMORY_RECEIVE_STREAM,
  // `response.content` and what its `iter_chunked(n)`, `iter_any()`, `iter_chunks()` return.
  'aiohttp.StreamReader', ...methods('aiohttp.StreamReader', 'iter_chunked iter_any iter_chunks'),
]);

/** Builtins that libraries export a replacement of (`aiofiles.open`, `io.open`, `gzip.open`, `os.open`...): after
 *  `from module import *` the bare name may be the module's. Other builtins keep their meaning there (rules
 *  mostly read them to stay quiet: `range(10)`, `@staticmethod`, `except BaseException`). */
export const STAR_EXPORTED_BUILTINS: ReadonlySet<string> = new Set(['open', 'input', 'print']);

/** What `from MODULE import *` binds (MODULE's `__all__`, else its public names; checked with CPython 3.11),
 *  restricted to the names rules ask about as `MODULE.name`: after the star import, a bare `sleep` that
 *  nothing else binds is `time.sleep`. */
export const STAR_IMPORTED_NAMES: ReadonlyMap<string, ReadonlySet<string>> = new Map(Object.entries({
  time: 'sleep',
  os: '_exit abort access chmod chown fdopen fwalk lchown link listdir lstat makedirs mkdir open openpty path pipe pipe2 popen posix_spawn posix_spawnp readlink remove removedirs rename renames replace rmdir scandir sendfile spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe stat statvfs symlink system truncate unlink utime wait wait3 wait4 waitid waitpid walk',
  'os.path': 'exists getatime getctime getmtime getsize isdir isfile islink ismount lexists realpath samefile',
  subprocess: 'Popen call check_call check_output getoutput getstatusoutput run',
  socket: 'create_connection create_server getaddrinfo getfqdn gethostbyaddr gethostbyname gethostbyname_ex getnameinfo socket',
  asyncio: 'AbstractEventLoop Barrier BoundedSemaphore CancelledError Condition Event Future LifoQueue Lock PriorityQueue Queue Semaphore Server StreamReader StreamWriter Timeout as_completed create_subprocess_exec create_subprocess_shell create_task ensure_future gather get_event_loop get_running_loop new_event_loop open_connection open_unix_connection run shield sleep start_server start_unix_server timeout timeout_at to_thread wait wait_for wrap_future',
  io: 'IOBase open open_code',
  threading: 'BoundedSemaphore Condition Lock RLock Semaphore',
  'urllib.request': 'urlopen urlretrieve',
  'http.client': 'HTTPConnection HTTPSConnection',
  sqlite3: 'connect',
  tempfile: 'NamedTemporaryFile SpooledTemporaryFile TemporaryFile mkdtemp mkstemp',
  shutil: 'chown copy copy2 copyfile copymode copystat copytree disk_usage make_archive move rmtree unpack_archive which',
  glob: 'glob iglob',
  gzip: 'open',
  bz2: 'open',
  lzma: 'open',
  importlib: 'import_module',
  ssl: 'SSLContext create_default_context',
  pathlib: 'Path PosixPath WindowsPath',
  'concurrent.futures': 'ProcessPoolExecutor ThreadPoolExecutor',
  pty: 'openpty',
}).map(([module, names]): [string, ReadonlySet<string>] => [module, new Set(names.split(' '))]));

/** Base classes that define none of the methods rules ask about, so a class deriving from them is fully
 *  known from its own body (any other base we cannot see might define `__enter__`, `__iter__`, `fetch`...). */
export const INERT_BASE_CLASSES: ReadonlySet<string> = new Set([
  'builtins.object', 'builtins.Exception', 'abc.ABC', 'typing.Generic', 'typing.Protocol', 'typing_extensions.Protocol',
]);

/** Decorators after which an `async def` is still called to get a coroutine. Any other decorator may
 *  change what calling the function returns, so the function is then treated as unknown. */
export const TRANSPARENT_DECORATORS: ReadonlySet<string> = new Set([
  'builtins.staticmethod', 'builtins.classmethod', 'abc.abstractmethod', 'functools.wraps',
  'typing.override', 'typing_extensions.override', 'tenacity.retry', 'backoff.on_exception',
  'backoff.on_predicate', 'async_lru.alru_cache',
]);

/** Task groups and nurseries (what `async with` enters; a type, or the call that makes one). */
export const TASK_GROUP_TYPES: ReadonlySet<string> = new Set([
  'asyncio.TaskGroup', 'asyncio.taskgroups.TaskGroup', 'anyio.abc.TaskGroup', 'anyio.create_task_group', 'trio.open_nursery', 'trio.Nursery',
]);

/** Cancel scopes with a deadline: `async with asyncio.timeout()`, `with anyio.fail_after()`, `with trio.move_on_after()`. */
export const TIMEOUT_SCOPE_TYPES: ReadonlySet<string> = new Set([
  'asyncio.Timeout', 'anyio.fail_after', 'anyio.move_on_after',
  'trio.fail_after', 'trio.fail_at', 'trio.move_on_after', 'trio.move_on_at',
]);

/** Every cancel scope: the deadline ones and the explicit CancelScope classes. */
export const CANCEL_SCOPE_TYPES: ReadonlySet<string> = new Set([...TIMEOUT_SCOPE_TYPES, 'anyio.CancelScope', 'trio.CancelScope']);

/** Objects that bound how many tasks run at once when entered with `async with` or passed to workers. */
export const CONCURRENCY_LIMITER_TYPES: ReadonlySet<string> = new Set([
  'asyncio.Semaphore', 'asyncio.BoundedSemaphore', 'asyncio.locks.Semaphore', 'asyncio.locks.BoundedSemaphore',
  'anyio.Semaphore', 'anyio.CapacityLimiter', 'trio.Semaphore', 'trio.CapacityLimiter',
]);

/** Exception classes that carry a task's cancellation (catching them stops it unless re-raised). */
export const CANCELLATION_EXCEPTIONS: ReadonlySet<string> = new Set([
  'asyncio.CancelledError', 'asyncio.exceptions.CancelledError', 'trio.Cancelled',
]);

/** Calls returning the running backend's cancellation exception class (`except anyio.get_cancelled_exc_class():`). */
export const CANCELLATION_EXCEPTION_FACTORIES: ReadonlySet<string> = new Set(['anyio.get_cancelled_exc_class']);

/** Async sleeps: awaiting one is a pure checkpoint that raises nothing but cancellation. */
export const ASYNC_SLEEP_FUNCTIONS: ReadonlySet<string> = new Set(['asyncio.sleep', 'anyio.sleep', 'trio.sleep']);

/** What starts an event loop, by qualified name, and whether its first argument is what to await instead. */
export const LOOP_STARTERS: ReadonlyMap<string, { awaitsArgument: boolean }> = new Map([
  ['asyncio.run', { awaitsArgument: true }],
  ['asyncio.runners.run', { awaitsArgument: true }],
  ['asyncio.AbstractEventLoop.run_until_complete', { awaitsArgument: true }],
  ['asyncio.AbstractEventLoop.run_forever', { awaitsArgument: false }],
]);
