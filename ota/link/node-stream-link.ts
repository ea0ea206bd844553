// Host glue: runs a SecureSession over a Node byte stream (TCP socket, serial
// port, a PassThrough pair in tests). Frames leave as soon as they are queued;
// when the stream applies backpressure the session's queue fills and send()
// returns false until the stream drains.
import type { Duplex } from "node:stream";
import type { SecureSession } from "./secure-session.js";

export interface StreamLink {
  /** Call from the session sink's onOutput (and after send()) to write queued frames. */
  flush(): void;
  /** Detach and end the stream. */
  destroy(): void;
}

export function attachSessionToStream(session: SecureSession, stream: Duplex, now: () => number): StreamLink {
  let blocked = false;
  let flushing = false;
  let ended = false;
  const timer = setInterval(() => session.tick(now()), 1000);
  timer.unref();
  const flush = (): void => {
    if (flushing || ended) return;
    flushing = true;
    try {
      while (!blocked) {
        const frame = session.takeFrame();
        if (!frame) break;
        if (!stream.write(frame)) blocked = true;
      }
    } finally {
      flushing = false;
    }
    if (session.isEnded() && !blocked) finish();
  };
  const finish = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    stream.end();
  };
  stream.on("data", (chunk: Buffer) => {
    session.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    flush();
  });
  stream.on("drain", () => {
    blocked = false;
    flush();
  });
  const onGone = (): void => {
    session.end();
    ended = true;
    clearInterval(timer);
  };
  stream.on("end", onGone);
  stream.on("close", onGone);
  stream.on("error", onGone);
  return {
    flush,
    destroy: () => {
      clearInterval(timer);
      ended = true;
      stream.destroy();
    },
  };
}
