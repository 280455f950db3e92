// motor (MongoDB's asyncio driver): https://motor.readthedocs.io/en/stable/api-asyncio/
// Its collection methods are AsyncRead/AsyncCommand wrappers (coroutines); `find()` and `aggregate()` return
// a cursor without I/O, and `AsyncIOMotorClient.close()` is synchronous.
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'motor.motor_asyncio',
  sources: [
    'https://motor.readthedocs.io/en/stable/api-asyncio/asyncio_motor_collection.html',
    'https://motor.readthedocs.io/en/stable/api-asyncio/asyncio_motor_database.html',
    'https://motor.readthedocs.io/en/stable/api-asyncio/asyncio_motor_client.html',
    'https://github.com/mongodb/motor/blob/master/motor/core.pyi',
    'https://github.com/mongodb/motor/blob/master/motor/motor_asyncio.pyi',
  ],
  classes: {
    AsyncIOMotorClient: {
      coroutines: 'list_database_names server_info drop_database start_session',
      methods: { get_database: { returns: 'motor.motor_asyncio.AsyncIOMotorDatabase' }, get_default_database: { returns: 'motor.motor_asyncio.AsyncIOMotorDatabase' } },
    },
    AsyncIOMotorDatabase: {
      coroutines: 'command create_collection drop_collection list_collection_names',
      methods: { get_collection: { returns: 'motor.motor_asyncio.AsyncIOMotorCollection' } },
    },
    AsyncIOMotorCollection: {
      coroutines: [
        'bulk_write count_documents create_index create_indexes delete_many delete_one distinct drop drop_index drop_indexes',
        'estimated_document_count find_one find_one_and_delete find_one_and_replace find_one_and_update insert_many insert_one',
        'rename replace_one update_many update_one',
      ].join(' '),
      methods: { find: { returns: 'motor.motor_asyncio.AsyncIOMotorCursor' } },
    },
    // `to_list()` returns a Future that runs whether awaited or not: not a coroutine.
    AsyncIOMotorCursor: { asyncIterable: true },
  },
});
