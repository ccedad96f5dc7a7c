/**
 * What the admin API answers about upstreams: the rows of `upstreams` without their sealed URL (nor
 * their `public` flag, which the public columns leave out), described from the table itself; and
 * what a re-seal did.
 */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { upstreams } from "../../../../../db/schema";

const Upstream = createSelectSchema(upstreams, {
  capabilities: z.array(z.enum(["archive", "trace", "debug", "ws"])),
});

/** An upstream as read (./chainUpstreams.ts's publicUpstreamColumns). */
export const UpstreamView = Upstream.omit({ urlSealed: true, public: true });

export const UpstreamList = z.object({ upstreams: z.array(UpstreamView) });

/** An upstream as created: the body without its URL, with its ids and times. */
export const CreatedUpstream = Upstream.omit({ urlSealed: true, disabledReason: true });

/** An upstream as changed: as read, with `public` only when the change set it. */
export const UpdatedUpstream = UpstreamView.extend({
  public: Upstream.shape.public.optional().describe("Only when the change set it"),
});

export const ResealResult = z.object({
  keyId: z.string().describe("The UPSTREAM_KEY key every readable URL is now sealed with"),
  resealed: z.number().int(),
  alreadyCurrent: z.number().int(),
  legacy: z.number().int().describe("Re-sealed from the legacy v1 format"),
  fromKeys: z.record(z.string(), z.number().int()).describe("Re-sealed values by the key that opened them"),
  unreadable: z.array(z.string()).describe("Upstreams whose URL no key of the ring opens: left as they are"),
});
