import type { Node } from 'web-tree-sitter';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { forLibrary, hostOffloadAdvice, offloadAdvice, offloadReplacement, offloadText, passesKeywords } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { lastPart, type SemanticModel } from '../src/analyzer/model/semantic-model.js';
import {
  FILE_FREE_FORMS, FILE_SYSTEM_CALLS, IN_MEMORY_STREAMS, PATH_BUILDERS, PSEUDO_FILE_NAMES, PSEUDO_FILE_PREFIXES, SPOOLED_FILES,
  type FileFreeForm, type FileSystemCall, type Parameter,
} from './support/file-system-calls.js';

export default defineRule({
  name: 'blocking-file-io',
  aliases: ['ASYNC230', 'ASYNC240'], // not ASYNC231 (os.fdopen): wrapping a descriptor that is open already does no I/O
  severity: 'warning',
  blocksTheLoop: true,
  defaultEnabled: false,
  note: 'Off by default: whether a file-system call holds up the loop long enough to matter depends on the file, its size and the disk, which the code does not say. On the ecosystem check maintainers accepted 2 of 39 findings (upload chunks written to a temporary file in a request handler, a directory walk over a firmware folder): the rest were single `stat`s or `open`s of small local files at startup or once per request, deliberate synchronous local I/O (asyncssh\'s `LocalFS`, Telethon\'s and discord.py\'s downloads to user paths), or test set-up. Turn it on (`rules: { blocking-file-io: warning }` or `--select blocking-file-io`) for services where disk latency matters: network file systems, large files, request paths. On by default in modules that import `homeassistant`: Home Assistant detects file I/O in its event loop (since 2024.7) and its maintainers fix every case (the library table\'s `enforces`, src/analyzer/knowledge/libraries/homeassistant.ts).',
  scope: 'coroutine',
  what: 'Reports synchronous file-system I/O inside a coroutine: opening files (`open()`, `io.open`, `codecs.open`, `gzip`/`bz2`/`lzma.open`, temporary files) and reading or writing temporary files; `pathlib.Path` reads, writes, checks and `resolve()`; `os.path` and `os` calls that touch the file system (`os.stat`, `os.remove`, `os.rename`, `os.makedirs`, `os.open`...); `shutil` copies, moves and removals; directory listings (`os.listdir`, `os.scandir`, `os.walk`, `glob.glob`, `glob.iglob`); TLS set-up that reads certificate files (`ssl.create_default_context()`, `load_cert_chain`, `load_verify_locations`); and `importlib.import_module`. Pseudo-files (paths under `/proc`, `/sys`, `/dev/fd`, and `/dev/null`), descriptors that are open already (`os.fdopen(fd)`) and data in memory (`cadata=`, `io.BytesIO`, a `SpooledTemporaryFile` without `max_size`) are not reported.',
  why: 'Disk and network file systems can take milliseconds to seconds, and a synchronous call holds the event loop for all of it. `aiofiles`, or `await asyncio.to_thread(...)` (`loop.run_in_executor` before Python 3.9; trio\'s and anyio\'s `open_file`, `Path` and `to_thread.run_sync`), does the I/O in a worker thread while other tasks run.',
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
  fix: 'Wraps calls that return their answer (`os.path` and `os` calls, `shutil` functions, `glob.glob`, `os.listdir`, `pathlib.Path` reads, writes and checks, reads and writes of temporary files, TLS set-up) in a worker thread with what the module\'s library and the project\'s oldest Python have, when that library\'s module is imported: `await asyncio.to_thread(...)` on 3.9+, `await asyncio.get_running_loop().run_in_executor(None, ...)` before (`get_event_loop()` before 3.7; only for calls without keyword arguments, which it cannot pass on), `await trio.to_thread.run_sync(...)` / `await anyio.to_thread.run_sync(...)` in trio and anyio code (also without keyword arguments). No fix in a module importing both trio and asyncio. Opening a file, lazy iterators (`os.scandir`, `os.walk`, `glob.iglob`, `Path.iterdir`) and `importlib.import_module` (a module\'s top-level code may need the main thread or the running loop) have no mechanical fix: the code around them changes too.',
  query: CALL_QUERY,
  check({ call, function: fn }, { model, report }) {
    const callee = model.callee(call);
    const known = callee ? FILE_SYSTEM_CALLS.get(callee) : undefined;
    if (!callee || !known || !model.isInCoroutine(call) || doesNoDiskIo(call, callee, known, model)) return;
    if (known.kind === 'open') {
      report(call, `\`${callSnippet(call)}\` opens a file with blocking I/O in ${model.describeContext(call)}; use ${openAdvice(call, model)}`, {
        alias: 'ASYNC230',
      });
      return;
    }
    if (known.kind === 'file-system') {
      report(call, `\`${callSnippet(call)}\` touches the file system synchronously in ${model.describeContext(call)}; use ${offloadCallAdvice(call, fn, model)}`, {
        replacement: known.offload ? offloadReplacement(call, model) ?? undefined : undefined,
        alias: ruffAlias(callee),
      });
      return;
    }
    if (known.kind === 'directory') {
      const listsDirectory = known.offload;
      const instead = listsDirectory ? offloadCallAdvice(call, fn, model) : `${offloadAdvice(model, call)} around the whole loop`;
      report(call, `\`${callSnippet(call)}\` reads a directory synchronously in ${model.describeContext(call)}; use ${instead}`, {
        replacement: listsDirectory ? offloadReplacement(call, model) ?? undefined : undefined,
        alias: null, // no ruff / flake8-async code covers directory listings
      });
      return;
    }
    // Methods are recognised by the callee (`pathlib.Path.read_text`), which the model resolves once per call
    // for every rule, rather than by looking at the syntax tree of each call.
    const method = lastPart(callee);
    const offloadable = known.offload;
    const replacement = offloadable ? offloadReplacement(call, model) : null;
    const instead = offloadable ? offloadCallAdvice(call, fn, model) : method === 'open' ? openAdvice(call, model) : `${offloadAdvice(model, call)} around the whole loop`;
    report(call, `\`${callSnippet(call)}\` does blocking file-system I/O in ${model.describeContext(call)}; use ${instead}`, {
      replacement: replacement ?? undefined,
      alias: method === 'open' ? 'ASYNC230' : 'ASYNC240',
    });
  },
});

