// The browser entry's types: the shared ones, and no token key ring (this build has no token code).
export * from "./types.js";
export { default } from "./types.js";
