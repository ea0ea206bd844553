// The gateway service: answers its edge devices' DDI requests (arriving over
// the secure local link, already bound to a device's controller id) — polls,
// feedback, configData and cancel answers forwarded upstream with the
// gateway's credential; deployments forwarded and remembered; artifacts served
// from the content-addressed cache, fetched upstream once and checked against
// the deployment's SHA-256 before the first byte is served. The gateway never
// needs to understand a package: the device's core checks signatures itself.
import type { Transport, TransportRequest } from "../ddi/transport.js";
import { parseControllerPath } from "../ddi/paths.js";
import { rangeHeader } from "../ddi/range.js";
import type { ControllerBase, DeploymentBase } from "../ddi/types.js";
import { artifactResponse } from "../server/ddi-handler.js";
import { CacheRefusal, PackageCache } from "./package-cache.js";
import { fetchUpstream, isFailure, type UpstreamResponse } from "./upstream.js";

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface GatewayOptions {
  /** Upstream DDI transport carrying the GatewayToken (HttpsTransport in production). */
  upstream: Transport;
  tenant: string;
  cache: PackageCache;
  now: () => number;
  /** Largest JSON answer taken from upstream. */
  maxJsonBytes?: number;
  /** Largest package fetched upstream. */
  maxPackageBytes?: number;
}

export interface GatewayStats {
  /** Requests from devices, by route. */
  requests: Record<string, number>;
  upstreamRequests: number;
  upstreamFailures: number;
  /** Artifact bytes served to devices from the cache. */
  servedBytes: number;
  /** Packages fetched upstream (each once) and refused by the hash check. */
  packagesFetched: number;
  packagesRefused: number;
  /** Deployments answered from memory while upstream was unreachable. */
  staleDeployments: number;
}

interface KnownArtifact {
  sha256: string;
  size: number;
  /** Upstream path (and query) of the download. */
  upstreamPath: string;
}

interface RememberedDeployment {
  /** Path of the deployment (no query). */
  path: string;
  response: GatewayResponse;
  /** Local artifact path (no query) → what the deployment says about it. */
  artifacts: Map<string, KnownArtifact>;
}

const encoder = new TextEncoder();

export function problem(status: number, errorCode: string, message: string): GatewayResponse {
  return { status, headers: { "content-type": "application/json" }, body: encoder.encode(JSON.stringify({ exceptionClass: "slotboot.gateway", errorCode, message })) };
}

/** Path and query of an href (absolute upstream URL or already a path). */
export function hrefPath(href: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(href);
  return match ? match[1] || "/" : href;
}

const withoutQuery = (path: string) => path.split("?")[0];

export class Gateway {
  readonly stats: GatewayStats = { requests: {}, upstreamRequests: 0, upstreamFailures: 0, servedBytes: 0, packagesFetched: 0, packagesRefused: 0, staleDeployments: 0 };
  /** Per device, its latest deployment: the answer (served again while upstream is unreachable) and the artifacts it names
   * (the only ones the device may fetch). One entry per device, so the memory is bounded by the device list. */
  private readonly latest = new Map<string, RememberedDeployment>();
  /** One upstream fetch per package at a time. */
  private readonly fetching = new Map<string, Promise<Uint8Array | GatewayResponse>>();
  private readonly maxJsonBytes: number;
  private readonly maxPackageBytes: number;

  constructor(private readonly options: GatewayOptions) {
    this.maxJsonBytes = options.maxJsonBytes ?? 256 << 10;
    this.maxPackageBytes = options.maxPackageBytes ?? 64 << 20;
  }

  get cache(): PackageCache {
    return this.options.cache;
  }

