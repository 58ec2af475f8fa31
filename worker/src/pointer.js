// JSON pointers (RFC 6901): where the route map finds roles in a request body and in origin's answers.

/** A JSON pointer's reference tokens (`/data/role` -> ["data", "role"]), or null when it is not one. */
export function parsePointer(text) {
  if (typeof text !== "string" || (text !== "" && !text.startsWith("/")) || /~[^01]|~$/.test(text)) return null;
  return text === "" ? [] : text.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The value at a pointer's reference tokens in `doc`, or undefined. */
export function valueAt(doc, tokens) {
  let v = doc;
  for (const t of tokens) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, t)) return undefined;
    v = v[t];
  }
  return v;
}

/** Reference tokens as an error path, written as the body errors write one: `data.roles[1]`. */
export function pathOf(tokens) {
  return tokens.reduce((p, t) => (/^\d+$/.test(t) && p ? `${p}[${t}]` : p ? `${p}.${t}` : t), "");
}
