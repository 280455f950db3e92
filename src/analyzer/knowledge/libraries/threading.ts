// threading (standard library): https://docs.python.org/3/library/threading.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'threading',
  sources: ['https://docs.python.org/3/library/threading.html'],
  starExports: { '': 'BoundedSemaphore Condition Lock RLock Semaphore' },
});
