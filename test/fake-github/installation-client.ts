// An Octokit authenticated as one installation of the fake GitHub's App (a JWT signed with the App's key,
// exchanged for an installation token), for tests that call GitHub code directly.
import { Octokit } from '@octokit/rest';
import { createSign, type KeyObject } from 'node:crypto';
import type { FakeGitHub } from './server.js';

export function appJwt(privateKey: KeyObject, appId: number): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: now - 60, exp: now + 540, iss: appId })}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey, 'base64url')}`;
}

export async function installationClient(github: FakeGitHub, privateKey: KeyObject, appId: number, installationId = 1): Promise<Octokit> {
  const app = new Octokit({ baseUrl: github.apiUrl, auth: appJwt(privateKey, appId) });
  const { data } = await app.rest.apps.createInstallationAccessToken({ installation_id: installationId });
  return new Octokit({ baseUrl: github.apiUrl, auth: data.token });
}
