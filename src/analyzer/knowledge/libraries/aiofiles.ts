// aiofiles: https://github.com/Tinche/aiofiles#readme
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'aiofiles',
  sources: ['https://github.com/Tinche/aiofiles#readme'],
  coroutines: 'os.remove os.unlink os.rename os.replace os.mkdir os.makedirs os.rmdir os.stat os.listdir os.scandir os.path.exists os.path.isfile os.path.isdir os.path.getsize',
  functions: {
    open: { asyncContextManager: true, enters: 'aiofiles.threadpool.AsyncFile' },
  },
  classes: {
    'threadpool.AsyncFile': { asyncIterable: true },
  },
});
