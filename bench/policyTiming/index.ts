// The project's policies, unchanged, each with a clock around it: the engine reports only the
// whole pack's effect, so the bench runs this pack in place of policies/ to see each policy's
// own time. One JSON line per policy run goes to $DESKCLUSTER_POLICY_TIMING.
import { PolicyPack, StackValidationPolicy } from "@pulumi/policy";
import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { policies } from "../../policies/deskclusterPolicies";

const out = process.env.DESKCLUSTER_POLICY_TIMING;

const timed = (p: StackValidationPolicy): StackValidationPolicy => ({
  ...p,
  validateStack: async (args, report) => {
    const t0 = performance.now();
    try {
      await p.validateStack(args, report);
    } finally {
      if (out) appendFileSync(out, `${JSON.stringify({ policy: p.name, ms: performance.now() - t0, resources: args.resources.length })}\n`);
    }
  },
});

new PolicyPack("deskcluster", { policies: policies.map(timed), enforcementLevel: "mandatory" });
