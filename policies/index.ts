import { PolicyPack } from "@pulumi/policy";
import { policies } from "./deskclusterPolicies";

new PolicyPack("deskcluster", { policies, enforcementLevel: "mandatory" });
