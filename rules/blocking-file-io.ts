import type { Node } from 'web-tree-sitter';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { toThreadReplacement } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';

const names = (owner: string, members: string): string[] => members.split(' ').map((m) => `${owner}.${m}`);

/** Calls that open a file synchronously (ASYNC230, ASYNC231): the body that uses the file must change too,
 *  so there is no mechanical fix. */
const FILE_OPENERS: ReadonlySet<string> = new Set([
  'builtins.open', 'io.open', 'io.open_code', 'codecs.open', 'os.fdopen',
  'tempfile.TemporaryFile', 'tempfile.NamedTemporaryFile',
]);

/** `os.path` functions that touch the file system (ASYNC240); the others are pure string work. */
const OS_PATH_FS_CALLS: ReadonlySet<string> = new Set(
  names('os.path', 'exists lexists isfile isdir islink ismount getsize getmtime getatime getctime samefile realpath'),
);

/** `os` functions that read a directory (ASYNC240's `os.path` calls list it too, for the same reason), and
 *  whether `asyncio.to_thread` can run them as they are (`os.walk` and `os.scandir` return lazy iterators
 *  that read the directory while they are iterated). */
const OS_DIRECTORY_CALLS: ReadonlyMap<string, boolean> = new Map([['os.listdir', true], ['os.scandir', false], ['os.walk', false]]);

/** `pathlib.Path` methods that do file-system I/O (ASYNC240), and whether `asyncio.to_thread` can run them
 *  as they are (iterdir/glob return lazy iterators that block when iterated; open needs the body to change). */
const PATH_IO_METHODS: ReadonlyMap<string, boolean> = new Map([
  ...'read_text write_text read_bytes write_bytes exists is_file is_dir is_symlink is_mount stat lstat mkdir rmdir unlink touch rename replace chmod samefile owner group readlink symlink_to hardlink_to'
    .split(' ').map((m): [string, boolean] => [m, true]),
  ...'open iterdir glob rglob'.split(' ').map((m): [string, boolean] => [m, false]),
]);

const PATH_PREFIX = 'pathlib.Path.';

