// socket (standard library): https://docs.python.org/3/library/socket.html
// Methods of a blocking `socket.socket` are blocking-socket's own (it tells blocking sockets from others).
import { defineLibrary, type AdviceByLibrary, type CallableKnowledge } from '../library.js';

const lookup = (asyncio: string, name: string): CallableKnowledge => ({
  blocking: { kind: 'socket', instead: { asyncio: `\`await loop.${asyncio}(...)\``, trio: `\`await trio.socket.${name}(...)\``, anyio: `\`await anyio.${name}(...)\`` } satisfies AdviceByLibrary },
});
const HOST_LOOKUP = lookup('getaddrinfo', 'getaddrinfo');

export default defineLibrary({
  module: 'socket',
  sources: ['https://docs.python.org/3/library/socket.html', 'https://docs.python.org/3/library/asyncio-eventloop.html#dns'],
  functions: {
    create_connection: {
      returns: 'socket.socket',
      blocking: { kind: 'socket', instead: { asyncio: '`await asyncio.open_connection(host, port)`', trio: '`await trio.open_tcp_stream(host, port)`', anyio: '`await anyio.connect_tcp(host, port)`' } },
    },
    create_server: { returns: 'socket.socket' },
    getaddrinfo: lookup('getaddrinfo', 'getaddrinfo'),
    getnameinfo: lookup('getnameinfo', 'getnameinfo'),
    gethostbyname: HOST_LOOKUP,
    gethostbyname_ex: HOST_LOOKUP,
    // A reverse lookup: its async counterpart is getnameinfo.
    gethostbyaddr: lookup('getnameinfo', 'getnameinfo'),
    // Not getfqdn: programs call `getfqdn()` for their own host name (answered from /etc/hosts on most hosts),
    // once, and no async call gives a fully qualified name, so there is nothing to offer instead.
  },
  starExports: { '': 'create_connection create_server getaddrinfo getfqdn gethostbyaddr gethostbyname gethostbyname_ex getnameinfo socket' },
});
