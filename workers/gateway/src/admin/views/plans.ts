/** What the admin API answers about plans: the rows of `plans`, described from the table itself. */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { plans } from "../../../../../db/schema";

export const PlanView = createSelectSchema(plans, {
  namespaces: z.array(z.enum(["debug", "trace", "txpool"])),
  unscreenedSends: z.array(z.string()),
});

export const PlanList = z.object({ plans: z.array(PlanView) });

/** A plan as answered (the drift test holds every example to its schema). */
export const PLAN_EXAMPLE = {
  id: "pln_3Hk2sQ9vLm0xTa7R",
  name: "Growth",
  maxBatch: 100,
  namespaces: ["debug", "trace"],
  cuPerSecond: 1_000,
  burstCu: 5_000,
  monthlyCu: 300_000_000,
  onMeterDown: "closed",
  logsMaxBlockRange: 100_000,
  wsMaxConnections: 100,
  wsMaxSubscriptions: 100,
  wsMaxMessageBytes: 131_072,
  wsMaxWildcardSubscriptions: 10,
  maxFilters: 100,
  screening: "block",
  unscreenedSends: [],
  requireJwt: false,
  createdAt: 1_764_633_600_000,
};

export const PLAN_LIST_EXAMPLE = { plans: [PLAN_EXAMPLE] };

/** POST /plans: the fields left out take their defaults. */
export const CREATE_PLAN_EXAMPLE = {
  name: "Growth",
  namespaces: ["debug", "trace"],
  cuPerSecond: 1_000,
  burstCu: 5_000,
  monthlyCu: 300_000_000,
};

export const UPDATE_PLAN_EXAMPLE = { cuPerSecond: 2_000, burstCu: 10_000 };
