// mysql.connector (synchronous database client): https://dev.mysql.com/doc/connector-python/en/connector-python-api-mysql-connector-connect.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'mysql.connector',
  sources: ['https://dev.mysql.com/doc/connector-python/en/connector-python-api-mysql-connector-connect.html'],
  functions: {
    connect: { blocking: { kind: 'database', instead: '`aiomysql.connect`' } },
  },
});
