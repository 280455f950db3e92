// aiodocker: https://aiodocker.readthedocs.io/ (source: aiodocker/docker.py, aiodocker/containers.py)
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'aiodocker',
  sources: ['https://github.com/aio-libs/aiodocker/blob/main/aiodocker/docker.py', 'https://github.com/aio-libs/aiodocker/blob/main/aiodocker/containers.py'],
  classes: {
    Docker: {
      aliases: ['aiodocker.docker.Docker'],
      coroutines: 'close auth version',
      asyncContextManager: true,
      attributes: { containers: 'aiodocker.containers.DockerContainers' },
    },
    'containers.DockerContainers': {
      aliases: ['aiodocker.DockerContainers'],
      coroutines: 'list create_or_replace',
      methods: {
        create: { coroutine: true, awaitReturns: 'aiodocker.containers.DockerContainer' },
        run: { coroutine: true, awaitReturns: 'aiodocker.containers.DockerContainer' },
        get: { coroutine: true, awaitReturns: 'aiodocker.containers.DockerContainer' },
        container: { returns: 'aiodocker.containers.DockerContainer' },
      },
    },
    'containers.DockerContainer': {
      aliases: ['aiodocker.DockerContainer'],
      coroutines: 'get_archive put_archive show stop start restart kill wait delete rename websocket port exec resize commit pause unpause',
    },
  },
});
