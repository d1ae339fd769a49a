import { z } from "zod";
import { inventorySchema } from "./inventory";

/** The JSON Schema of inventory files as written (defaults optional), generated from the zod schema. */
export function inventoryJsonSchema(): object {
  return { ...z.toJSONSchema(inventorySchema, { io: "input" }), title: "deskcluster inventory" };
}
