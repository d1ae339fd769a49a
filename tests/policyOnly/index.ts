// The program of tests/policyOnly/Pulumi.yaml: index.ts with the inventory rules left out of
// the program (stack loading and component), so only the policy pack can refuse the plan.
import * as pulumi from "@pulumi/pulumi";
import { DeskCluster } from "../../components/deskCluster";
import { loadStackInputs } from "../../components/stackInputs";

const inputs = loadStackInputs(new pulumi.Config("deskcluster"), () => []);
new DeskCluster(inputs.inventory.cluster.name, inputs);
