/**
 * Runs `check` until it passes (resolves) or `timeoutMs` runs out, then
 * rethrows its last failure: for effects that land asynchronously (a
 * workflow's later steps, a webhook, an email).
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
