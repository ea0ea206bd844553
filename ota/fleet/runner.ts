// A fleet of simulated devices, each running the device agent against a real
// update server (HTTPS on loopback), in one process and on one simulated
// clock: the clock jumps to the next timer whenever no real I/O is in flight,
// so minutes of polling, backoff and outage take milliseconds. Faults come
// from each device's plan (link.ts injects the network ones, the simulated
// flash the power cuts).
import https from "node:https";
import { SimDevice } from "../../bootloader-sim/device.js";
import { PowerCut } from "../../bootloader-sim/flash.js";
import { Rng } from "../../bootloader-sim/rng.js";
import type { ResetReason } from "../../bindings/names.js";
import { HttpsTransport } from "../ddi/https-transport.js";
import type { Transport } from "../ddi/transport.js";
import { createAgent, HALTED, WAITING_FOR_IO, type Agent, type AgentConfig } from "../agent/load.js";
import type { UpdateServer } from "../server/server.js";
import { SimulatedLink, type LinkModel } from "./link.js";
import { SimDevicePort, type RecordStore } from "./sim-port.js";

export interface FaultPlan {
  /** Drop the link when the device has received this many artifact bytes in total (each once). */
  dropAtBytes?: number[];
  /** Cut power when the device has received this many artifact bytes (during the download). */
  cutAtBytes?: number[];
  /** Cut power during the install (the receiver's final verify and commit), after this many flash operations. */
  cutDuringInstall?: number;
  /** Cut power during the trial's confirm, after this many flash operations. */
  cutDuringConfirm?: number;
  /** Images (versions) whose network is broken: they cannot reach the server. */
  cutOffVersions?: string[];
  /** Images (versions) that hang at start: the watchdog resets the device. */
  hangVersions?: string[];
  /** The server cancels the device's action when it has received this many artifact bytes. */
  cancelAtBytes?: number;
}

export interface FleetDeviceSpec {
  controllerId: string;
  token: string;
  /** Factory image, confirmed in slot A. */
  factoryImage: Uint8Array;
  faults?: FaultPlan;
  link?: LinkModel;
  /** Device's trust (hex), as SimDevice's config. */
  publicKey?: string;
  /** Device's X25519 decryption key (hex), for packages encrypted to it (SimDevice's config). */
  decryptionKey?: string;
  slotSize?: number;
  /** The transport to reach the server; default HTTPS to the server with the device's TargetToken. */
  transport?: Transport;
}

export interface FleetDevice {
  spec: FleetDeviceSpec;
  sim: SimDevice;
  store: RecordStore;
  agent: Agent | null;
  port: SimDevicePort | null;
  link: SimulatedLink;
  wake: number;
  needsStep: boolean;
  boots: number;
  powerCuts: number;
  watchdogResets: number;
  /** Artifact byte thresholds already used. */
  firedDrops: Set<number>;
  firedCuts: Set<number>;
  cancelled: boolean;
  /** Simulated time the device first saw a deployment / ended its last action. */
  firstRequestAt: number | null;
  settledAt: number | null;
  log: string[];
}

export interface RunnerOptions {
  server: UpdateServer;
  agent?: Partial<AgentConfig>;
  link?: LinkModel;
  /** Simulated outages of the server: [from, to) in simulated ms. */
  serverDown?: Array<[number, number]>;
  seed?: number;
  /** Simulated ms from a reset to the agent running again. */
  bootMs?: number;
  /** Simulated ms a hung image runs before the watchdog resets it. */
  watchdogMs?: number;
  /** Keep per-device logs (tests print them on failure). */
  keepLogs?: boolean;
  /** Sockets the fleet's shared HTTPS agent may open to the server. */
  maxSockets?: number;
}

interface Timer {
  at: number;
  run: () => void;
}

export class FleetRunner {
  readonly devices: FleetDevice[] = [];
  private time = 0;
  private timers: Timer[] = [];
  private io = 0;
  private signal: (() => void) | null = null;
  private readonly rng: Rng;
  private readonly httpsAgent: https.Agent;
  private powerUps: Array<{ at: number; device: FleetDevice; reason: ResetReason }> = [];
  realStart = 0;

