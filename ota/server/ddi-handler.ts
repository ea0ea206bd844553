// The device-facing half of `slotboot serve`: DDI v1 resources over a Fleet.
// Pure request -> response (no sockets), so tests and the gateway can call it
// directly; server.ts puts it behind HTTPS.
import { parseAuthorization } from "../ddi/authorization.js";
import { parseControllerPath } from "../ddi/paths.js";
import { formatPollingTime } from "../ddi/polling-time.js";
import { parseRange } from "../ddi/range.js";
import { EXECUTIONS, FINISHED, type ActionFeedback, type CancelAction, type ConfigData, type ControllerBase, type DeploymentBase } from "../ddi/types.js";
import type { Action, Device, Fleet } from "./fleet.js";

export interface DdiRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: Uint8Array;
}

export interface DdiResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface DdiSettings {
  tenant: string;
  /** config.polling.sleep, seconds. */
  pollSeconds: number;
  /** The tenant's gateway token (absent: gateways are refused). */
  gatewayToken?: string;
  /** Clock for the feedback history (simulated in tests). */
  now: () => number;
}

const encoder = new TextEncoder();

function json(status: number, value: unknown): DdiResponse {
  return { status, headers: { "content-type": "application/hal+json;charset=UTF-8" }, body: encoder.encode(JSON.stringify(value)) };
}

function problem(status: number, errorCode: string, message: string): DdiResponse {
  return json(status, { exceptionClass: "slotboot.ddi", errorCode, message });
}

const empty = (status: number): DdiResponse => ({ status, headers: {}, body: new Uint8Array(0) });

export function artifactPath(tenant: string, controllerId: string, action: Action, filename: string): string {
  return `/${tenant}/controller/v1/${controllerId}/softwaremodules/${action.sha256}/artifacts/${encodeURIComponent(filename)}`;
}

function parseBody<T>(request: DdiRequest): T | null {
  try {
    return JSON.parse(new TextDecoder().decode(request.body)) as T;
  } catch {
    return null;
  }
}

function validFeedback(value: ActionFeedback | null): value is ActionFeedback {
  const status = value?.status;
  if (!status || !EXECUTIONS.includes(status.execution) || !status.result || !FINISHED.includes(status.result.finished)) return false;
  const progress = status.result.progress;
  if (progress !== undefined && !(Number.isInteger(progress.cnt) && Number.isInteger(progress.of) && progress.cnt >= 0 && progress.of >= 0)) return false;
  return status.details === undefined || (Array.isArray(status.details) && status.details.every((d) => typeof d === "string"));
}

