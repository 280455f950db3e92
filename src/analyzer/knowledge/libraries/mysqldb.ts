// MySQLdb (synchronous database client): https://mysqlclient.readthedocs.io/user_guide.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'MySQLdb',
  sources: ['https://mysqlclient.readthedocs.io/user_guide.html'],
  functions: {
    connect: { blocking: { kind: 'database', instead: '`aiomysql.connect`' } },
    Connect: { blocking: { kind: 'database', instead: '`aiomysql.connect`' } },
  },
});
