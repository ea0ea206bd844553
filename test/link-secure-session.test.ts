// The secure local link between a gateway and its edge devices: Noise IK
// handshake, fixed 256-byte frames with explicit counters. Every attack a
// neighbour on the link can mount ends in a typed refusal.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DEVICE_KEY, GATEWAY_KEY, drain, handshake, seededRandom, sessionPair, staticKey } from "./helpers/link-pair.js";
import { FRAME_BYTES, KIND_DATA, KIND_HELLO, RECORD_PAYLOAD_BYTES, writeHeader } from "../ota/link/frame.js";
import { nobleLinkCrypto } from "../ota/link/noble-link-crypto.js";
import { CipherKey } from "../ota/link/noise-symmetric.js";
import { LinkError } from "../ota/link/link-errors.js";
import { readFileSync } from "node:fs";
import { utf8Decode, utf8Encode } from "../ota/link/utf8.js";

const text = (s: string) => new TextEncoder().encode(s);
const codeOf = (error: LinkError | null | undefined) => error?.code ?? null;
const long = process.env.SLOTBOOT_LONG === "1";

/** An open pair and the frames each side sent after the handshake. */
function openPair(seed = "open") {
  const pair = sessionPair({ seed });
  const hs = handshake(pair);
  return { ...pair, ...hs };
}

