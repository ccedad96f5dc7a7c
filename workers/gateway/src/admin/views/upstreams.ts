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

/** An upstream as answered: never its URL (the drift test holds every example to its schema). */
export const UPSTREAM_EXAMPLE = {
  id: "ups_Lq8vN2tXc5Rm0Wb3",
  chain: "ethereum",
  name: "provider-a-mainnet",
  enabled: true,
  capabilities: ["archive", "trace"],
  oldestBlock: null,
  disabledReason: null,
  createdAt: 1_764_637_200_000,
  updatedAt: 1_764_637_200_000,
};

export const UPSTREAM_LIST_EXAMPLE = { upstreams: [UPSTREAM_EXAMPLE] };

const { disabledReason: _, ...created } = UPSTREAM_EXAMPLE;
export const CREATED_UPSTREAM_EXAMPLE = { ...created, public: false };

export const UPDATED_UPSTREAM_EXAMPLE = {
  ...UPSTREAM_EXAMPLE,
  capabilities: ["archive", "trace", "debug"],
  updatedAt: 1_764_723_600_000,
};

/** The URL is sealed when stored and never answered; ${KEY} stands for the provider's key. */
export const CREATE_UPSTREAM_EXAMPLE = {
  name: "provider-a-mainnet",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder for the provider's key, not a template
  url: "https://eth-mainnet.example-provider.com/v2/${KEY}",
  capabilities: ["archive", "trace"],
};

export const UPDATE_UPSTREAM_EXAMPLE = { capabilities: ["archive", "trace", "debug"] };