/** Does the call, known to wait on the file system in general, do no disk I/O as written: it names only
 *  pseudo-files (`open("/proc/self/status")`), in-memory streams or open descriptors, is called in a form
 *  that reads no file (`cadata=`), or works on a spooled temporary file that never leaves memory? */
function doesNoDiskIo(call: Node, callee: string, known: FileSystemCall, model: SemanticModel): boolean {
  const args = argumentsOf(call);
  const fileFree = (form: FileFreeForm) => !!args && given(args, form.when, model) && !form.files.some((file) => given(args, file, model));
  if (FILE_FREE_FORMS.get(callee)?.some(fileFree)) return true;
  if (known.kind === 'method') {
    const receiver = call.childForFieldName('function')?.childForFieldName('object');
    const type = callee.slice(0, callee.lastIndexOf('.'));
    const spooled = SPOOLED_FILES.get(type);
    if (spooled) return !receiver || !madeWithSize(receiver, type, spooled, model);
    // `Path("/proc/self/fd").iterdir()`
    return type === 'pathlib.Path' && !!receiver && isPseudoFilePath(receiver, model, 0);
  }
  const paths = known.paths ?? 1;
  if (paths === 0 || !args || args.positional.length < paths) return false;
  return args.positional.slice(0, paths).every((arg) => isPseudoFilePath(arg, model, 0)
    || IN_MEMORY_STREAMS.has(model.typeOf(arg) ?? '') || isOpenDescriptor(arg));
}

interface Arguments { positional: Node[]; keywords: Map<string, Node> }

/** A call's arguments; null when some are passed by `*args` / `**kwargs` (then which is which is unknown). */
function argumentsOf(call: Node): Arguments | null {
  const result: Arguments = { positional: [], keywords: new Map() };
  for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') return null;
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name')?.text;
      const value = arg.childForFieldName('value');
      if (name && value) result.keywords.set(name, value);
    } else result.positional.push(arg);
  }
  return result;
}

/** Is the parameter passed, and not as `None` (as the name `is` when that is given)? */
function given(args: Arguments, parameter: Parameter & { is?: string }, model: SemanticModel): boolean {
  const value = args.keywords.get(parameter.name) ?? (parameter.position !== undefined ? args.positional[parameter.position] : undefined);
  if (parameter.is !== undefined) return !!value && model.qualifiedName(value) === parameter.is;
  return value !== undefined && value.type !== 'none';
}

/** Is every value of `receiver` made by calling `type` with a size other than 0 (`SpooledTemporaryFile(1 << 20)`),
 *  so that it may move to disk? Unknown receivers (`self.buffer`) are taken to stay in memory. */
function madeWithSize(receiver: Node, type: string, size: Parameter, model: SemanticModel): boolean {
  if (receiver.type === 'call') return model.callee(receiver) === type && givenNonZero(receiver, size);
  if (receiver.type !== 'identifier') return false;
  const found = model.scopes.lookup(receiver.text, model.scopes.scopeOf(receiver));
  return !!found && found.bindings.length > 0 && found.bindings.every((binding) => binding.kind === 'value' && binding.via !== 'param'
    && binding.value?.type === 'call' && model.callee(binding.value) === type && givenNonZero(binding.value, size));
}