export function handleDdi(fleet: Fleet, settings: DdiSettings, request: DdiRequest, origin: string): DdiResponse {
  const target = parseControllerPath(request.path);
  if (!target || target.tenant !== settings.tenant) return problem(404, "hawkbit.server.error.repo.entitiyNotFound", `no DDI resource at ${request.path}`);
  const credential = parseAuthorization(request.headers.authorization);
  let device: Device | undefined = fleet.devices.get(target.controllerId);
  if (credential?.scheme === "GatewayToken" && settings.gatewayToken && credential.token === settings.gatewayToken) {
    // A gateway acts for devices the tenant knows; like hawkBit, an unknown one is created on first contact.
    device ??= fleet.registerDevice(target.controllerId);
  } else if (!credential || credential.scheme !== "TargetToken" || !device || device.token !== credential.token) {
    return problem(401, "hawkbit.server.error.unauthorized", "send Authorization: TargetToken <the device's token> (or GatewayToken <the tenant's>)");
  }
  const [resource, id, tail] = target.rest;
  const method = request.method.toUpperCase();
  const base = `${origin}/${settings.tenant}/controller/v1/${device.controllerId}`;

  if (resource === undefined && method === "GET") {
    device.lastPoll = settings.now();
    device.polls++;
    const links: NonNullable<ControllerBase["_links"]> = {};
    const action = fleet.currentAction(device.controllerId);
    if (action?.status === "canceling") links.cancelAction = { href: `${base}/cancelAction/${action.id}` };
    else if (action) links.deploymentBase = { href: `${base}/deploymentBase/${action.id}?c=${action.sha256.slice(0, 8)}` };
    if (device.requestAttributes) links.configData = { href: `${base}/configData` };
    const body: ControllerBase = { config: { polling: { sleep: formatPollingTime(settings.pollSeconds) } } };
    if (Object.keys(links).length) body._links = links;
    return json(200, body);
  }

  if (resource === "configData" && id === undefined && method === "PUT") {
    const config = parseBody<ConfigData>(request);
    if (!config || typeof config.data !== "object" || config.data === null || !Object.values(config.data).every((v) => typeof v === "string"))
      return problem(400, "hawkbit.server.error.rest.body.notReadable", "configData needs { mode?, data: { name: string value } }");
    const mode = config.mode ?? "merge";
    if (mode === "replace") device.attributes = { ...config.data };
    else if (mode === "remove") for (const key of Object.keys(config.data)) delete device.attributes[key];
    else if (mode === "merge") Object.assign(device.attributes, config.data);
    else return problem(400, "hawkbit.server.error.rest.param.invalid", "mode must be merge, replace or remove");
    device.requestAttributes = false;
    return empty(200);
  }

  if ((resource === "deploymentBase" || resource === "cancelAction") && id !== undefined) {
    const action = fleet.actions.get(id);
    if (!action || action.controllerId !== device.controllerId) return problem(404, "hawkbit.server.error.repo.entitiyNotFound", `no action ${id} for ${device.controllerId}`);
    if (tail === undefined && method === "GET") {
      if (resource === "cancelAction") {
        if (action.status !== "canceling") return problem(404, "hawkbit.server.error.repo.entitiyNotFound", `action ${id} is not being cancelled`);
        const body: CancelAction = { id: action.id, cancelAction: { stopId: action.id } };
        return json(200, body);
      }
      const stored = fleet.packages.get(action.sha256)!;
      if (action.status === "pending") action.status = "running";
      const href = origin + artifactPath(settings.tenant, device.controllerId, action, stored.filename);
      const body: DeploymentBase = {
        id: action.id,
        deployment: {
          download: "forced",
          update: "forced",
          chunks: [{
            part: "bApp",
            version: stored.version,
            name: stored.filename,
            artifacts: [{
              filename: stored.filename,
              hashes: { sha1: stored.sha1, md5: stored.md5, sha256: stored.sha256 },
              size: stored.size,
              _links: { download: { href }, "download-http": { href } },
            }],
          }],
        },
        actionHistory: { status: action.status.toUpperCase(), messages: action.history.slice(-3).flatMap((h) => h.feedback.status.details ?? []) },
      };
      return json(200, body);
    }
    if (tail === "feedback" && method === "POST") {
      const feedback = parseBody<ActionFeedback>(request);
      if (!validFeedback(feedback)) return problem(400, "hawkbit.server.error.rest.body.notReadable", "feedback needs status.execution, status.result.finished (and optional progress {cnt, of}, details [])");
      if (action.status === "finished" || action.status === "error" || action.status === "canceled")
        return problem(410, "hawkbit.server.error.action.closed", `action ${id} is closed (${action.status})`);
      action.history.push({ at: settings.now(), feedback, to: resource });
      applyFeedback(action, device, feedback, resource);
      return empty(200);
    }
  }

  if (resource === "softwaremodules" && tail === "artifacts" && method === "GET" && id !== undefined) {
    const stored = fleet.packages.get(id);
    // A device may fetch only what one of its actions deploys.
    const allowed = stored && [...fleet.actions.values()].some((a) => a.controllerId === device.controllerId && a.sha256 === id);
    if (!stored || !allowed) return problem(404, "hawkbit.server.error.repo.entitiyNotFound", `no artifact ${id} for ${device.controllerId}`);
    return artifactResponse(stored.bytes, stored.sha256, request.headers.range);
  }
  return problem(404, "hawkbit.server.error.repo.entitiyNotFound", `no DDI resource ${method} ${request.path}`);
}

function applyFeedback(action: Action, device: Device, feedback: ActionFeedback, to: "deploymentBase" | "cancelAction"): void {
  const { execution, result, details } = feedback.status;
  if (result.progress) action.progress = result.progress;
  if (to === "cancelAction") {
    if (execution === "canceled" || (execution === "closed" && result.finished === "success")) action.status = "canceled";
    else if (execution === "rejected" || (execution === "closed" && result.finished === "failure")) action.status = "running";
    return;
  }
  if (execution === "closed" && result.finished !== "none") {
    action.status = result.finished === "success" ? "finished" : "error";
    action.result = details ?? [];
    // As hawkBit does: ask for the attributes (versions, slot states) after a successful update.
    if (result.finished === "success") device.requestAttributes = true;
  } else if (execution === "canceled") {
    action.status = "canceled";
    action.result = details ?? [];
  } else if (action.status === "pending") {
    action.status = "running";
  }
}

/** A content-addressed file with Range support (206 / 416), as any static server or CDN answers. */
export function artifactResponse(bytes: Uint8Array, sha256: string, rangeHeaderValue: string | undefined): DdiResponse {
  const range = parseRange(rangeHeaderValue, bytes.length);
  const headers: Record<string, string> = { "content-type": "application/octet-stream", "accept-ranges": "bytes", etag: `"${sha256}"` };
  if (range === "unsatisfiable") return { status: 416, headers: { ...headers, "content-range": `bytes */${bytes.length}` }, body: new Uint8Array(0) };
  if (range === null) return { status: 200, headers, body: bytes };
  return {
    status: 206,
    headers: { ...headers, "content-range": `bytes ${range.start}-${range.end}/${bytes.length}` },
    body: bytes.subarray(range.start, range.end + 1),
  };
}
