// Waiting for something another process or a background job does: poll until it holds, fail with a message
// that says what never happened.

/** Polls `condition` every `everyMs` until it holds; after `timeoutMs` throws with `message()` (called then, so it
 *  can show the state that was reached). */
export async function until(condition: () => boolean, message: () => string, timeoutMs = 15_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
