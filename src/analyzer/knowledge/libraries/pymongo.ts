// pymongo (synchronous database client): https://pymongo.readthedocs.io/en/stable/api/pymongo/mongo_client.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'pymongo',
  sources: ['https://pymongo.readthedocs.io/en/stable/api/pymongo/mongo_client.html'],
  functions: {
    MongoClient: { blocking: { kind: 'database', instead: '`motor.motor_asyncio.AsyncIOMotorClient` or `pymongo.AsyncMongoClient`' } },
  },
});
