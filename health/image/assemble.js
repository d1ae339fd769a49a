// Writes a `docker load` archive of one image from ready layer tarballs, with the image's
// architecture set explicitly: this Docker's builder cannot label a foreign-architecture
// image, and nothing of that architecture needs to run to assemble it.
// usage: node assemble.js OUT.tar TAG ARCH CONFIG.json LAYER.tar...
"use strict";
const { createHash } = require("node:crypto");
const { copyFileSync, mkdtempSync, readFileSync, writeFileSync, createReadStream } = require("node:fs");
const { execFileSync } = require("node:child_process");
const { join, basename } = require("node:path");
const { tmpdir } = require("node:os");

const [out, tag, arch, configFile, ...layers] = process.argv.slice(2);
if (!out || !tag || !arch || !configFile || layers.length === 0) {
  console.error("usage: node assemble.js OUT.tar TAG ARCH CONFIG.json LAYER.tar...");
  process.exit(2);
}
const sha256 = (file) => new Promise((resolve, reject) => {
  const h = createHash("sha256");
  createReadStream(file).on("data", (d) => h.update(d)).on("end", () => resolve(h.digest("hex"))).on("error", reject);
});

(async () => {
  const dir = mkdtempSync(join(tmpdir(), "deskcluster-image-"));
  const diffIds = [];
  const names = [];
  for (const [i, layer] of layers.entries()) {
    const name = `layer${i}.tar`;
    copyFileSync(layer, join(dir, name));
    diffIds.push(`sha256:${await sha256(join(dir, name))}`);
    names.push(name);
  }
  const config = {
    architecture: arch, os: "linux", created: "1970-01-01T00:00:00Z",
    config: JSON.parse(readFileSync(configFile, "utf8")),
    rootfs: { type: "layers", diff_ids: diffIds },
    history: layers.map((l) => ({ created: "1970-01-01T00:00:00Z", created_by: `deskcluster assemble ${basename(l)}` })),
  };
  const configJson = JSON.stringify(config);
  const configName = `${createHash("sha256").update(configJson).digest("hex")}.json`;
  writeFileSync(join(dir, configName), configJson);
  writeFileSync(join(dir, "manifest.json"), JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: names }]));
  execFileSync("tar", ["-C", dir, "-cf", out, "manifest.json", configName, ...names]);
  execFileSync("rm", ["-rf", dir]);
})().catch((e) => { console.error(`assemble: ${e.message}`); process.exit(1); });
