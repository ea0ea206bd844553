// A simulated network link between one device and the server, over a real
// transport (HTTPS on loopback): bytes really travel, but when a response
// "finishes" is simulated time (latency + size / bandwidth), and faults are
// injected here: links dropped at chosen byte offsets, a server that is down
// for a window of simulated time, an image whose network is broken, a power
// cut at a chosen byte of the download.
import { PowerCut } from "../../bootloader-sim/flash.js";
import type { Transport, TransportError, TransportHandle, TransportRequest, TransportSink, WireStats } from "../ddi/transport.js";
import { newWireStats } from "../ddi/transport.js";

export interface LinkModel {
  latencyMs: number;
  bytesPerSecond: number;
}

export interface LinkHooks {
  now(): number;
  /** Schedule `deliver` at simulated time `at` (the runner's timer queue). */
  later(at: number, deliver: () => void): void;
  /** Real I/O started / finished (the runner waits for it before moving the clock). */
  ioStarted(): void;
  ioEnded(): void;
  /** The server is down at this time. */
  serverDown(now: number): boolean;
  /** The running image cannot reach the network (a broken new image). */
  cutOff(): boolean;
  /** Artifact bytes so far crossed `total`: fault hooks (drops, power cuts, cancels). Returns "drop" to drop the link here. */
  artifactBytes(total: number, chunk: number): number | null;
  /** A power cut happened inside a sink callback (the device's CPU stopped). */
  powerCut(cut: PowerCut): void;
}

export class SimulatedLink implements Transport {
  readonly stats: WireStats = newWireStats();
  /** Artifact bytes delivered to the device, all requests. */
  artifactTotal = 0;
  /** Ranged artifact requests, all of them. */
  artifactRequests = 0;

  constructor(
    private readonly inner: Transport,
    private readonly model: LinkModel,
    private readonly hooks: LinkHooks,
  ) {}

  request(request: TransportRequest, sink: TransportSink): TransportHandle {
    const hooks = this.hooks;
    const startedAt = hooks.now();
    let bytes = 0;
    let finished = false;
    let innerHandle: TransportHandle | null = null;
    let innerOpen = false;
    this.stats.requests++;
    if (request.range) this.artifactRequests++;
    this.stats.bytesSent += request.path.length + (request.body?.length ?? 0) + 120;
    const finish = (error: TransportError | null) => {
      if (finished) return;
      finished = true;
      if (innerOpen) {
        innerOpen = false;
        hooks.ioEnded();
      }
      const due = startedAt + this.model.latencyMs + (bytes * 1000) / this.model.bytesPerSecond;
      hooks.later(Math.max(due, hooks.now()), () => sink.onEnd(error));
    };
    const guarded = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        if (!(e instanceof PowerCut)) throw e;
        cancelInner();
        finished = true;
        hooks.powerCut(e);
      }
    };
    const cancelInner = () => {
      if (innerHandle && innerOpen) {
        innerOpen = false;
        hooks.ioEnded();
        innerHandle.cancel();
      }
    };
    if (hooks.serverDown(startedAt) || hooks.cutOff()) {
      finish({ code: "UNREACHABLE", message: hooks.cutOff() ? "no route to the server from this image" : "the server does not answer" });
      return { cancel: () => undefined };
    }
    innerOpen = true;
    hooks.ioStarted();
    innerHandle = this.inner.request(request, {
      onStatus: (status, headers) => {
        if (!finished) guarded(() => sink.onStatus(status, headers));
      },
      onChunk: (chunk) => {
        if (finished) return;
        let part = chunk;
        let drop = false;
        if (request.range) {
          const limit = hooks.artifactBytes(this.artifactTotal, chunk.length);
          if (limit !== null && limit < chunk.length) {
            part = chunk.subarray(0, limit);
            drop = true;
          }
          this.artifactTotal += part.length;
        }
        bytes += part.length;
        this.stats.bytesReceived += part.length;
        if (part.length) guarded(() => sink.onChunk(part));
        if (drop && !finished) {
          cancelInner();
          finish({ code: "LINK_DROPPED", message: `the link dropped after ${this.artifactTotal} artifact bytes` });
        }
      },
      onEnd: (error) => {
        if (innerOpen) {
          innerOpen = false;
          hooks.ioEnded();
        }
        if (error?.code === "CANCELLED") return;
        finish(error);
      },
    });
    return {
      cancel: () => {
        if (finished) return;
        cancelInner();
        finished = true;
        // The agent stopped this request itself: it ignores the end, but it must still come once.
        hooks.later(hooks.now(), () => sink.onEnd({ code: "CANCELLED", message: "cancelled" }));
      },
    };
  }
}