  /** Answer one request from the device authenticated as `controllerId` on the link. */
  async handle(controllerId: string, request: TransportRequest): Promise<GatewayResponse> {
    const target = parseControllerPath(request.path);
    if (!target || target.tenant !== this.options.tenant) return this.count("refused", problem(404, "slotboot.gateway.notFound", `no DDI resource at ${request.path}`));
    // A device speaks only for itself: its link key is provisioned for one controller id.
    if (target.controllerId !== controllerId)
      return this.count("refused", problem(403, "slotboot.gateway.wrongController", `this link is authenticated as ${controllerId}, not ${target.controllerId}`));
    const [resource, , tail] = target.rest;
    const method = request.method;
    if (resource === "softwaremodules" && method === "GET") return this.count("artifact", await this.artifact(controllerId, request));
    if (resource === undefined && method === "GET") return this.count("poll", await this.forward(request, (body) => this.rewriteBase(body)));
    if (resource === "deploymentBase" && tail === undefined && method === "GET") return this.count("deployment", await this.deployment(controllerId, request));
    if ((resource === "deploymentBase" || resource === "cancelAction") && tail === "feedback" && method === "POST") return this.count("feedback", await this.forward(request));
    if (resource === "configData" && method === "PUT") return this.count("configData", await this.forward(request));
    if (resource === "cancelAction" && tail === undefined && method === "GET") return this.count("cancel", await this.forward(request));
    return this.count("refused", problem(404, "slotboot.gateway.notFound", `the gateway does not relay ${method} ${request.path}`));
  }

  /** Poll upstream on a device's behalf and cache what its deployment will need (the device may be asleep). */
  async prefetch(controllerId: string): Promise<"idle" | "cached" | "unreachable" | "refused"> {
    const base = `/${this.options.tenant}/controller/v1/${controllerId}`;
    const poll = await this.forward({ method: "GET", path: base }, (body) => this.rewriteBase(body));
    if (poll.status !== 200) return poll.status === 503 ? "unreachable" : "refused";
    const links = (JSON.parse(new TextDecoder().decode(poll.body)) as ControllerBase)._links;
    if (!links?.deploymentBase) return "idle";
    const deployment = await this.deployment(controllerId, { method: "GET", path: links.deploymentBase.href });
    if (deployment.status !== 200) return deployment.status === 503 ? "unreachable" : "refused";
    for (const artifact of this.latest.get(controllerId)?.artifacts.values() ?? []) {
      const fetched = await this.fetchPackage(artifact);
      if (!(fetched instanceof Uint8Array)) return fetched.status === 503 ? "unreachable" : "refused";
    }
    return "cached";
  }

  private count(route: string, response: GatewayResponse): GatewayResponse {
    this.stats.requests[route] = (this.stats.requests[route] ?? 0) + 1;
    return response;
  }

  private async upstream(request: TransportRequest, maxBytes: number): Promise<UpstreamResponse | GatewayResponse> {
    this.stats.upstreamRequests++;
    const answer = await fetchUpstream(this.options.upstream, request, maxBytes);
    if (isFailure(answer)) {
      this.stats.upstreamFailures++;
      return problem(503, "slotboot.gateway.upstreamUnavailable", `the update server is unreachable from the gateway (${answer.error.code}: ${answer.error.message}); retry later`);
    }
    return answer;
  }

  private async forward(request: TransportRequest, rewrite?: (body: Uint8Array) => Uint8Array): Promise<GatewayResponse> {
    const answer = await this.upstream({ method: request.method, path: request.path, body: request.body }, this.maxJsonBytes);
    if (!("status" in answer) || answer.status !== 200 || !rewrite) return answer as GatewayResponse;
    try {
      return { status: answer.status, headers: jsonHeaders(answer.headers), body: rewrite(answer.body) };
    } catch {
      return problem(502, "slotboot.gateway.badUpstreamAnswer", "the update server's answer is not DDI JSON");
    }
  }

  /** Links in a poll answer point at the gateway (paths), not at the cloud. */
  private rewriteBase(body: Uint8Array): Uint8Array {
    const base = JSON.parse(new TextDecoder().decode(body)) as ControllerBase;
    if (base._links) for (const link of Object.values(base._links)) if (link) link.href = hrefPath(link.href);
    return encoder.encode(JSON.stringify(base));
  }

