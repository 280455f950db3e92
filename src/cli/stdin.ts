// `check -`: the source comes from standard input (an editor, a pre-commit hook, a pipe).

/** Every byte of standard input, once it ends. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
