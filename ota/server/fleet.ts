// What the update server knows: devices (controller id, TargetToken, group,
// attributes), packages (content-addressed by SHA-256), rollouts of a package
// to a group, and one action per device and rollout with its feedback
// history. Pure state, no I/O: the DDI handler reads and changes it.
import { createHash, randomBytes } from "node:crypto";
import type { ActionFeedback } from "../ddi/types.js";

export interface Device {
  controllerId: string;
  token: string;
  group: string;
  /** configData the device sent (merged). */
  attributes: Record<string, string>;
  /** Ask the device for its attributes at its next poll (first contact, after an update). */
  requestAttributes: boolean;
  lastPoll: number | null;
  polls: number;
}

export interface StoredPackage {
  sha256: string;
  sha1: string;
  md5: string;
  size: number;
  filename: string;
  /** The image version inside, as the operator named it. */
  version: string;
  bytes: Uint8Array;
}

export type ActionStatus = "pending" | "running" | "canceling" | "finished" | "error" | "canceled";

export interface Action {
  id: string;
  controllerId: string;
  rolloutId: string;
  sha256: string;
  status: ActionStatus;
  /** Last progress the device reported. */
  progress: { cnt: number; of: number } | null;
  history: Array<{ at: number; feedback: ActionFeedback; to: "deploymentBase" | "cancelAction" }>;
  /** Details of the closing feedback (the device's reason for a failure). */
  result: string[];
}

export interface Rollout {
  id: string;
  name: string;
  group: string;
  sha256: string;
  actionIds: string[];
}

export const OPEN_STATUSES: readonly ActionStatus[] = ["pending", "running", "canceling"];

export class Fleet {
  readonly devices = new Map<string, Device>();
  readonly packages = new Map<string, StoredPackage>();
  readonly rollouts = new Map<string, Rollout>();
  readonly actions = new Map<string, Action>();
  private nextAction = 1;
  private nextRollout = 1;

  registerDevice(controllerId: string, options: { token?: string; group?: string } = {}): Device {
    const device: Device = {
      controllerId,
      token: options.token ?? randomBytes(16).toString("hex"),
      group: options.group ?? "default",
      attributes: {},
      requestAttributes: true,
      lastPoll: null,
      polls: 0,
    };
    this.devices.set(controllerId, device);
    return device;
  }

  addPackage(bytes: Uint8Array, options: { filename?: string; version: string }): StoredPackage {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const existing = this.packages.get(sha256);
    if (existing) return existing;
    const stored: StoredPackage = {
      sha256,
      sha1: createHash("sha1").update(bytes).digest("hex"),
      md5: createHash("md5").update(bytes).digest("hex"),
      size: bytes.length,
      filename: options.filename ?? `${options.version}.slotboot`,
      version: options.version,
      bytes,
    };
    this.packages.set(sha256, stored);
    return stored;
  }

  /** Assign a package to every device of a group: one action each; a device's older open action is superseded (canceled). */
  createRollout(sha256: string, group: string, name = `rollout-${this.nextRollout}`): Rollout {
    if (!this.packages.has(sha256)) throw new Error(`no package with SHA-256 ${sha256}; upload it first`);
    const rollout: Rollout = { id: String(this.nextRollout++), name, group, sha256, actionIds: [] };
    for (const device of this.devices.values()) {
      if (device.group !== group) continue;
      for (const open of this.openActions(device.controllerId)) this.cancel(open.id);
      const action: Action = {
        id: String(this.nextAction++), controllerId: device.controllerId, rolloutId: rollout.id, sha256, status: "pending", progress: null, history: [], result: [],
      };
      this.actions.set(action.id, action);
      rollout.actionIds.push(action.id);
    }
    this.rollouts.set(rollout.id, rollout);
    return rollout;
  }

  /** Ask for a cancel: a pending action is dropped at once; a running one waits for the device's cancel feedback. */
  cancel(actionId: string): Action {
    const action = this.actions.get(actionId);
    if (!action) throw new Error(`no action ${actionId}`);
    if (action.status === "pending") action.status = "canceled";
    else if (action.status === "running") action.status = "canceling";
    return action;
  }

  openActions(controllerId: string): Action[] {
    return [...this.actions.values()].filter((a) => a.controllerId === controllerId && OPEN_STATUSES.includes(a.status));
  }

  /** The action the device should see at its poll: a cancel first, else the oldest open deployment. */
  currentAction(controllerId: string): Action | null {
    const open = this.openActions(controllerId);
    return open.find((a) => a.status === "canceling") ?? open[0] ?? null;
  }
}