export default defineRule({
  name: 'blocking-file-io',
  aliases: ['ASYNC230', 'ASYNC231', 'ASYNC240'],
  severity: 'warning',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports synchronous file I/O inside a coroutine: `open()`, `io.open`, `codecs.open`, `os.fdopen`, `pathlib.Path` reads, writes and checks, `os.path` calls that touch the file system, and directory listings (`os.listdir`, `os.scandir`, `os.walk`).',
  why: 'Disk and network file systems can take milliseconds to seconds, and a synchronous call holds the event loop for all of it. `aiofiles`, or `await asyncio.to_thread(...)`, does the I/O in a worker thread while other tasks run.',
  bad: `import asyncio
import os.path
from pathlib import Path


async def load_config(name):
    path = Path("config") / name
    if os.path.exists(path):
        return path.read_text()
    return ""
`,
  good: `import asyncio
import os.path
from pathlib import Path


async def load_config(name):
    path = Path("config") / name
    if await asyncio.to_thread(os.path.exists, path):
        return await asyncio.to_thread(path.read_text)
    return ""
`,
  fix: 'Wraps `os.path` calls and `pathlib.Path` reads/writes in `await asyncio.to_thread(...)` when `asyncio` is imported (`open()` has no mechanical fix: the code using the file changes too).',
  query: CALL_QUERY,
  check({ call, function: fn }, { model, report }) {
    const callee = model.callee(call);
    if (callee && FILE_OPENERS.has(callee)) {
      if (!model.isInCoroutine(call) || (callee === 'os.fdopen' && wrapsPipe(call, model))) return;
      report(call, `\`${callSnippet(call)}\` opens a file with blocking I/O in ${model.describeContext(call)}; use \`aiofiles.open\` or do the file work in \`await asyncio.to_thread(...)\``, {
        alias: callee === 'os.fdopen' ? 'ASYNC231' : 'ASYNC230',
      });
      return;
    }
    if (callee && OS_PATH_FS_CALLS.has(callee)) {
      if (!model.isInCoroutine(call)) return;
      report(call, `\`${callSnippet(call)}\` touches the file system synchronously in ${model.describeContext(call)}; use \`await asyncio.to_thread(${fn.text}${withArguments(call)})\``, {
        replacement: toThreadReplacement(call, model) ?? undefined,
        alias: 'ASYNC240',
      });
      return;
    }
    const listsDirectory = callee ? OS_DIRECTORY_CALLS.get(callee) : undefined;
    if (listsDirectory !== undefined) {
      if (!model.isInCoroutine(call)) return;
      const instead = listsDirectory ? `\`await asyncio.to_thread(${fn.text}${withArguments(call)})\`` : '`await asyncio.to_thread(...)` around the whole loop';
      report(call, `\`${callSnippet(call)}\` reads a directory synchronously in ${model.describeContext(call)}; use ${instead}`, {
        replacement: listsDirectory ? toThreadReplacement(call, model) ?? undefined : undefined,
        alias: null, // no ruff / flake8-async code covers `os` directory listings
      });
      return;
    }
    // Methods are recognised by the callee (`pathlib.Path.read_text`), which the model resolves once per call
    // for every rule, rather than by looking at the syntax tree of each call.
    if (!callee?.startsWith(PATH_PREFIX)) return;
    const method = callee.slice(PATH_PREFIX.length);
    const offloadable = PATH_IO_METHODS.get(method);
    if (offloadable === undefined || !model.isInCoroutine(call)) return;
    const replacement = offloadable ? toThreadReplacement(call, model) : null;
    const instead = offloadable ? `\`await asyncio.to_thread(${fn.text}${withArguments(call)})\`` : method === 'open' ? '`aiofiles.open` or `await asyncio.to_thread(...)`' : '`await asyncio.to_thread(...)` around the whole loop';
    report(call, `\`${callSnippet(call)}\` does blocking file-system I/O in ${model.describeContext(call)}; use ${instead}`, {
      replacement: replacement ?? undefined,
      alias: method === 'open' ? 'ASYNC230' : 'ASYNC240',
    });
  },
});

/** Calls returning the two descriptors of a pipe or pseudo-terminal: no file system behind them. */
const PIPE_MAKERS: ReadonlySet<string> = new Set(['os.pipe', 'os.pipe2', 'os.openpty', 'pty.openpty']);

/** `r, w = os.pipe(); os.fdopen(r, "rb")` wraps a pipe end (or another object's descriptor): opening it does no file-system I/O, and the
 *  pipe is typically polled by the loop (asked only for `os.fdopen`, so the `.parent` steps are rare). */
function wrapsPipe(call: Node, model: SemanticModel): boolean {
  const fd = call.childForFieldName('arguments')?.namedChildren[0];
  // `os.fdopen(sock.detach(), "rb")`, `os.fdopen(sys.stdout.fileno(), "wb", closefd=False)`: the descriptor of
  // an object already open, a socket or a standard stream; wrapping it opens nothing on the file system.
  if (fd?.type === 'call') {
    const method = fd.childForFieldName('function');
    return method?.type === 'attribute' && ['detach', 'fileno'].includes(method.childForFieldName('attribute')?.text ?? '');
  }
  if (fd?.type !== 'identifier') return false;
  const found = model.scopes.lookup(fd.text, model.scopes.scopeOf(fd));
  return !!found && found.bindings.some((binding) => {
    if (binding.kind !== 'opaque') return false;
    const assignment = binding.node.parent?.parent;
    const value = assignment?.type === 'assignment' ? assignment.childForFieldName('right') : null;
    return value?.type === 'call' && PIPE_MAKERS.has(model.callee(value) ?? '');
  });
}

/** `, ...` when the call passes arguments (for the advice `asyncio.to_thread(f, ...)`). */
function withArguments(call: Node): string {
  return call.childForFieldName('arguments')?.namedChildCount ? ', ...' : '';
}
