// Home Assistant runs every integration on one event loop and, since 2024.7, detects blocking calls made in it
// (homeassistant/block_async_io.py: open, os.listdir/scandir/walk, glob, pathlib reads and writes, SSLContext
// certificate loading, importlib.import_module, time.sleep...) and asks users to file a bug against the
// integration. Its maintainers fix every one: file I/O on the loop is a bug there, whatever the file.
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'homeassistant',
  sources: [
    'https://developers.home-assistant.io/docs/asyncio_blocking_operations',
    'https://github.com/home-assistant/core/blob/dev/homeassistant/block_async_io.py',
  ],
  // On by default in modules that import homeassistant, off elsewhere (see each rule's docs for why).
  enforces: ['blocking-file-io', 'blocking-via-helper'],
  // Home Assistant's own executor, which its reviewers ask for (the developer docs above).
  executor: { receiver: 'hass', method: 'async_add_executor_job' },
});
