/**
 * @module
 * The authorize stage: a batch over the plan's size is refused whole; each call the key may not
 * make (a method outside its namespaces, shared/methods/namespaces.ts; a method or contract outside
 * the key's own lists, shared/keys/keyRules.ts) is refused on its own. Pure.
 */
import type { GatewayError } from "../errors/base";
import { BatchTooLargeError } from "../errors/kinds";
import type { RpcItem } from "../jsonrpc/parse";
import { type CompiledRules, checkCall } from "../keys/keyRules";
import type { KeyContext } from "../keys/resolveKey";
import { checkMethodAllowed } from "../methods/namespaces";

/** Per item, why it is not answered as asked: its parse error, or the refusal; undefined when allowed. */
export type Refusals = (GatewayError | undefined)[];

/** Throws the batch's size error; otherwise each item's refusal. `rules`: the key's lists, when they apply. */
export function authorize(
  items: readonly RpcItem[],
  key: KeyContext,
  single: boolean,
  rules?: CompiledRules,
): Refusals {
  if (!single && items.length > key.maxBatch) {
    throw new BatchTooLargeError(
      `batch of ${items.length} requests exceeds this plan's limit of ${key.maxBatch}: split it into smaller batches`,
    );
  }
  return refusalsOf(items, key.namespaces, rules);
}

export function refusalsOf(
  items: readonly RpcItem[],
  namespaces: readonly string[],
  rules?: CompiledRules,
): Refusals {
  return items.map((item) => {
    if (!item.ok) return item.error;
    return checkMethodAllowed(item.method, namespaces) ?? (rules && checkCall(rules, item));
  });
}
