// The environment that points the App at the fake GitHub, shared by the in-process App (app-server.ts) and the
// App run as a child process (app-process.ts). No import of the App itself: a test that spawns it stays light.
import type { FakeGitHub } from '../fake-github/server.js';
import type { AppKeys } from './app-server.js';

/** What the App needs to run against the fake GitHub on `port` (in this process or a child). */
export function appEnvironment(github: FakeGitHub, keys: AppKeys, secret: string, port: number) {
  return {
    APP_ID: String(keys.appId),
    PRIVATE_KEY: keys.privateKeyPem,
    WEBHOOK_SECRET: secret,
    GHE_HOST: github.host,
    GHE_PROTOCOL: 'http',
    HOST: '127.0.0.1',
    PORT: String(port),
  };
}
