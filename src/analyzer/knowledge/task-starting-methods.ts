// Calls that run what they are given as a task of its own, known by the name the call ends with: the receiver
// is often a task group or a client the model cannot type (`self.taskgroup.spawn(...)`,
// `self.server.start_background_task(...)`, `hass.async_create_task(...)`). A coroutine started this way is
// the body of a task: its owner may cancel it, but nobody awaits it inline and carries on with its result.
// Add a library's spawner here (with the library named in the comment) to teach the rules about it.

/** Calls that run the coroutine they are given as a task. */
export const STARTS_COROUTINE_AS_TASK: ReadonlySet<string> = new Set([
  'create_task', 'ensure_future', 'Task', // asyncio (and TaskGroup.create_task, loop.create_task, wrappers of the name)
  'convert_yielded', // tornado.gen
  'spawn', // aiorpcx / curio TaskGroup.spawn, aiojobs Scheduler.spawn: the group or scheduler keeps the task
  'async_create_task', 'async_create_background_task', 'create_background_task', // Home Assistant (hass, config entries)
  // asyncio.gather runs each coroutine as a task of its own that only the gather holds; cancelled, the gather
  // raises CancelledError even where a child swallowed it and returned (bpo-32684, Python 3.7 and 3.6.6).
  'gather',
]);

/** Calls that run the coroutine function they are given in a task. */
export const STARTS_FUNCTION_AS_TASK: ReadonlySet<string> = new Set([
  'start_soon', 'start', 'spawn_system_task', // trio and anyio nurseries, trio's system tasks
  'spawn_callback', 'add_callback', // tornado's IOLoop
  'start_background_task', // python-socketio / python-engineio servers and clients
  'start_server', 'start_unix_server', // asyncio streams: the client_connected_cb runs as a task per connection
]);

/** The parameters (after `self`) of asyncio's stream-server callback, `client_connected_cb(reader, writer)`, as
 *  its docs name them: a coroutine taking exactly these is started as a task per connection by
 *  `asyncio.start_server`, wherever that call is (a library's handler is handed to it by its users). */
export const CONNECTION_CALLBACK_PARAMETERS: readonly string[] = ['reader', 'writer'];

/** Coroutine methods that start a task in a group that keeps it and return at once (`await group.spawn(coro)`):
 *  a task made only to run one of them finishes in its first step, holding nothing. */
export const SPAWNS_INTO_GROUP: ReadonlySet<string> = new Set(['spawn']);

/** Calls that run the coroutine they are given as the loop's main task, whose task object nobody else holds and
 *  so nobody can cancel (Ctrl-C interrupts `run_until_complete` with KeyboardInterrupt, not a cancel). */
export const RUNS_COROUTINE_AS_LOOP_MAIN: ReadonlySet<string> = new Set(['run_until_complete']);
