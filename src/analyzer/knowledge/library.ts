// The format of what async-review knows about one library: what its classes are, what its functions and
// methods return, which of them are coroutines, which values `async with` / `async for` need, and which
// calls block the event loop. One file per library in ./libraries/ fills it in; ./index.ts assembles them
// into the tables the semantic model and the rules read. A name that no table lists stays unknown, and
// unknown is silent: an entry is a claim that findings rest on, so check it against the library's docs
// or source (and name them in `sources`).

/** Advice for each async library (the same shape as rule-helpers' ByLibrary, kept here so tables import
 *  nothing from the analyzer). */
export interface AdviceByLibrary {
  asyncio: string;
  trio: string;
  anyio: string;
}

/** Which blocking rule reports a call, and what the rule's message says of it. */
export type BlockingCall =
  /** blocking-http: a synchronous HTTP request. */
  | { kind: 'http' }
  /** blocking-database: a synchronous database client; `instead`: the async driver to use. `localFile`: the
   *  database is a local file (SQLite), whose queries are local file I/O: reported where file I/O is. */
  | { kind: 'database'; instead: string; localFile?: true }
  /** blocking-subprocess: `does` says what the call does ('runs a process and waits for it'); `instead`
   *  which async call runs, starts or waits for a process. */
  | { kind: 'process'; does: string; instead: 'run' | 'start' | 'wait' }
  /** blocking-sleep: a sleep on the calling thread. */
  | { kind: 'sleep' }
  /** blocking-input: a read from the terminal. */
  | { kind: 'input' }
  /** blocking-socket: a network wait (TCP handshake, DNS lookup); `instead`: what to await in each library
   *  (`loop` stands for the running loop). */
  | { kind: 'socket'; instead: AdviceByLibrary };

/** A function, or a method of a class: what calling it gives. */
export interface CallableKnowledge {
  /** Calling it gives a coroutine (or an awaitable that does nothing until awaited). */
  coroutine?: boolean;
  /** The type of what calling it gives, when that is not "an instance of what was called" (a factory:
   *  `asyncio.get_running_loop` gives an `asyncio.AbstractEventLoop`). A qualified name. */
  returns?: string;
  /** The types of the elements of what calling it gives, when it is unpacked (`send, receive = ...`). */
  returnsTuple?: readonly string[];
  /** The type of what `await call()` gives (`await asyncpg.connect()` gives an `asyncpg.Connection`). */
  awaitReturns?: string;
  /** The types of the elements of what `await call()` gives, when it is unpacked (`reader, writer = ...`). */
  awaitReturnsTuple?: readonly string[];
  /** What calling it gives can be entered only with `async with` (plain `with` raises). */
  asyncContextManager?: boolean;
  /** What `with call() as x` / `async with call() as x` binds to x, when it is not the call's value. */
  enters?: string;
  /** What calling it gives can be iterated only with `async for`. */
  asyncIterable?: boolean;
  /** It blocks the event loop's thread, and the named rule reports it inside coroutines. */
  blocking?: BlockingCall;
  /** Roles rules ask about (`task-spawner`, `async-sleep`, `transparent-decorator`...). */
  roles?: readonly Role[];
}

/** A class of the library (or any type its functions return). */
export interface ClassKnowledge {
  /** Other qualified names the class is importable or constructible as (`aiohttp.client.ClientSession`,
   *  `redis.asyncio.StrictRedis`): calling any of them makes an instance of this class. */
  aliases?: readonly string[];
  /** Methods that return a coroutine, space-separated: shorthand for `methods: { name: { coroutine: true } }`. */
  coroutines?: string;
  /** Methods whose calls give something more than (or other than) a coroutine. */
  methods?: Readonly<Record<string, CallableKnowledge>>;
  /** Attributes that hold a value of a known type, by name (`aiohttp.ClientResponse.content`). */
  attributes?: Readonly<Record<string, string>>;
  /** An instance can be entered only with `async with`. */
  asyncContextManager?: boolean;
  /** What `with x as y` / `async with x as y` binds to y, when it is not x itself. */
  enters?: string;
  /** An instance can be iterated only with `async for`. */
  asyncIterable?: boolean;
  /** Roles rules ask about (task groups, cancel scopes, concurrency limiters...). */
  roles?: readonly Role[];
  /** The async libraries' counterpart, for advice (`threading.Lock` → `asyncio.Lock`, `trio.Lock`...). */
  asyncEquivalent?: AdviceByLibrary;
  /** The method (a coroutine) that releases what an instance holds (`close`, `aclose`): an instance made and
   *  never closed or entered leaks it (unclosed-client-session). */
  closeMethod?: string;
}

