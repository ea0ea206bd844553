// `slotboot serve` as a library: the DDI handler and the admin API behind
// HTTPS on loopback, with a throwaway CA made at start (its certificate is
// written to a file for clients to trust). Packages are also reachable as
// static content-addressed files, /packages/<sha256>, as a CDN would serve them.
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { makeThrowawayCa, type ThrowawayCa } from "../tls/ca.js";
import { artifactResponse, handleDdi, type DdiResponse, type DdiSettings } from "./ddi-handler.js";
import { handleAdmin } from "./admin-handler.js";
import { Fleet } from "./fleet.js";

export interface ServeOptions {
  tenant?: string;
  pollSeconds?: number;
  gatewayToken?: string;
  adminToken?: string;
  /** Where to write ca.pem (and packages/<sha256> when given). */
  directory?: string;
  now?: () => number;
  /** Largest request body accepted (uploads). */
  maxBodyBytes?: number;
}

export interface ServerStats {
  requests: number;
  bytesOut: number;
  byRoute: Record<string, number>;
}

export class UpdateServer {
  readonly fleet = new Fleet();
  readonly settings: DdiSettings;
  readonly adminToken: string;
  readonly ca: ThrowawayCa;
  readonly stats: ServerStats = { requests: 0, bytesOut: 0, byRoute: {} };
  private server: https.Server | null = null;
  private origin = "";
  caPath: string | null = null;
  /** When false, every request gets its connection reset (a server that is down, for fault tests). */
  up = true;

  constructor(private readonly options: ServeOptions = {}) {
    this.settings = {
      tenant: options.tenant ?? "DEFAULT",
      pollSeconds: options.pollSeconds ?? 300,
      gatewayToken: options.gatewayToken,
      now: options.now ?? (() => Date.now()),
    };
    this.adminToken = options.adminToken ?? randomBytes(16).toString("hex");
    this.ca = makeThrowawayCa();
  }

  get url(): string {
    return this.origin;
  }

  async listen(port = 0, host = "127.0.0.1"): Promise<string> {
    if (this.options.directory) {
      mkdirSync(this.options.directory, { recursive: true });
      this.caPath = join(this.options.directory, "ca.pem");
      writeFileSync(this.caPath, this.ca.caPem);
    }
    const server = https.createServer({ cert: this.ca.certPem, key: this.ca.keyPem, keepAliveTimeout: 60_000 }, (req, res) => this.onRequest(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as { port: number };
    this.origin = `https://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
    return this.origin;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (!this.up) {
      req.socket.destroy();
      return;
    }
    const limit = this.options.maxBodyBytes ?? 64 << 20;
    const chunks: Buffer[] = [];
    let length = 0;
    req.on("data", (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (res.headersSent) return;
      const path = req.url ?? "/";
      const request = { method: req.method ?? "GET", path, headers: req.headers as Record<string, string | undefined>, body: new Uint8Array(Buffer.concat(chunks)) };
      let response: DdiResponse;
      const route = path.startsWith("/admin/") ? "admin" : path.startsWith("/packages/") ? "package" : routeName(path);
      if (route === "admin") response = handleAdmin(this.fleet, this.adminToken, request);
      else if (route === "package") response = this.staticPackage(path, req.headers.range);
      else response = handleDdi(this.fleet, this.settings, request, this.origin);
      this.stats.requests++;
      this.stats.byRoute[route] = (this.stats.byRoute[route] ?? 0) + 1;
      this.stats.bytesOut += response.body.length;
      res.writeHead(response.status, { ...response.headers, "content-length": String(response.body.length) });
      res.end(response.body);
    });
  }

  private staticPackage(path: string, range: string | undefined): DdiResponse {
    const sha256 = path.split("?")[0].slice("/packages/".length);
    const stored = this.fleet.packages.get(sha256);
    if (!stored) return { status: 404, headers: {}, body: new Uint8Array(0) };
    return artifactResponse(stored.bytes, stored.sha256, range);
  }

  /** Also keep the package as a content-addressed file (when serving from a directory). */
  storePackageFile(sha256: string): void {
    const stored = this.fleet.packages.get(sha256);
    if (!stored || !this.options.directory) return;
    mkdirSync(join(this.options.directory, "packages"), { recursive: true });
    writeFileSync(join(this.options.directory, "packages", sha256), stored.bytes);
  }
}

function routeName(path: string): string {
  const rest = path.split("?")[0].split("/").slice(5);
  if (rest.length === 0) return "poll";
  if (rest[0] === "softwaremodules") return "artifact";
  return rest[0] + (rest[2] ? "/" + rest[2] : "");
}
