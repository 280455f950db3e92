// sqlite3 (synchronous database client): https://docs.python.org/3/library/sqlite3.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'sqlite3',
  sources: ['https://docs.python.org/3/library/sqlite3.html'],
  functions: {
    connect: { blocking: { kind: 'database', instead: '`aiosqlite.connect`', localFile: true } },
    'dbapi2.connect': { blocking: { kind: 'database', instead: '`aiosqlite.connect`', localFile: true } },
  },
  starExports: { '': 'connect' },
});