  private async deployment(controllerId: string, request: TransportRequest): Promise<GatewayResponse> {
    const path = withoutQuery(hrefPath(request.path));
    const answer = await this.upstream({ method: "GET", path: hrefPath(request.path) }, this.maxJsonBytes);
    const remembered = this.latest.get(controllerId);
    if (answer.status === 503 && remembered?.path === path) {
      // Upstream is down but this device already learned of the deployment: let it download from the cache.
      this.stats.staleDeployments++;
      return remembered.response;
    }
    if (answer.status !== 200) return answer as GatewayResponse;
    let deployment: DeploymentBase;
    const named = new Map<string, KnownArtifact>();
    try {
      deployment = JSON.parse(new TextDecoder().decode(answer.body)) as DeploymentBase;
      for (const chunk of deployment.deployment.chunks) {
        for (const artifact of chunk.artifacts) {
          const href = artifact._links.download?.href ?? artifact._links["download-http"]?.href;
          if (!href) continue;
          const local = hrefPath(href);
          const known = { sha256: String(artifact.hashes.sha256).toLowerCase(), size: Number(artifact.size), upstreamPath: local };
          named.set(withoutQuery(local), known);
          if (artifact._links.download) artifact._links.download.href = local;
          if (artifact._links["download-http"]) artifact._links["download-http"].href = local;
        }
      }
    } catch {
      return problem(502, "slotboot.gateway.badUpstreamAnswer", "the update server's deployment is not DDI JSON");
    }
    const response: GatewayResponse = { status: 200, headers: jsonHeaders(answer.headers), body: encoder.encode(JSON.stringify(deployment)) };
    this.latest.set(controllerId, { path, response, artifacts: named });
    // Start filling the cache now; the device's download waits for it.
    for (const artifact of named.values()) void this.fetchPackage(artifact);
    return response;
  }

  private async artifact(controllerId: string, request: TransportRequest): Promise<GatewayResponse> {
    const known = this.latest.get(controllerId)?.artifacts.get(withoutQuery(request.path));
    if (!known) return problem(404, "slotboot.gateway.unknownArtifact", `no deployment of ${controllerId} names ${request.path}; poll and fetch the deployment first`);
    const bytes = await this.fetchPackage(known);
    if (!(bytes instanceof Uint8Array)) return bytes;
    const range = request.range ? rangeHeader(request.range.start, request.range.end) : undefined;
    const response = artifactResponse(bytes, known.sha256, range);
    this.stats.servedBytes += response.body.length;
    return response;
  }

  private fetchPackage(artifact: KnownArtifact): Promise<Uint8Array | GatewayResponse> {
    const cached = this.options.cache.get(artifact.sha256);
    if (cached) return Promise.resolve(cached);
    const running = this.fetching.get(artifact.sha256);
    if (running) return running;
    const fetch = (async (): Promise<Uint8Array | GatewayResponse> => {
      const answer = await this.upstream({ method: "GET", path: artifact.upstreamPath }, Math.min(this.maxPackageBytes, artifact.size));
      if (answer.status !== 200) return answer.status === 503 ? (answer as GatewayResponse) : problem(502, "slotboot.gateway.upstreamRefused", `the update server answered ${answer.status} for the package`);
      try {
        this.options.cache.put(answer.body, artifact.sha256, artifact.size);
      } catch (error) {
        if (!(error instanceof CacheRefusal)) throw error;
        this.stats.packagesRefused++;
        return problem(502, error.code, error.message);
      }
      this.stats.packagesFetched++;
      return answer.body;
    })().finally(() => this.fetching.delete(artifact.sha256));
    this.fetching.set(artifact.sha256, fetch);
    return fetch;
  }
}

function jsonHeaders(headers: Record<string, string>): Record<string, string> {
  return { "content-type": headers["content-type"] ?? "application/hal+json;charset=UTF-8" };
}