describe("secure local link", () => {
  it("round trip: handshake, records both ways in order, graceful close", () => {
    const { device, gateway, deviceSink, gatewaySink, hello, welcome } = openPair();
    expect(hello.length).toBe(FRAME_BYTES);
    expect(welcome.length).toBe(FRAME_BYTES);
    expect(deviceSink.opened).toEqual(["gateway"]);
    expect(gatewaySink.opened).toEqual(["device-1"]);
    for (let index = 0; index < 5; index++) expect(device.send(1, index, 0, text("request " + index))).toBe(true);
    expect(device.send(2, 9, 1, new Uint8Array(RECORD_PAYLOAD_BYTES).fill(7))).toBe(true);
    // Delivered in arbitrary chunkings of the byte stream.
    const stream = Buffer.concat(drain(device));
    for (let offset = 0; offset < stream.length; offset += 37) gateway.receive(stream.subarray(offset, offset + 37));
    expect(gatewaySink.records.map((record) => new TextDecoder().decode(record.payload)).slice(0, 5)).toEqual([0, 1, 2, 3, 4].map((index) => "request " + index));
    expect(gatewaySink.records[5]).toMatchObject({ type: 2, channel: 9, flags: 1 });
    expect(gatewaySink.records[5].payload.length).toBe(RECORD_PAYLOAD_BYTES);
    gateway.send(3, 0, 0, text("status 200"));
    gateway.close("done");
    for (const frame of drain(gateway)) device.receive(frame);
    expect(new TextDecoder().decode(deviceSink.records[0].payload)).toBe("status 200");
    expect(deviceSink.closes).toEqual([null]);
    expect(gatewaySink.closes).toEqual([null]);
    device.end(); // the stream ending after a close is clean
    expect(deviceSink.closes).toEqual([null]);
  });

  it("carries no plaintext: record bytes and the device's static key never appear on the wire", () => {
    const { device, hello } = openPair();
    device.send(1, 0, 0, text("POST confirm install reset"));
    const wire = Buffer.concat([hello, ...drain(device)]);
    expect(wire.includes(Buffer.from("confirm"))).toBe(false);
    expect(wire.includes(Buffer.from(DEVICE_KEY.publicKey))).toBe(false);
  });

  it("a tampered byte in a DATA frame is refused with LINK_AUTH_FAILED, and nothing of it is delivered", () => {
    const { device, gateway, gatewaySink } = openPair();
    device.send(1, 0, 0, text("confirm"));
    const [frame] = drain(device);
    frame[100] ^= 0x01;
    gateway.receive(frame);
    expect(gatewaySink.records).toEqual([]);
    expect(codeOf(gatewaySink.closes[0])).toBe("LINK_AUTH_FAILED");
    expect(gateway.state).toBe("failed");
    expect(() => gateway.send(1, 0, 0, text("x"))).toThrow(LinkError);
  });

  it("a replayed frame is refused with LINK_REPLAY", () => {
    const { device, gateway, gatewaySink } = openPair();
    device.send(1, 0, 0, text("install"));
    const [frame] = drain(device);
    gateway.receive(frame);
    gateway.receive(frame);
    expect(gatewaySink.records.length).toBe(1);
    expect(codeOf(gatewaySink.closes[0])).toBe("LINK_REPLAY");
  });

  it("a replayed frame from an earlier session is refused (fresh keys per session)", () => {
    const first = openPair("session-a");
    first.device.send(1, 0, 0, text("reset"));
    const [old] = drain(first.device);
    const second = openPair("session-b");
    second.gateway.receive(old);
    expect(second.gatewaySink.records).toEqual([]);
    expect(codeOf(second.gatewaySink.closes[0])).toBe("LINK_AUTH_FAILED");
  });

  it("a reordered frame is refused with LINK_OUT_OF_ORDER", () => {
    const { device, gateway, gatewaySink } = openPair();
    device.send(1, 0, 0, text("first"));
    device.send(1, 0, 0, text("second"));
    const [first, second] = drain(device);
    gateway.receive(second);
    expect(codeOf(gatewaySink.closes[0])).toBe("LINK_OUT_OF_ORDER");
    gateway.receive(first);
    expect(gatewaySink.records).toEqual([]);
  });

  it("a neighbour's injected frames are refused: a forged DATA frame, a second HELLO, an unknown kind", () => {
    const neighbourCrypto = nobleLinkCrypto(seededRandom("neighbour"));
    const forge = (counter: number) => {
      const frame = new Uint8Array(FRAME_BYTES);
      writeHeader(frame, KIND_DATA, counter);
      const record = new Uint8Array(235);
      record.set([1, 0, 0, 5], 0);
      record.set(text("reset"), 4);
      frame.set(new CipherKey(neighbourCrypto.randomBytes(32)).seal(counter, frame.subarray(0, 5), record, neighbourCrypto), 5);
      return frame;
    };
    const forged = openPair("inject-a");
    forged.gateway.receive(forge(0));
    expect(forged.gatewaySink.records).toEqual([]);
    expect(codeOf(forged.gatewaySink.closes[0])).toBe("LINK_AUTH_FAILED");

    const secondHello = openPair("inject-b");
    secondHello.gateway.receive(secondHello.hello);
    expect(codeOf(secondHello.gatewaySink.closes[0])).toBe("LINK_UNEXPECTED_FRAME");

    const junk = openPair("inject-c");
    junk.device.receive(new Uint8Array(FRAME_BYTES).fill(0x42));
    expect(codeOf(junk.deviceSink.closes[0])).toBe("LINK_BAD_FRAME");

    // DATA before the handshake: refused by the state table's default.
    const early = sessionPair({ seed: "inject-d" });
    early.gateway.receive(forge(0));
    expect(codeOf(early.gatewaySink.closes[0])).toBe("LINK_UNEXPECTED_FRAME");
  });

  it("a neighbour with its own key pair cannot open a session: LINK_UNKNOWN_PEER", () => {
    const pair = sessionPair({ seed: "stranger", deviceKey: staticKey("stranger") });
    handshake(pair);
    expect(codeOf(pair.gatewaySink.closes[0])).toBe("LINK_UNKNOWN_PEER");
    expect(pair.gatewaySink.opened).toEqual([]);
    expect(pair.deviceSink.opened).toEqual([]);
  });

  it("wrong static keys: a device provisioned with another gateway key, and an impostor gateway, fail the handshake", () => {
    const wrong = sessionPair({ seed: "wrong", deviceKnowsGatewayKey: staticKey("other gateway").publicKey });
    const { welcome } = handshake(wrong);
    expect(welcome).toBeUndefined();
    expect(codeOf(wrong.gatewaySink.closes[0])).toBe("LINK_HANDSHAKE_FAILED");

    // The impostor accepts every device but holds another static secret.
    const impostor = sessionPair({ seed: "impostor", gatewaySecret: staticKey("impostor").secretKey });
    handshake(impostor);
    expect(codeOf(impostor.gatewaySink.closes[0])).toBe("LINK_HANDSHAKE_FAILED");
    // Even an impostor that answers anyway (replaying a real WELCOME) is refused by the device.
    const real = openPair("real");
    const victim = sessionPair({ seed: "victim" });
    victim.device.start(0);
    drain(victim.device);
    victim.device.receive(real.welcome);
    expect(codeOf(victim.deviceSink.closes[0])).toBe("LINK_HANDSHAKE_FAILED");
    expect(victim.deviceSink.opened).toEqual([]);
    expect(GATEWAY_KEY.publicKey.length).toBe(32);
  });

  it("a truncated stream is refused with LINK_TRUNCATED, inside a frame or between frames", () => {
    const inside = openPair("trunc-a");
    inside.device.send(1, 0, 0, text("chunk"));
    const [frame] = drain(inside.device);
    inside.gateway.receive(frame.subarray(0, 100));
    inside.gateway.end();
    expect(inside.gatewaySink.records).toEqual([]);
    expect(codeOf(inside.gatewaySink.closes[0])).toBe("LINK_TRUNCATED");
    expect(inside.gatewaySink.closes[0]?.message).toMatch(/100 of 256/);

    const between = openPair("trunc-b");
    between.device.end();
    expect(codeOf(between.deviceSink.closes[0])).toBe("LINK_TRUNCATED");
  });

  it("a handshake that stalls times out (host clock, no real time)", () => {
    const pair = sessionPair({ seed: "stall", extra: { handshakeTimeoutMs: 5000 } });
    pair.device.start(0);
    pair.device.tick(4000);
    expect(pair.device.state).toBe("await-welcome");
    pair.device.tick(5001);
    expect(codeOf(pair.deviceSink.closes[0])).toBe("LINK_TIMEOUT");
    pair.gateway.tick(6000);
    expect(codeOf(pair.gatewaySink.closes[0])).toBe("LINK_TIMEOUT");
  });

  it("rekeys every N frames in both directions, and ends the session at its frame budget", () => {
    const pair = sessionPair({ seed: "rekey", extra: { rekeyEveryFrames: 3, maxFramesPerSession: 10 } });
    handshake(pair);
    const sent: Uint8Array[] = [];
    for (let index = 0; index < 10; index++) {
      pair.device.send(1, 0, 0, text("n" + index));
      sent.push(...drain(pair.device));
    }
    for (const frame of sent) pair.gateway.receive(frame);
    expect(pair.gatewaySink.records.map((record) => new TextDecoder().decode(record.payload))).toEqual([...Array(10).keys()].map((index) => "n" + index));
    // Frame 4 sealed under the first rekeyed key differs from one sealed without rekeying.
    const plain = sessionPair({ seed: "rekey", extra: { maxFramesPerSession: 10 } });
    handshake(plain);
    for (let index = 0; index < 5; index++) plain.device.send(1, 0, 0, text("n" + index));
    const plainFrames = drain(plain.device);
    expect(Buffer.from(plainFrames[2]).equals(Buffer.from(sent[2]))).toBe(true);
    expect(Buffer.from(plainFrames[3]).equals(Buffer.from(sent[3]))).toBe(false);
    expect(() => pair.device.send(1, 0, 0, text("one too many"))).toThrow(/frame budget/);
    expect(codeOf(pair.deviceSink.closes[0])).toBe("LINK_SESSION_EXHAUSTED");
  });

  it("bounded send queue: send() returns false when full and onWritable fires once there is room", () => {
    let writable = 0;
    const pair = sessionPair({ seed: "queue", extra: { maxQueuedFrames: 4 } });
    handshake(pair);
    (pair.device as unknown as { options: { sink: { onWritable?: () => void } } }).options.sink.onWritable = () => writable++;
    let accepted = 0;
    while (pair.device.send(1, 0, 0, text("x"))) accepted++;
    expect(accepted).toBe(4);
    expect(writable).toBe(0);
    pair.device.takeFrame();
    expect(writable).toBe(1);
    expect(pair.device.send(1, 0, 0, text("y"))).toBe(true);
    expect(() => pair.device.send(1, 0, 0, new Uint8Array(RECORD_PAYLOAD_BYTES + 1))).toThrow(/split it/);
    // A sender that asks canSend() first (never hitting send()'s false) is woken the same way.
    drain(pair.device);
    while (pair.device.canSend()) pair.device.send(1, 0, 0, text("z"));
    pair.device.takeFrame();
    expect(writable).toBe(2);
  });

  it("any single bit flip anywhere in a session's transcript is detected, and nothing after it is delivered (property)", () => {
    // Transcript: HELLO, WELCOME, then 3 DATA frames each way, interleaved.
    const build = () => {
      const pair = sessionPair({ seed: "flip" });
      const events: { to: "device" | "gateway"; frame: Uint8Array }[] = [];
      pair.device.start(0);
      for (const frame of drain(pair.device)) events.push({ to: "gateway", frame });
      return { pair, events };
    };
    const baseline = (() => {
      const { pair, events } = build();
      const all = [...events];
      const pump = (from: "device" | "gateway") => {
        const source = from === "device" ? pair.device : pair.gateway;
        const target = from === "device" ? pair.gateway : pair.device;
        for (const frame of drain(source)) {
          all.push({ to: from === "device" ? "gateway" : "device", frame: frame.slice() });
          target.receive(frame);
        }
      };
      pair.gateway.receive(events[0].frame);
      pump("gateway");
      for (let index = 0; index < 3; index++) {
        pair.device.send(1, index, 0, text("req" + index));
        pump("device");
        pair.gateway.send(2, index, 0, text("resp" + index));
        pump("gateway");
      }
      return all;
    })();
    expect(baseline.length).toBe(8);
    const totalBits = baseline.length * FRAME_BYTES * 8;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: totalBits - 1 }), (bit) => {
        const frameIndex = Math.floor(bit / (FRAME_BYTES * 8));
        const inFrame = bit % (FRAME_BYTES * 8);
        // Replay the same transcript into fresh sessions with the same randomness,
        // flipping one bit in transit.
        const pair = sessionPair({ seed: "flip" });
        pair.device.start(0);
        drain(pair.device);
        let delivered = 0;
        for (let index = 0; index < baseline.length; index++) {
          const frame = baseline[index].frame.slice();
          if (index === frameIndex) frame[inFrame >> 3] ^= 1 << (inFrame & 7);
          const target = baseline[index].to === "device" ? pair.device : pair.gateway;
          const sink = baseline[index].to === "device" ? pair.deviceSink : pair.gatewaySink;
          const before = sink.records.length;
          target.receive(frame);
          if (index === frameIndex) {
            // The flipped frame is refused and delivers nothing.
            if (sink.records.length !== before || target.state !== "failed") return false;
            if (!(sink.closes[0] instanceof LinkError)) return false;
            return true;
          }
          // Drop what the receivers answer: the transcript drives both sides.
          drain(pair.device);
          drain(pair.gateway);
          delivered++;
        }
        return delivered < 0;
      }),
      { numRuns: long ? 2000 : 40 },
    );
  });

  it("a HELLO frame is 256 bytes with the kind byte first", () => {
    const pair = sessionPair({ seed: "kind" });
    pair.device.start(0);
    const [hello] = drain(pair.device);
    expect(hello[0]).toBe(KIND_HELLO);
    expect(hello.length).toBe(FRAME_BYTES);
  });
});

