import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { forLibrary, runningLoopCall, type ByLibrary } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { blockingCallsOf } from '../src/analyzer/model/known-apis.js';

/** Module functions that wait for the network (a TCP handshake or a DNS lookup), with what to use instead in
 *  each library (`loop` stands for the running loop, which the message says how to get), from the library
 *  tables (src/analyzer/knowledge/libraries/socket.ts). */
const BLOCKING_SOCKET_FUNCTIONS: ReadonlyMap<string, ByLibrary> = new Map([...blockingCallsOf('socket')].map(([name, call]) => [name, call.instead]));

const SOCKET_PREFIX = 'socket.socket.';

/** Methods that wait on a blocking socket. Connecting or sending on a datagram socket does not wait. */
const WAITING_METHODS: ReadonlySet<string> = new Set(['connect', 'connect_ex', 'recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'send', 'sendall', 'sendto', 'sendfile', 'accept']);
/** `loop.sock_*` names where they differ from the socket method's. */
const LOOP_EQUIVALENT: Readonly<Record<string, string>> = { send: 'sendall', connect_ex: 'connect' };
/** The Python that added each `loop.sock_*` method not in 3.5 (sock_recv_into, sock_sendfile: 3.7; the
 *  datagram ones: 3.11). */
const LOOP_METHOD_SINCE: Readonly<Record<string, readonly [number, number]>> = {
  recv_into: [3, 7], sendfile: [3, 7], recvfrom: [3, 11], recvfrom_into: [3, 11], sendto: [3, 11],
};
/** `trio.socket` sockets have these methods too, awaited (not sendall or sendfile: trio streams send all). */
const TRIO_SOCKET_METHODS: ReadonlySet<string> = new Set(['connect', 'recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'send', 'sendto', 'accept']);
const DATAGRAM_SAFE_METHODS: ReadonlySet<string> = new Set(['connect', 'connect_ex', 'send', 'sendto']);

export default defineRule({
  name: 'blocking-socket',
  aliases: [],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports blocking socket operations inside a coroutine: connect/recv/send/accept on a blocking `socket.socket`, `socket.create_connection`, and DNS lookups such as `socket.getaddrinfo` and `socket.gethostbyname`.',
  why: 'A blocking socket call waits for the network on the event loop\'s thread, so every other task stalls until the peer answers. asyncio streams (`asyncio.open_connection`) and `loop.getaddrinfo` (trio\'s and anyio\'s streams and `getaddrinfo` in their code) wait without blocking the loop.',
  bad: `import socket


async def ping(host, port):
    with socket.create_connection((host, port)) as connection:
        connection.sendall(b"PING\\n")
        return connection.recv(1024)
`,
  good: `import asyncio


async def ping(host, port):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(b"PING\\n")
    await writer.drain()
    reply = await reader.read(1024)
    writer.close()
    await writer.wait_closed()
    return reply
`,
  query: CALL_QUERY,
  check({ call, function: fn }, { model, report }) {
    const callee = model.callee(call);
    const instead = callee ? BLOCKING_SOCKET_FUNCTIONS.get(callee) : undefined;
    if (instead) {
      // NI_NUMERICHOST / AI_NUMERICHOST lookups only parse an address: no network involved.
      if (!model.isInCoroutine(call) || call.childForFieldName('arguments')?.text.includes('NUMERIC')) return;
      const asyncio = instead.asyncio.includes('loop.') ? `${instead.asyncio} (\`loop = ${runningLoopCall(model)}\`)` : instead.asyncio;
      report(call, `\`${callSnippet(call)}\` waits for the network and blocks the event loop in ${model.describeContext(call)}; use ${forLibrary(model, call, { ...instead, asyncio })}`);
      return;
    }
    // Socket methods are recognised by the callee (`socket.socket.recv`), resolved once per call for every rule.
    if (!callee?.startsWith(SOCKET_PREFIX) || !WAITING_METHODS.has(callee.slice(SOCKET_PREFIX.length))) return;
    const method = callee.slice(SOCKET_PREFIX.length);
    const socket = fn.childForFieldName('object');
    if (!socket || !model.isInCoroutine(call) || !isMadeHere(socket, model)) return;
    const evidence = nonBlockingEvidence(model);
    if (evidence.anyNonBlocking || evidence.sockets.has(socketKey(socket, model))) return;
    if (evidence.anyDatagram && DATAGRAM_SAFE_METHODS.has(method)) return;
    report(call, `\`${callSnippet(call)}\` waits on a blocking socket in ${model.describeContext(call)}, stalling the event loop; use ${forLibrary(model, call, socketAdvice(method, model))}`);
  },
});

/** What waits on the network without blocking, for a blocking socket's method, in each library: asyncio
 *  streams or the loop's `sock_*` method where the project's oldest Python has it (datagram sockets: an
 *  endpoint); trio's own sockets or streams; anyio's streams. */
function socketAdvice(method: string, model: SemanticModel): ByLibrary {
  const datagram = method === 'recvfrom' || method === 'recvfrom_into' || method === 'sendto';
  const loopMethod = LOOP_EQUIVALENT[method] ?? method;
  const since = LOOP_METHOD_SINCE[loopMethod];
  const streams = datagram ? 'a datagram endpoint (`loop.create_datagram_endpoint`)' : 'asyncio streams (`asyncio.open_connection`)';
  const asyncio = !since || model.pythonHas(since) ? `${streams} or \`loop.sock_${loopMethod}(...)\` on a non-blocking socket` : streams;
  const trioMethod = method === 'connect_ex' ? 'connect' : method;
  const trio = TRIO_SOCKET_METHODS.has(trioMethod)
    ? `a \`trio.socket\` socket (\`await sock.${trioMethod}(...)\`) or trio streams (\`trio.open_tcp_stream\`)`
    : 'trio streams (`trio.open_tcp_stream`)';
  const anyio = datagram ? 'an anyio UDP socket (`anyio.create_udp_socket`)' : 'anyio streams (`anyio.connect_tcp`)';
  return { asyncio, trio, anyio };
}

/** Was the socket made by a call in this module (`socket.socket()`, `create_connection()`), as a local, a
 *  global or an attribute? A socket passed in as a parameter (even annotated) may have been made non-blocking
 *  by its creator, so it is not reported. */
function isMadeHere(expr: Node, model: SemanticModel): boolean {
  if (expr.type === 'call') return true;
  if (expr.type === 'identifier') {
    const found = model.scopes.lookup(expr.text, model.scopes.scopeOf(expr));
    return found?.bindings.every((b) => b.kind === 'value' && b.via !== 'param' && b.value?.type === 'call') ?? false;
  }
  const object = expr.type === 'attribute' ? expr.childForFieldName('object') : null;
  const owner = object?.type === 'identifier' ? model.enclosingFunction(expr)?.ownerClass : null;
  const values = owner?.attributeValues.get(expr.childForFieldName('attribute')?.text ?? '');
  return values?.every((value) => value.type === 'call') ?? false;
}

interface NonBlockingEvidence {
  /** Sockets made non-blocking anywhere in the module, by `socketKey`. */
  sockets: Set<string>;
  /** The module creates sockets with SOCK_NONBLOCK: which ones is not tracked, so none is reported. */
  anyNonBlocking: boolean;
  /** The module uses datagram sockets, whose connect/send do not wait. */
  anyDatagram: boolean;
}

const evidenceByModel = new WeakMap<SemanticModel, NonBlockingEvidence>();

/** Which sockets the module makes non-blocking (`setblocking(False)`, `settimeout(0)`); computed once per
 *  module, only when a socket call is found in a coroutine. Looked up by variable, not by function, so a
 *  socket set up in `__init__` or at module level and used in a coroutine is not reported. */
function nonBlockingEvidence(model: SemanticModel): NonBlockingEvidence {
  let evidence = evidenceByModel.get(model);
  if (evidence) return evidence;
  const text = model.source.text;
  evidence = { sockets: new Set(), anyNonBlocking: text.includes('SOCK_NONBLOCK'), anyDatagram: text.includes('SOCK_DGRAM') };
  if (text.includes('setblocking') || text.includes('settimeout')) {
    for (const call of model.tree.rootNode.descendantsOfType('call')) {
      const fn = call?.childForFieldName('function');
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (method !== 'setblocking' && method !== 'settimeout') continue;
      const argument = call!.childForFieldName('arguments')?.namedChildren[0]?.text;
      if (argument !== undefined && mayBeNonBlocking(method, argument)) evidence.sockets.add(socketKey(fn!.childForFieldName('object')!, model));
    }
  }
  evidenceByModel.set(model, evidence);
  return evidence;
}

/** Names one socket variable: a name in the scope that binds it (a local, a global), or an attribute of
 *  the enclosing method's class (`self._sock`); else its text. */
function socketKey(expr: Node, model: SemanticModel): string {
  if (expr.type === 'identifier') {
    const found = model.scopes.lookup(expr.text, model.scopes.scopeOf(expr));
    if (found) return `${found.scope.start}:${expr.text}`;
  }
  const object = expr.type === 'attribute' ? expr.childForFieldName('object') : null;
  const owner = object?.type === 'identifier' ? model.enclosingFunction(expr)?.ownerClass : null;
  if (owner) return `${owner.qualifiedName}.${expr.childForFieldName('attribute')?.text}`;
  return expr.text;
}

/** `setblocking(False)`, `settimeout(0)`, or an argument we cannot read (assume it may be non-blocking). */
function mayBeNonBlocking(method: string, argument: string): boolean {
  if (method === 'setblocking') return argument !== 'True' && argument !== '1';
  if (argument === 'None') return false;
  return !/^\d+(\.\d*)?$/.test(argument) || Number(argument) === 0;
}
