// A delivery whose signature does not match WEBHOOK_SECRET is answered 400 with one warning line. Left to
// Probot, each one logs the error twice with stacks, the request and the payload (about 80 lines in the pretty
// format), so a scanner or a misconfigured secret floods the log.
//
// Probot puts its webhook middleware first among the server's handlers, before any an App adds, and asks the
// Probot instance for it when the server starts: wrapping `getNodeMiddleware` lets the signature be checked
// before @octokit/webhooks sees the delivery. A body over GitHub's 25 MB (WEBHOOK_MAX_BYTES) is refused with 413
// before it is buffered: from its Content-Length when it says one, else as soon as the stream passes the limit.
// Everything else (missing headers, wrong content type, valid deliveries, handler errors) goes to Probot's
// middleware unchanged.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import { quietRequestLog } from './health.js';

type NodeMiddleware = Awaited<ReturnType<Probot['getNodeMiddleware']>>;

/** The headers without which @octokit/webhooks answers 400 itself (and logs nothing but the request). */
const WEBHOOK_HEADERS = ['x-github-event', 'x-hub-signature-256', 'x-github-delivery'] as const;
const JSON_CONTENT_TYPE = /^\s*application\/json\s*(?:;|$)/iu;

/** GitHub caps webhook payloads at 25 MB; anything larger was not sent by GitHub. */
export function maxWebhookBytes(env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number(env.WEBHOOK_MAX_BYTES);
  return Number.isInteger(configured) && configured > 0 ? configured : 25 * 1024 * 1024;
}

export function rejectForgedWebhooksQuietly(app: Probot): void {
  const original = app.getNodeMiddleware.bind(app);
  app.getNodeMiddleware = async (options = {}) => {
    const middleware = await original(options);
    const webhookPath = options.path ?? app.webhookPath;
    const guarded: NodeMiddleware = async (request, response, next) => {
      if (request.method !== 'POST' || request.url?.split('?')[0] !== webhookPath) return middleware(request, response, next);
      const headers = WEBHOOK_HEADERS.map((name) => request.headers[name]);
      const contentType = request.headers['content-type'];
      if (headers.some((value) => typeof value !== 'string') || !contentType || !JSON_CONTENT_TYPE.test(contentType)) {
        return middleware(request, response, next);
      }
      const [event, signature, delivery] = headers as string[];
      const limit = maxWebhookBytes();
      const declared = Number(request.headers['content-length']);
      const payload = Number.isFinite(declared) && declared > limit ? null : await readBody(request, limit);
      if (payload === null) {
        quietRequestLog(response);
        app.log.warn(`webhook rejected (413): body over ${limit} bytes; event ${short(event!)}, delivery ${short(delivery!)}, from ${request.socket.remoteAddress ?? 'unknown'}`);
        const body = JSON.stringify({ error: `payload over ${limit} bytes` });
        response.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString(), connection: 'close' }).end(body);
        request.destroy();
        return true;
      }
      // @octokit/webhooks reads a string body instead of the (now consumed) stream.
      (request as IncomingMessage & { body?: string }).body = payload;
      const valid = await app.webhooks.verify(payload, signature!).catch(() => false);
      if (valid) return middleware(request, response, next);
      quietRequestLog(response);
      app.log.warn(
        `webhook rejected (400): signature does not match WEBHOOK_SECRET; event ${short(event!)}, delivery ${short(delivery!)}, from ${request.socket.remoteAddress ?? 'unknown'}`,
      );
      reject(response);
      return true;
    };
    return guarded;
  };
}

function reject(response: ServerResponse): void {
  // The body @octokit/webhooks answers with, so senders see no difference.
  const body = JSON.stringify({ error: 'Error: [@octokit/webhooks] signature does not match event payload and secret' });
  response.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString() }).end(body);
}

/** The body as text; null as soon as it passes `limit` bytes (what was read is dropped). */
async function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A header value as sent, printable and short: it comes from whoever sent the request. */
function short(value: string): string {
  const printable = value.replace(/[^\x21-\x7e]/g, '?');
  return printable.length > 80 ? `${printable.slice(0, 80)}…` : printable || '(empty)';
}
