// A test-only policy pack that reports nothing: it writes the resources a real preview hands
// to stack policies, as plain data, to $DESKCLUSTER_POLICY_CAPTURE. `pulumi preview --json`
// cannot stand in for them: it shows secret inputs (every SSH connection) as "[secret]" and
// leaves out component inputs (the inventory), while the policies see both.
import { PolicyPack } from "@pulumi/policy";
import { writeFileSync } from "node:fs";
import { plainProps } from "../../policies/deskclusterPolicies";

export interface CapturedResource { type: string; name: string; urn: string; props: Record<string, unknown>; provider?: { props: Record<string, unknown> } }

new PolicyPack("deskcluster-plan-capture", {
  enforcementLevel: "advisory",
  policies: [{
    name: "capture-plan", description: "records the plan for tests/policies.test.ts", enforcementLevel: "advisory",
    validateStack: (args) => {
      const file = process.env.DESKCLUSTER_POLICY_CAPTURE;
      if (!file) return;
      // Of its provider, only the host keys it pins: what the host-key policy reads.
      const plan: CapturedResource[] = args.resources.map(plainProps).map((r) => ({
        type: r.type, name: r.name, urn: r.urn, props: r.props, ...(r.provider ? { provider: { props: { hostKeys: r.provider.props.hostKeys } } } : {}),
      }));
      writeFileSync(file, JSON.stringify(plan), { mode: 0o600 }); // the dev stack's example keys, in plain text
    },
  }],
});