  constructor(readonly options: RunnerOptions) {
    this.rng = new Rng(options.seed ?? 1);
    // The server's feedback history is stamped with the fleet's simulated time.
    options.server.settings.now = () => this.time;
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32, ca: options.server.ca.caPem });
  }

  now(): number {
    return this.time;
  }

  private wakeUp(): void {
    const signal = this.signal;
    this.signal = null;
    signal?.();
  }

  addDevice(spec: FleetDeviceSpec): FleetDevice {
    const sim = SimDevice.create({ slotSize: spec.slotSize ?? 256 * 1024 });
    if (spec.publicKey) sim.config.publicKey = spec.publicKey;
    if (spec.decryptionKey) sim.config.decryptionKey = spec.decryptionKey;
    const inner = spec.transport ?? new HttpsTransport({
      baseUrl: this.options.server.url, ca: this.options.server.ca.caPem, credential: { scheme: "TargetToken", token: spec.token }, agent: this.httpsAgent,
    });
    const device: FleetDevice = {
      spec, sim, store: { text: null }, agent: null, port: null, link: null as unknown as SimulatedLink, wake: -1, needsStep: false,
      boots: 0, powerCuts: 0, watchdogResets: 0, firedDrops: new Set(), firedCuts: new Set(), cancelled: false, firstRequestAt: null, settledAt: null, log: [],
    };
    const faults = spec.faults ?? {};
    device.link = new SimulatedLink(inner, spec.link ?? this.options.link ?? { latencyMs: 40, bytesPerSecond: 200_000 }, {
      now: () => this.time,
      later: (at, deliver) => this.later(at, deliver),
      ioStarted: () => {
        this.io++;
      },
      ioEnded: () => {
        this.io--;
        this.wakeUp();
      },
      serverDown: (at) => (this.options.serverDown ?? []).some(([from, to]) => at >= from && at < to),
      cutOff: () => !!device.port && (faults.cutOffVersions ?? []).includes(device.port.status().version),
      artifactBytes: (total, chunk) => this.artifactHook(device, total, chunk),
      powerCut: (cut) => this.powerCut(device, cut),
    });
    this.devices.push(device);
    return device;
  }

  /** Fault hooks at artifact byte counts: returns how much of this chunk to deliver before the link drops (null: all). */
  private artifactHook(device: FleetDevice, total: number, chunk: number): number | null {
    const faults = device.spec.faults ?? {};
    if (faults.cancelAtBytes !== undefined && !device.cancelled && total + chunk >= faults.cancelAtBytes) {
      device.cancelled = true;
      const action = this.options.server.fleet.currentAction(device.spec.controllerId);
      if (action) this.options.server.fleet.cancel(action.id);
    }
    for (const at of faults.cutAtBytes ?? []) {
      if (!device.firedCuts.has(at) && total + chunk >= at) {
        device.firedCuts.add(at);
        device.sim.flash.cutAfterOps(0, at);
      }
    }
    for (const at of faults.dropAtBytes ?? []) {
      if (!device.firedDrops.has(at) && total + chunk > at) {
        device.firedDrops.add(at);
        return Math.max(0, at - total);
      }
    }
    return null;
  }

  private later(at: number, run: () => void): void {
    this.timers.push({ at, run });
    this.wakeUp();
  }

  private note(device: FleetDevice, line: string): void {
    if (this.options.keepLogs) device.log.push(`${(this.time / 1000).toFixed(1)}s ${line}`);
  }

  private powerCut(device: FleetDevice, cut: PowerCut): void {
    device.powerCuts++;
    this.note(device, `POWER CUT (${cut.kind} #${cut.op}) in ${device.agent?.state}`);
    device.agent?.stop();
    device.agent = null;
    device.port = null;
    device.sim.runtime.nextReset = "power";
    device.sim.runtime.running = null;
    this.powerUps.push({ at: this.time + (this.options.bootMs ?? 2000), device, reason: "power" });
  }

  /** Factory-provision every device and start its agent. */
  async start(): Promise<void> {
    this.realStart = performance.now();
    for (const device of this.devices) {
      await device.sim.provision(device.spec.factoryImage);
      this.powerUps.push({ at: this.time, device, reason: "power" });
    }
  }

  private async powerUp(device: FleetDevice, reason: ResetReason): Promise<void> {
    const faults = device.spec.faults ?? {};
    let result;
    try {
      result = await device.sim.powerUp(reason);
    } catch (e) {
      if (!(e instanceof PowerCut)) throw e;
      this.powerUps.push({ at: this.time + (this.options.bootMs ?? 2000), device, reason: "power" });
      return;
    }
    device.boots++;
    this.note(device, `boot (${reason}): slot ${result.booted} v${result.version} [${result.reason}]`);
    if (!result.booted) return; // recovery: nothing runs (reported by the outcome)
    if ((faults.hangVersions ?? []).includes(result.version ?? "")) {
      device.watchdogResets++;
      device.sim.runtime.nextReset = "watchdog";
      this.powerUps.push({ at: this.time + (this.options.watchdogMs ?? 30_000), device, reason: "watchdog" });
      return;
    }
    const bootloader = await device.sim.bootloader();
    const port = new SimDevicePort(device.sim, bootloader, device.store, { now: () => this.time }, () => this.rng.next() / 0x1_0000_0000);
    const complete = port.receiveComplete.bind(port);
    port.receiveComplete = () => {
      if (faults.cutDuringInstall !== undefined && !device.firedCuts.has(-1)) {
        device.firedCuts.add(-1);
        device.sim.flash.cutAfterOps(faults.cutDuringInstall, 7);
      }
      return complete();
    };
    const confirm = port.confirm.bind(port);
    port.confirm = () => {
      if (faults.cutDuringConfirm !== undefined && !device.firedCuts.has(-2)) {
        device.firedCuts.add(-2);
        device.sim.flash.cutAfterOps(faults.cutDuringConfirm, 11);
      }
      return confirm();
    };
    device.port = port;
    device.agent = createAgent(
      {
        controllerId: device.spec.controllerId,
        tenant: this.options.server.settings.tenant,
        notify: () => {
          device.needsStep = true;
          this.wakeUp();
        },
        log: this.options.keepLogs ? (line) => this.note(device, line) : undefined,
        ...this.options.agent,
      },
      port,
      device.link,
    );
    device.needsStep = true;
  }

  private step(device: FleetDevice): void {
    device.needsStep = false;
    const agent = device.agent;
    if (!agent) return;
    let wake: number;
    try {
      wake = agent.step();
    } catch (e) {
      if (!(e instanceof PowerCut)) throw e;
      this.powerCut(device, e);
      return;
    }
    if (device.firstRequestAt === null && agent.record) device.firstRequestAt = this.time;
    if (wake === HALTED) {
      this.note(device, "reset requested");
      device.agent = null;
      device.port = null;
      device.sim.runtime.nextReset = "software";
      this.powerUps.push({ at: this.time + (this.options.bootMs ?? 2000), device, reason: "software" });
      device.wake = -1;
    } else {
      device.wake = wake === WAITING_FOR_IO ? -1 : wake;
    }
  }

  /** Run until `done()` holds or the simulated clock passes `limitMs`. */
  async run(done: () => boolean, limitMs: number): Promise<void> {
    while (!done()) {
      if (this.time > limitMs) throw new Error(`fleet: not settled after ${limitMs / 1000} simulated seconds`);
      let worked = false;
      const due = this.powerUps.filter((p) => p.at <= this.time);
      if (due.length) {
        this.powerUps = this.powerUps.filter((p) => p.at > this.time);
        for (const p of due) await this.powerUp(p.device, p.reason);
        worked = true;
      }
      const timers = this.timers.filter((t) => t.at <= this.time);
      if (timers.length) {
        this.timers = this.timers.filter((t) => t.at > this.time);
        for (const t of timers) t.run();
        worked = true;
      }
      for (const device of this.devices) {
        if (device.needsStep || (device.agent && device.wake >= 0 && device.wake <= this.time)) {
          this.step(device);
          worked = true;
        }
      }
      if (worked) continue;
      if (this.io > 0) {
        await new Promise<void>((resolve) => {
          this.signal = resolve;
        });
        continue;
      }
      // Nothing to do now and nothing on the wire: jump to the next event.
      let next = Infinity;
      for (const t of this.timers) next = Math.min(next, t.at);
      for (const p of this.powerUps) next = Math.min(next, p.at);
      for (const device of this.devices) if (device.agent && device.wake >= 0) next = Math.min(next, device.wake);
      if (next === Infinity) throw new Error("fleet: nothing left to happen, but not done");
      this.time = Math.max(this.time, next);
    }
  }

  close(): void {
    this.httpsAgent.destroy();
  }
}