/** What a class or function is for, in the rules' terms. */
export type Role =
  /** Runs child tasks until all of them end (`asyncio.TaskGroup`, `trio.open_nursery`). */
  | 'task-group'
  /** A cancel scope with a deadline (`asyncio.timeout`, `anyio.fail_after`). */
  | 'timeout-scope'
  /** A cancel scope without a deadline of its own (`anyio.CancelScope`). */
  | 'cancel-scope'
  /** Bounds how many tasks run at once (`asyncio.Semaphore`, `anyio.CapacityLimiter`). */
  | 'concurrency-limiter'
  /** An exception class that carries a task's cancellation (`asyncio.CancelledError`). */
  | 'cancellation-exception'
  /** Returns the running backend's cancellation exception class (`anyio.get_cancelled_exc_class`). */
  | 'cancellation-exception-factory'
  /** An async sleep: awaiting it is a pure checkpoint. */
  | 'async-sleep'
  /** A decorator after which an `async def` still gives a coroutine when called (`tenacity.retry`). */
  | 'transparent-decorator'
  /** A decorator that turns an async generator function into an async context manager factory. */
  | 'async-context-manager-decorator'
  /** An async HTTP client that pools connections, made to be shared (`aiohttp.ClientSession`). */
  | 'http-client-session'
  /** Schedules a task and returns the only strong reference to it (`asyncio.create_task`). */
  | 'task-spawner'
  /** Makes a Future whose work runs whether or not it is awaited (`loop.run_in_executor`). */
  | 'future-maker'
  /** Starts an event loop in the calling thread and runs it until it is stopped (`loop.run_forever`). */
  | 'loop-starter'
  /** Starts an event loop in the calling thread and runs the coroutine it is given to its end
   *  (`asyncio.run`, `loop.run_until_complete`): called inside a coroutine, await that coroutine instead. */
  | 'loop-runner'
  /** Runs the coroutine (function) it is given on a new loop of its own (`asyncio.run`, `trio.run`, `uvloop.run`). */
  | 'new-loop-runner';

/** Everything known about one library: one file in ./libraries/. Names in `functions` and `classes` are
 *  relative to `module` (`to_thread.run_sync` in anyio's table is `anyio.to_thread.run_sync`). */
export interface LibraryKnowledge {
  /** The top-level module (`aiohttp`, `redis.asyncio`, `time`). */
  module: string;
  /** Where the entries were checked: the docs pages or source files that say so. */
  sources: readonly string[];
  /** Module-level functions that return a coroutine, space-separated (shorthand, as in ClassKnowledge). */
  coroutines?: string;
  /** Module-level functions (and other callables) whose calls give more than a coroutine. */
  functions?: Readonly<Record<string, CallableKnowledge>>;
  /** The library's classes. */
  classes?: Readonly<Record<string, ClassKnowledge>>;
  /** What `from MODULE import *` binds, for the names rules ask about, by module (the library's module or its
   *  submodules, relative: '' for the module itself). After a lone star import of the module, a bare name
   *  that nothing else binds means `module.name`. */
  starExports?: Readonly<Record<string, string>>;
  /** Rules off by default that the library's own runtime enforces in the code that uses it (Home Assistant's
   *  blocking-call detector reports file I/O in its event loop): they run by default in modules importing it. */
  enforces?: readonly string[];
  /** How code using the library runs a blocking call in a worker thread, when its convention is not asyncio's
   *  `to_thread`: `await hass.async_add_executor_job(fn, *args)`. Used where `receiver` is a name bound in the
   *  code (a `hass` parameter); positional arguments only. */
  executor?: { receiver: string; method: string };
}

/** Identity, for type-checking a table where it is written: `export default defineLibrary({ ... })`. */
export function defineLibrary(library: LibraryKnowledge): LibraryKnowledge {
  return library;
}
