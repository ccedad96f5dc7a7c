// The `rpcgw apply FILE` command: reads the file, applies it (./apply.mjs) and prints one line per
// change and a summary, or with --json `{ created, updated, unchanged }`.
import { adminClient, connection } from "./api.mjs";
import { apply } from "./apply.mjs";
import { loadApplyFile } from "./applyFile.mjs";

/**
 * @param {string} file @param {Record<string, unknown>} flags @param {Record<string, string | undefined>} env
 * @returns {Promise<string>} the text to print
 */
export async function applyCommand(file, flags, env) {
  const config = await loadApplyFile(file, env);
  const api = adminClient(await connection(flags, env));
  const dryRun = flags["dry-run"] === true;
  const result = await apply(config, { api, dryRun, updateUrls: flags["update-urls"] === true });
  if (flags.json) {
    const { created, updated, unchanged, notInFile } = result;
    return JSON.stringify({ created, updated, unchanged, ...(dryRun ? { dryRun, notInFile } : {}) }, null, 2);
  }
  return renderApply(result);
}

/** One line per change, then the summary; a dry run says "would" and lists what the file leaves out. */
export function renderApply({ created, updated, unchanged, notInFile, dryRun, lines }) {
  const changed = created.length + updated.length;
  if (!dryRun)
    return [
      ...lines,
      changed === 0
        ? "nothing to change"
        : `${created.length} created, ${updated.length} updated, ${unchanged.length} unchanged`,
    ].join("\n");
  return [
    ...(changed > 0 ? ["dry run: these changes would be made, none was sent"] : []),
    ...lines,
    ...notInFile.map((label) => `? ${label}: not in the file, left alone`),
    changed === 0
      ? "nothing to change (dry run)"
      : `would be ${created.length} created, ${updated.length} updated, ${unchanged.length} unchanged (dry run)`,
  ].join("\n");
}