function givenNonZero(call: Node, parameter: Parameter): boolean {
  const args = argumentsOf(call);
  if (!args) return true;
  const value = args.keywords.get(parameter.name) ?? (parameter.position !== undefined ? args.positional[parameter.position] : undefined);
  return value !== undefined && value.type !== 'none' && !(value.type === 'integer' && Number(value.text.replace(/_/g, '')) === 0);
}

/** `open(0)`, `open(sys.stdout.fileno(), "wb", closefd=False)`, `open(sock.detach())`: a descriptor that is
 *  open already; wrapping it opens nothing on the file system. */
function isOpenDescriptor(arg: Node): boolean {
  if (arg.type === 'integer') return true;
  const method = arg.type === 'call' ? arg.childForFieldName('function') : null;
  return method?.type === 'attribute' && ['fileno', 'detach'].includes(method.childForFieldName('attribute')?.text ?? '');
}

/** The deepest `name = "/proc/..."` chain followed to find a path's text. */
const MAX_PATH_DEPTH = 4;

/** Does the expression name a pseudo-file (`"/proc/self/status"`, `f"/proc/{pid}/stat"`, `Path("/dev/fd")`,
 *  `os.path.join("/sys/class", name)`, `os.devnull`, or a local name only ever bound to one of those)? */
function isPseudoFilePath(expr: Node, model: SemanticModel, depth: number): boolean {
  if (depth > MAX_PATH_DEPTH) return false;
  const next = (node: Node | null | undefined) => !!node && isPseudoFilePath(node, model, depth + 1);
  switch (expr.type) {
    case 'string': return isPseudoFileText(literalPrefix(expr));
    case 'concatenated_string': return next(expr.namedChildren[0]);
    case 'parenthesized_expression': return next(expr.namedChildren.find((child) => child?.type !== 'comment'));
    // `"/proc/" + pid`, `"/proc/%d/stat" % pid`, `Path("/proc") / pid`
    case 'binary_operator': return ['/', '+', '%'].includes(expr.childForFieldName('operator')?.text ?? '') && next(expr.childForFieldName('left'));
    case 'call': {
      const fn = expr.childForFieldName('function');
      // `"/proc/{}/stat".format(pid)`
      if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format' && fn.childForFieldName('object')?.type === 'string') {
        return next(fn.childForFieldName('object'));
      }
      const builds = PATH_BUILDERS.get(model.callee(expr) ?? '');
      if (builds === 'receiver') return next(fn?.childForFieldName('object'));
      return builds === 'argument' && next(argumentsOf(expr)?.positional[0]);
    }
    case 'attribute': return PSEUDO_FILE_NAMES.has(model.qualifiedName(expr) ?? '');
    case 'identifier': {
      if (PSEUDO_FILE_NAMES.has(model.qualifiedName(expr) ?? '')) return true;
      const found = model.scopes.lookup(expr.text, model.scopes.scopeOf(expr));
      return !!found && found.bindings.length > 0 && found.bindings.every((binding) => binding.kind === 'value' && binding.via === 'assign' && next(binding.value));
    }
    default: return false;
  }
}

/** The text a string literal starts with, up to its first interpolation or escape (`/proc/` for `f"/proc/{pid}"`). */
function literalPrefix(string: Node): string {
  const first = string.namedChildren[1];
  return first?.type === 'string_content' ? first.text.split('\\')[0] : '';
}

function isPseudoFileText(text: string): boolean {
  return PSEUDO_FILE_PREFIXES.some((prefix) => text === prefix || text.startsWith(`${prefix}/`));
}

/** The ruff / flake8-async code a file-system call answers to: ASYNC240 covers `os.path` and `pathlib`; the
 *  other `os`, `shutil`, `glob`, `ssl` and `importlib` calls have none. */
function ruffAlias(callee: string): string | null {
  return callee.startsWith('os.path.') || callee.startsWith('pathlib.') ? 'ASYNC240' : null;
}

/** The advice to run a call in a worker thread, as the module's library and the project's Pythons allow. */
function offloadCallAdvice(call: Node, fn: Node, model: SemanticModel): string {
  const args = call.childForFieldName('arguments')?.namedChildCount ? ['...'] : [];
  return offloadAdvice(model, call, fn.text, args, passesKeywords(call));
}

/** The async way to open a file in the module's library. */
function openAdvice(call: Node, model: SemanticModel): string {
  // A host framework's own executor, which its reviewers ask for (Home Assistant), rather than aiofiles.
  const host = hostOffloadAdvice(model, call);
  if (host) return `a function run by ${host} for the file work`;
  const work = (library: 'asyncio' | 'trio' | 'anyio') => `do the file work in ${offloadText(library, model)}`;
  return forLibrary(model, call, {
    asyncio: `\`aiofiles.open\` or ${work('asyncio')}`,
    trio: `\`await trio.open_file(...)\` or ${work('trio')}`,
    anyio: `\`await anyio.open_file(...)\` or ${work('anyio')}`,
  });
}