describe("the device side of the link is portable", () => {
  // What a device runs: the session, the handshake, the frames, the DDI records and the transport.
  const portable = ["secure-session", "noise-ik", "noise-symmetric", "frame", "link-errors", "link-crypto", "ddi-records", "utf8", "link-transport"];
  it("imports only its own modules and the agreed transport types, and uses no host API", () => {
    for (const name of portable) {
      const text = readFileSync(new URL(`../ota/link/${name}.ts`, import.meta.url), "utf8");
      const code = text.replace(/\/\/.*$/gm, "");
      for (const match of code.matchAll(/from "([^"]+)"/g)) expect(match[1], name).toMatch(/^\.\/[a-z0-9-]+\.js$|^\.\.\/ddi\/transport\.js$/);
      expect(code, name).not.toMatch(/\b(Buffer|TextEncoder|TextDecoder|process|setTimeout|setInterval|setImmediate|require|crypto\.subtle)\b/);
    }
  });

  it("UTF-8 without TextEncoder agrees with the host's, malformed input included (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        const bytes = utf8Encode(text);
        expect(Buffer.from(bytes).equals(Buffer.from(text, "utf8"))).toBe(true);
        expect(utf8Decode(bytes)).toBe(text);
      }),
      { numRuns: long ? 2000 : 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        expect(utf8Decode(bytes)).toBe(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes));
      }),
      { numRuns: long ? 5000 : 300 },
    );
  });
});
