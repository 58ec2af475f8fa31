// Resident memory of the workerd process this Node process started (miniflare spawns it as a
// direct child), read from /proc (Linux).
import { readFileSync, readdirSync } from "node:fs";

/** The pid of this process's workerd child; throws unless there is exactly one. */
export function workerdPid(parent = process.pid) {
  const pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // "pid (comm) state ppid ...": comm may contain spaces, so split after the last ')'.
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return ppid === parent && comm === "workerd";
    } catch {
      return false; // the process ended while we looked
    }
  });
  if (pids.length !== 1) throw new Error(`expected one workerd child of ${parent}, found ${pids.length}`);
  return Number(pids[0]);
}

/** Resident set size of `pid` in bytes (VmRSS). */
export function rssBytes(pid) {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line.split(/\s+/)[1]) * 1024;
}
