// trio: https://trio.readthedocs.io/en/stable/reference-core.html, reference-io.html, reference-lowlevel.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'trio',
  sources: [
    'https://trio.readthedocs.io/en/stable/reference-core.html',
    'https://trio.readthedocs.io/en/stable/reference-io.html',
    'https://trio.readthedocs.io/en/stable/reference-lowlevel.html',
  ],
  coroutines: [
    'sleep_forever sleep_until aclose_forcefully open_file open_tcp_stream open_ssl_over_tcp_stream open_unix_socket',
    'open_tcp_listeners open_ssl_over_tcp_listeners serve_tcp serve_ssl_over_tcp serve_listeners run_process',
    'lowlevel.checkpoint lowlevel.checkpoint_if_cancelled lowlevel.cancel_shielded_checkpoint lowlevel.open_process',
    'lowlevel.wait_readable lowlevel.wait_writable lowlevel.wait_task_rescheduled lowlevel.temporarily_detach_coroutine_object',
    'lowlevel.permanently_detach_coroutine_object lowlevel.reattach_detached_coroutine_object to_thread.run_sync',
  ].join(' '),
  functions: {
    sleep: { coroutine: true, roles: ['async-sleep'] },
    run: { roles: ['new-loop-runner'] },
    open_nursery: { roles: ['task-group'] },
    fail_after: { roles: ['timeout-scope'] },
    fail_at: { roles: ['timeout-scope'] },
    move_on_after: { roles: ['timeout-scope'] },
    move_on_at: { roles: ['timeout-scope'] },
  },
  classes: {
    Nursery: { roles: ['task-group'] },
    CancelScope: { roles: ['cancel-scope'] },
    Semaphore: { roles: ['concurrency-limiter'] },
    CapacityLimiter: { roles: ['concurrency-limiter'] },
    Cancelled: { roles: ['cancellation-exception'] },
  },
});
