// pymysql (synchronous database client): https://pymysql.readthedocs.io/en/latest/modules/connections.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'pymysql',
  sources: ['https://pymysql.readthedocs.io/en/latest/modules/connections.html'],
  functions: {
    connect: { blocking: { kind: 'database', instead: '`aiomysql.connect`' } },
    Connect: { blocking: { kind: 'database', instead: '`aiomysql.connect`' } },
  },
});
