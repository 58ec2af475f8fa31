// Reusable test harness (console/demo, bench and hardening reuse it): the edge worker in real
// workerd and a recording origin on loopback. API: see worker/README.md.
export { decisionLines, startNamedWorkers, startWorker, startWorkers } from "./workerd.js";
export { startRecordingOrigin } from "./recording-origin.js";
