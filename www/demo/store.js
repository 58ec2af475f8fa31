// The demo origin's embedded store: one JSON document in the data directory, replaced atomically
// (write a temp file, fsync, rename) so a crash or Ctrl-C never leaves a half-written store.
import { mkdirSync, readFileSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync } from "node:fs";
import { join } from "node:path";

/** Opens `<dataDir>/<name>`; `seed()` builds the first document when the file does not exist yet. */
export function openStore(dataDir, name, seed) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, name);
  let doc;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
    doc = seed();
    writeAtomically(file, doc);
  }
  return {
    file,
    /** The live document; mutate it, then call `save()`. */
    get doc() { return doc; },
    save() { writeAtomically(file, doc); },
  };
}

function writeAtomically(file, doc) {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeFileSync(fd, JSON.stringify(doc, null, 2) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
