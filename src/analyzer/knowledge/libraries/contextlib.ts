// contextlib (standard library): https://docs.python.org/3/library/contextlib.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'contextlib',
  sources: ['https://docs.python.org/3/library/contextlib.html'],
  functions: {
    asynccontextmanager: { roles: ['async-context-manager-decorator'] },
  },
  classes: {
    AsyncExitStack: { asyncContextManager: true },
    // What calling an @asynccontextmanager function gives (see ASYNC_GENERATOR_CONTEXT_MANAGER).
    _AsyncGeneratorContextManager: { asyncContextManager: true },
  },
});
