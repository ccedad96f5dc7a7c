// What the worker logs during each test, and the rule that no line carries one of the given secrets.
import { afterEach, beforeEach, expect, type MockInstance, vi } from "vitest";

const LEVELS = ["log", "info", "warn", "error", "debug"] as const;

/** Watches the console in every test of the file; after each, none of `secrets()` may appear. Returns the lines so far. */
export function forbidInLogs(secrets: () => readonly string[]): () => string {
  let logs: MockInstance[] = [];
  const logged = () => logs.flatMap((spy) => spy.mock.calls.flat()).join("\n");
  beforeEach(() => {
    logs = LEVELS.map((level) => vi.spyOn(console, level));
  });
  afterEach(() => {
    const lines = logged();
    for (const secret of secrets()) expect(lines).not.toContain(secret);
    vi.restoreAllMocks();
  });
  return logged;
}
