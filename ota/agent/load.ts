// The agent (agent.js, plain ES5) under Node: the same text the engines load
// from Storage, evaluated as a CommonJS module, with its types.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "../../tools/engines/root.js";
import type { Transport } from "../ddi/transport.js";

export interface AgentDeviceStatus {
  version: string;
  /** The running image is on trial (not yet confirmed). */
  trial: boolean;
  lastEvent: string;
  /** configData: what the device tells the server about itself. */
  attributes: Record<string, string>;
}

/** What the agent needs from the device (the core's update and boot roles, storage, clock). */
export interface AgentDevice {
  now(): number;
  random(): number;
  load(): string | null;
  save(text: string | null): void;
  status(): AgentDeviceStatus;
  receiveBegin(): void;
  receivePosition(): number;
  receiveWrite(bytes: Uint8Array, from: number, to: number): number;
  receiveComplete(): number;
  receiveCancel(): void;
  confirm(): number;
  reject(): number;
  reboot(): void;
}

export interface AgentConfig {
  controllerId: string;
  tenant?: string;
  pollSeconds?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  segmentBytes?: number;
  trialBudgetMs?: number;
  progressSteps?: number;
  maxJsonBytes?: number;
  skipLimit?: number;
  notify?: () => void;
  log?: (line: string) => void;
}

export interface AgentRecord {
  action: string;
  phase: "download" | "installed" | "report" | "canceled";
  version?: string;
  result?: "success" | "failure";
  details?: string;
  reason?: string;
}

export interface Agent {
  state: string;
  sleepMs: number;
  errors: number;
  record: AgentRecord | null;
  counters: { polls: number; requests: number; failures: number; restarts: number; bytes: number };
  lastError: string | null;
  /** >= 0: call again at that device time; -1: after the transport's next callback; -2: halted, reset the device. */
  step(): number;
  stop(): void;
}

export const HALTED = -2;
export const WAITING_FOR_IO = -1;

export const agentSourcePath = () => join(repositoryRoot(), "ota", "agent", "agent.js");
export const agentSource = () => readFileSync(agentSourcePath(), "utf8");

let factory: ((config: AgentConfig, device: AgentDevice, transport: Transport) => Agent) | null = null;

export function createAgent(config: AgentConfig, device: AgentDevice, transport: Transport): Agent {
  if (!factory) {
    const module = { exports: {} as { createAgent: typeof factory } };
    new Function("exports", "module", agentSource())(module.exports, module);
    factory = module.exports.createAgent;
  }
  return factory!(config, device, transport);
}
