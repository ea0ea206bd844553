// `npm run demo -- --fleet N`: N simulated devices with the agent against the
// local update server in one process, with a seeded mix of faults; a live view
// on a terminal (plain lines otherwise) and a summary table at the end.
import { percentile, runScenario, type FleetView } from "../ota/fleet/scenario.js";

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export async function fleetDemo(count: number, seed: number): Promise<void> {
  const tty = process.stdout.isTTY;
  console.log(`slotboot fleet demo: ${count} simulated devices (agent + simulated flash + WASM core) against slotboot serve on https://127.0.0.1 (throwaway CA);`);
  console.log("30% of them sit behind gateways (50 per gateway): the same agent over the gateway's encrypted local link, the gateway relaying to the server with its GatewayToken.");
  console.log("one rollout of v2.0.0 to the group; about a third of the devices get a fault: dropped links, power cuts in download / install / trial,");
  console.log("a new image that cannot reach the server, a new image that hangs. The clock is simulated: minutes of polling and backoff take milliseconds.\n");
  let lastLine = "";
  let lastPlainSettled = -1;
  const onProgress = (view: FleetView) => {
    const states = Object.entries(view.byState).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(", ");
    const line = `t=${(view.simulatedMs / 1000).toFixed(0)}s sim  ${view.settled}/${view.total} settled  ${kib(view.bytes)} on the wire  [${states}]`;
    if (tty) {
      if (line !== lastLine) process.stdout.write(`\r\x1b[2K${line}`);
      lastLine = line;
    } else {
      const tenth = Math.floor((10 * view.settled) / view.total);
      if (tenth !== lastPlainSettled) console.log(line);
      lastPlainSettled = tenth;
    }
  };
  const result = await runScenario({ devices: count, seed, onProgress, gatewayShare: 0.3 });
  if (tty) process.stdout.write("\n");

  const kinds = new Map<string, Array<{ label: string; path: string }>>();
  result.outcomes.forEach((o, i) => {
    const key = o.kind === "updated" ? "updated" : `${o.kind}: ${o.reason.replace(/ \((UNREACHABLE|LINK_DROPPED|TIMEOUT|CANCELLED|boot reason)[^)]*\)/g, "").slice(0, 120)}`;
    kinds.set(key, [...(kinds.get(key) ?? []), result.faults[i]]);
  });
  console.log("\n| outcome | devices | direct | via gateway | faults they met |");
  console.log("|---|---:|---:|---:|---|");
  for (const [kind, met] of [...kinds.entries()].sort((a, b) => b[1].length - a[1].length)) {
    const counts = new Map<string, number>();
    for (const m of met) counts.set(m.label, (counts.get(m.label) ?? 0) + 1);
    const direct = met.filter((m) => m.path === "direct").length;
    console.log(`| ${kind} | ${met.length} | ${direct} | ${met.length - direct} | ${[...counts.entries()].map(([l, n]) => `${l} ${n}`).join(", ")} |`);
  }
  const wrong = result.outcomes.filter((o) => !o.confirmed || (o.kind === "updated" ? o.running !== "2.0.0" : o.running !== "1.0.0"));
  const bytes = result.outcomes.reduce((n, o) => n + o.bytes, 0);
  const requests = result.outcomes.reduce((n, o) => n + o.requests, 0);
  const times = result.outcomes.filter((o) => o.kind === "updated" && o.updateMs !== null).map((o) => o.updateMs! / 1000);
  const clean = result.outcomes.filter((o, i) => result.faults[i].label === "clean" && o.kind === "updated" && result.faults[i].path === "direct");
  const cleanEdge = result.outcomes.filter((o, i) => result.faults[i].label === "clean" && o.kind === "updated" && result.faults[i].path === "gateway");
  console.log(`\npackage ${kib(result.packageBytes)}; bytes on the wire ${kib(bytes)} in total (${(bytes / result.outcomes.length / result.packageBytes).toFixed(2)}x the package per device), ${requests} requests`);
  if (clean.length) console.log(`a clean direct update: ${kib(clean[0].bytes)} and ${clean[0].requests} requests over HTTPS`);
  if (cleanEdge.length) console.log(`a clean update behind a gateway: ${kib(cleanEdge[0].bytes)} of DDI bodies and ${cleanEdge[0].requests} requests over the local link (the package crossed the cloud link once per gateway)`);
  console.log(`time to update (simulated, poll to confirmed): p50 ${percentile(times, 50).toFixed(1)} s, p99 ${percentile(times, 99).toFixed(1)} s; the fleet settled after ${(result.simulatedMs / 1000).toFixed(0)} simulated s, ${(result.realMs / 1000).toFixed(1)} s of real time`);
  console.log(`server: ${result.serverRequests} requests, ${kib(result.serverBytesOut)} sent; ${result.gateways} gateway(s), ${kib(result.linkBytes)} on their local links (frames, handshakes and encryption included)`);
  console.log(wrong.length === 0
    ? "every device ends on a confirmed good image, and the server's record of each action matches the device (updated = runs 2.0.0; rolled back = runs 1.0.0)."
    : `MISMATCH on ${wrong.length} device(s): ${wrong.map((o) => o.controllerId).join(", ")}`);
  if (wrong.length) process.exitCode = 1;
}
