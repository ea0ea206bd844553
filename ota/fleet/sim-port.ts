// The agent's device under Node: one power-up of a simulated device (its own
// core instance, as after a real reset), the agent's record kept in a small
// store that survives resets, and the simulated clock.
import type { Bootloader } from "../../bindings/bootloader.js";
import { SlotbootError } from "../../bindings/errors.js";
import type { SimDevice } from "../../bootloader-sim/device.js";
import type { AgentDevice, AgentDeviceStatus } from "../agent/load.js";

export interface Clock {
  now(): number;
}

/** The agent's record: written whole (as a small file written by rename on a board). */
export interface RecordStore {
  text: string | null;
}

export class SimDevicePort implements AgentDevice {
  rebootRequested = false;
  private cached: AgentDeviceStatus | null = null;
  private began = false;

  constructor(
    readonly device: SimDevice,
    readonly bootloader: Bootloader,
    readonly store: RecordStore,
    readonly clock: Clock,
    readonly random: () => number,
    readonly hardwareRevision = "1",
  ) {}

  now(): number {
    return this.clock.now();
  }

  load(): string | null {
    return this.store.text;
  }

  save(text: string | null): void {
    this.store.text = text;
  }

  status(): AgentDeviceStatus {
    if (this.cached) return this.cached;
    const state = this.bootloader.state();
    const running = this.device.runtime.running;
    const slot = running ? state.slots[running] : null;
    const attributes: Record<string, string> = {
      hwRevision: this.hardwareRevision,
      version: slot?.version ?? "none",
      runningSlot: running ?? "none",
      trial: state.trial ? "yes" : "no",
      slotA: `${state.slots.A.state}${state.slots.A.version ? " " + state.slots.A.version : ""}`,
      slotB: `${state.slots.B.state}${state.slots.B.version ? " " + state.slots.B.version : ""}`,
      securityFloor: String(state.securityFloor),
    };
    this.cached = {
      version: slot?.version ?? "none",
      trial: !!state.trial && state.trial.slot === running,
      lastEvent: state.lastEvent,
      attributes,
    };
    return this.cached;
  }

  private get core() {
    return this.bootloader.core.exports;
  }

  receiveBegin(): void {
    this.core.receiveBegin();
    this.began = true;
  }

  receivePosition(): number {
    return this.began ? this.core.receivePosition() >>> 0 : 0;
  }

  receiveWrite(bytes: Uint8Array, from: number, to: number): number {
    const io = this.bootloader.core.io();
    const n = Math.min(io.length, to - from);
    io.set(bytes.subarray(from, from + n), 0);
    return this.core.receiveWrite(n) as number;
  }

  receiveComplete(): number {
    this.cached = null;
    return this.core.receiveComplete() as number;
  }

  receiveCancel(): void {
    this.core.receiveCancel();
    this.began = false;
  }

  confirm(): number {
    this.cached = null;
    try {
      this.bootloader.confirm();
      return 0;
    } catch (e) {
      if (e instanceof SlotbootError) return e.status;
      throw e;
    }
  }

  reject(): number {
    this.cached = null;
    try {
      this.bootloader.reject();
      return 0;
    } catch (e) {
      if (e instanceof SlotbootError) return e.status;
      throw e;
    }
  }

  reboot(): void {
    this.rebootRequested = true;
  }
}
