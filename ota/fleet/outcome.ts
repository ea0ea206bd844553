// What happened to each device, from both sides: the device's own state (the
// slot it runs, confirmed or not) and what the server recorded from its feedback.
import type { FleetDevice } from "./runner.js";
import type { UpdateServer } from "../server/server.js";
import type { Action } from "../server/fleet.js";

export type OutcomeKind = "updated" | "rolled-back" | "failed" | "cancelled" | "pending";

export interface DeviceOutcome {
  controllerId: string;
  kind: OutcomeKind;
  /** The version the device runs now, and whether it is confirmed (not on trial). */
  running: string;
  confirmed: boolean;
  action: Action | null;
  reason: string;
  bytes: number;
  requests: number;
  boots: number;
  powerCuts: number;
  /** Simulated ms from the first deployment seen to the action's close. */
  updateMs: number | null;
}

export async function deviceOutcome(device: FleetDevice, server: UpdateServer): Promise<DeviceOutcome> {
  const state = await device.sim.state();
  const running = device.sim.runtime.running ?? state.active;
  const slot = running ? state.slots[running] : null;
  const actions = [...server.fleet.actions.values()].filter((a) => a.controllerId === device.spec.controllerId);
  const action = actions[actions.length - 1] ?? null;
  const kind: OutcomeKind = !action || action.status === "pending" || action.status === "running" || action.status === "canceling"
    ? "pending"
    : action.status === "finished" ? "updated"
    : action.status === "canceled" ? "cancelled"
    : /rolled back/.test(action.result.join(" ")) ? "rolled-back" : "failed";
  return {
    controllerId: device.spec.controllerId,
    kind,
    running: slot?.version ?? "none",
    confirmed: !state.trial && state.confirmed === running,
    action,
    reason: action?.result.join("; ") ?? "",
    bytes: device.link.stats.bytesReceived + device.link.stats.bytesSent,
    requests: device.link.stats.requests,
    boots: device.boots,
    powerCuts: device.powerCuts,
    updateMs: device.firstRequestAt !== null && device.settledAt !== null ? device.settledAt - device.firstRequestAt : null,
  };
}

/** The device is idle with nothing left to report, and the server has closed its actions. */
export function settled(device: FleetDevice, server: UpdateServer): boolean {
  const agent = device.agent;
  if (!agent || agent.record || agent.state !== "WAIT") return false;
  return server.fleet.openActions(device.spec.controllerId).length === 0;
}

/**
 * The device and the server agree, and the device is on a good image:
 * updated = runs the new version, confirmed; rolled back / failed / cancelled = runs the old one, confirmed.
 * Returns what is wrong, or null.
 */
export function untruthful(outcome: DeviceOutcome, oldVersion: string, newVersion: string): string | null {
  if (!outcome.confirmed) return `${outcome.controllerId} runs ${outcome.running} unconfirmed`;
  if (outcome.kind === "pending") return `${outcome.controllerId}: the server still has action ${outcome.action?.id} open (${outcome.action?.status})`;
  const expected = outcome.kind === "updated" ? newVersion : oldVersion;
  if (outcome.running !== expected) return `${outcome.controllerId}: the server says ${outcome.kind}, the device runs ${outcome.running}`;
  return null;
}
