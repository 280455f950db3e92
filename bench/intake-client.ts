// The sending side of the intake benchmark, in its own process so that the fake GitHub (which the App calls
// while the deliveries arrive) does not share an event loop with the clock that times the answers.
// Usage: node dist/bench/intake-client.js JOB.json — JOB: {webhookUrl, secret, bursts: [{label, payloads}]}.
// Each burst opens one connection per delivery, all at once, and waits for every answer before the next
// burst. Requests are signed and serialised before a burst starts and written as raw bytes, so that the
// client's own cost (Node's HTTP client costs about as much as the server) stays out of the figures.
// Prints [{label, latenciesMs, statuses}].
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "node:net";

interface Job { webhookUrl: string; secret: string; bursts: { label: string; payloads: unknown[] }[] }

function rawRequest(url: URL, secret: string, payload: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(payload));
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const head = [
    `POST ${url.pathname} HTTP/1.1`,
    `Host: ${url.host}`,
    "User-Agent: GitHub-Hookshot/bench",
    "Content-Type: application/json",
    `Content-Length: ${body.length}`,
    "X-GitHub-Event: pull_request",
    `X-GitHub-Delivery: ${randomUUID()}`,
    "X-GitHub-Hook-ID: 1",
    `X-Hub-Signature-256: ${signature}`,
    "Connection: close",
    "",
    "",
  ].join("\r\n");
  return Buffer.concat([Buffer.from(head), body]);
}

/** Resolves with the status code and the time from connecting to the first byte of the answer. */
function send(url: URL, request: Buffer, timeoutMs = 30_000): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => socket.end(request));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    let answered = false;
    socket.on("data", (chunk: Buffer) => {
      if (answered) return;
      answered = true;
      const ms = performance.now() - started;
      resolve({ status: Number(/^HTTP\/1\.\d (\d{3})/.exec(chunk.toString("latin1"))?.[1] ?? 0), ms });
    });
    socket.on("error", reject);
    socket.on("end", () => {
      if (!answered) reject(new Error("connection closed without an answer"));
    });
  });
}

const job = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Job;
const url = new URL(job.webhookUrl);
const results = [];
for (const burst of job.bursts) {
  const requests = burst.payloads.map((payload) => rawRequest(url, job.secret, payload));
  const answers = await Promise.all(requests.map((request) => send(url, request)));
  results.push({ label: burst.label, latenciesMs: answers.map((a) => a.ms), statuses: answers.map((a) => a.status) });
}
process.stdout.write(JSON.stringify(results) + "\n");
