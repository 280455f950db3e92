// psycopg2 (synchronous database client): https://www.psycopg.org/docs/module.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'psycopg2',
  sources: ['https://www.psycopg.org/docs/module.html'],
  functions: {
    connect: { blocking: { kind: 'database', instead: '`asyncpg.connect` or `psycopg.AsyncConnection.connect`' } },
  },
});
