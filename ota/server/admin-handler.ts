// The operator's half of `slotboot serve` (a small JSON API, not hawkBit's
// Management API): register devices, upload packages, roll a package out to
// a group, cancel an action, read the state. Bearer admin token.
import type { DdiRequest, DdiResponse } from "./ddi-handler.js";
import type { Action, Fleet } from "./fleet.js";

const encoder = new TextEncoder();
const reply = (status: number, value: unknown): DdiResponse => ({
  status, headers: { "content-type": "application/json" }, body: encoder.encode(JSON.stringify(value)),
});

export function actionView(action: Action) {
  return {
    id: action.id, controllerId: action.controllerId, rollout: action.rolloutId, sha256: action.sha256, status: action.status,
    progress: action.progress, result: action.result, feedback: action.history.length,
  };
}

export function fleetView(fleet: Fleet) {
  return {
    devices: [...fleet.devices.values()].map((d) => ({ controllerId: d.controllerId, group: d.group, attributes: d.attributes, polls: d.polls })),
    packages: [...fleet.packages.values()].map((p) => ({ sha256: p.sha256, size: p.size, filename: p.filename, version: p.version })),
    rollouts: [...fleet.rollouts.values()].map((r) => ({ id: r.id, name: r.name, group: r.group, sha256: r.sha256, actions: r.actionIds.length })),
    actions: [...fleet.actions.values()].map(actionView),
  };
}

export function handleAdmin(fleet: Fleet, adminToken: string, request: DdiRequest): DdiResponse {
  if (request.headers.authorization !== `Bearer ${adminToken}`) return reply(401, { error: "send Authorization: Bearer <the admin token serve printed>" });
  const url = new URL(request.path, "https://admin.invalid");
  const parts = url.pathname.split("/").slice(2); // after "/admin"
  const body = () => JSON.parse(new TextDecoder().decode(request.body) || "{}");
  try {
    if (request.method === "GET" && parts[0] === "state") return reply(200, fleetView(fleet));
    if (request.method === "POST" && parts[0] === "devices") {
      const { controllerId, token, group } = body();
      if (typeof controllerId !== "string") return reply(400, { error: "send { controllerId, token?, group? }" });
      const device = fleet.registerDevice(controllerId, { token, group });
      return reply(201, { controllerId, token: device.token, group: device.group });
    }
    if (request.method === "POST" && parts[0] === "packages") {
      const version = url.searchParams.get("version");
      if (!version || request.body.length === 0) return reply(400, { error: "POST the package bytes to /admin/packages?version=1.2.3[&filename=NAME]" });
      const stored = fleet.addPackage(request.body.slice(), { version, filename: url.searchParams.get("filename") ?? undefined });
      return reply(201, { sha256: stored.sha256, size: stored.size, filename: stored.filename, version: stored.version });
    }
    if (request.method === "POST" && parts[0] === "rollouts") {
      const { sha256, group, name } = body();
      const rollout = fleet.createRollout(sha256, group ?? "default", name);
      return reply(201, { id: rollout.id, actions: rollout.actionIds });
    }
    if (request.method === "POST" && parts[0] === "actions" && parts[2] === "cancel") return reply(200, actionView(fleet.cancel(parts[1])));
  } catch (e) {
    return reply(400, { error: (e as Error).message });
  }
  return reply(404, { error: `no admin resource ${request.method} ${url.pathname}` });
}
