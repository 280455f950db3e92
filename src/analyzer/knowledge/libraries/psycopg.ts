// psycopg (synchronous database client): https://www.psycopg.org/psycopg3/docs/api/connections.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'psycopg',
  sources: ['https://www.psycopg.org/psycopg3/docs/api/connections.html'],
  functions: {
    connect: { blocking: { kind: 'database', instead: '`psycopg.AsyncConnection.connect`' } },
    'Connection.connect': { blocking: { kind: 'database', instead: '`psycopg.AsyncConnection.connect`' } },
  },
});
