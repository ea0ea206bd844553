// The device agent inside an engine (Espruino, XS, or Node for reference):
// ota/agent/agent.js over the core's ES5 roles (ota/agent/core-device.js) and
// a RAM flash, talking to a small DDI server played by this script through a
// host transport. The story: poll -> deploymentBase -> ranged download whose
// link drops once (resumed from the receiver's position) -> install -> reset
// into the trial -> check-in (configData + feedback) -> confirm -> closed
// success; then a power-on that boots the confirmed new image.
//
// `engine`: { read(name) -> bytes as a string, out(object), sha256(bytes) or null, unload() }.
function run(engine, input) {
  var layout = input.layout;
  var base = "/DEFAULT/controller/v1/dev-1";
  var artifactPath = base + "/softwaremodules/1/artifacts/v2.slotboot";
  var packageText = engine.read("package-v2");
  var flash = require("slotboot-ram-flash").create(layout, engine.sha256);
  var loader = require("slotboot-loader");
  var clock = 0;
  var stored = null;
  var seed = 12345;
  var requests = [];
  var feedbacks = [];
  var configs = 0;
  var actionOpen = true;
  var dropped = false;
  var chunkBytes = 512;

  function bytes(hexText) {
    var b = new Uint8Array(hexText.length / 2);
    for (var i = 0; i < b.length; i++) b[i] = parseInt(hexText.substr(2 * i, 2), 16);
    return b;
  }
  function textBytes(text) {
    var b = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
    return b;
  }
  function random() {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  }

  // The server's side of each resource, as `slotboot serve` answers it.
  function answer(request) {
    if (request.method === "GET" && request.path === base) {
      var links = actionOpen ? { deploymentBase: { href: "https://server.example" + base + "/deploymentBase/1?c=1" } } : {};
      return { status: 200, body: JSON.stringify({ config: { polling: { sleep: "00:01:00" } }, _links: links }) };
    }
    if (request.method === "GET" && request.path === base + "/deploymentBase/1?c=1") {
      return { status: 200, body: JSON.stringify({ id: "1", deployment: { download: "forced", update: "forced", chunks: [{ part: "bApp", version: "2.0.0", name: "v2", artifacts: [
        { filename: "v2.slotboot", hashes: { sha1: "", md5: "", sha256: "" }, size: packageText.length, _links: { download: { href: "https://server.example" + artifactPath } } }] }] } }) };
    }
    if (request.method === "POST" && request.path === base + "/deploymentBase/1/feedback") {
      var feedback = JSON.parse(request.body);
      feedbacks.push(feedback.status.execution + "/" + feedback.status.result.finished + (feedback.status.result.progress ? " " + feedback.status.result.progress.cnt + "/" + feedback.status.result.progress.of : "") + ": " + feedback.status.details.join("; "));
      if (feedback.status.execution === "closed") actionOpen = false;
      return { status: 200, body: "" };
    }
    if (request.method === "PUT" && request.path === base + "/configData") {
      configs++;
      return { status: 200, body: "" };
    }
    return { status: 404, body: "" };
  }

  var transport = {
    request: function (request, sink) {
      requests.push(request.method + " " + request.path.replace(base, "~") + (request.range ? " [" + request.range.start + "-" + request.range.end + "]" : ""));
      var handle = { cancelled: false, cancel: function () { handle.cancelled = true; } };
      if (request.path === artifactPath) {
        var start = request.range ? request.range.start : 0;
        var end = request.range && request.range.end !== undefined ? request.range.end + 1 : packageText.length;
        sink.onStatus(request.range ? 206 : 200, {});
        for (var at = start; at < end && !handle.cancelled; at += chunkBytes) {
          var stop = at + chunkBytes < end ? at + chunkBytes : end;
          // The link drops once, in the middle of a chunk.
          if (!dropped && input.dropAt >= at && input.dropAt < stop) {
            dropped = true;
            if (input.dropAt > at) sink.onChunk(textBytes(packageText.substring(at, input.dropAt)));
            sink.onEnd({ code: "LINK_DROPPED", message: "the link dropped" });
            return handle;
          }
          sink.onChunk(textBytes(packageText.substring(at, stop)));
        }
        if (!handle.cancelled) sink.onEnd(null);
        return handle;
      }
      var reply = answer(request);
      sink.onStatus(reply.status, {});
      if (reply.body) sink.onChunk(textBytes(reply.body));
      sink.onEnd(null);
      return handle;
    }
  };

  flash.load(layout.slotA, engine.read("image-v1"));
  var trust = input.publicKey ? { publicKey: bytes(input.publicKey) } : {};
  require("slotboot-update-task").provision(flash, layout, trust);
  if (engine.unload) engine.unload();

  // The agent's own footprint: its module loaded and one agent made (engine units: Espruino variables).
  var memoryBefore = engine.memory ? engine.memory() : 0;
  require("slotboot-agent");
  var probe = require("slotboot-agent").createAgent({ controllerId: "probe" }, { now: function () { return 0; } }, transport);
  var agentMemory = engine.memory ? engine.memory() - memoryBefore : 0;
  probe = null;

  var reason = loader.RESET.powerOn;
  var done = false;
  var agent = null;
  var boots = [];
  var rebooted = false;
  function reboot() { rebooted = true; }
  function load() { return stored; }
  function save(text) { stored = text; }
  function now() { return clock; }
  for (var boot = 0; boot < 6 && !done; boot++) {
    var decision = loader.decide(flash, layout, reason);
    boots.push({ slot: decision.slot, reason: decision.reason, version: decision.version });
    rebooted = false;
    var device = require("slotboot-core-device").createCoreDevice({
      flash: flash, layout: layout, running: decision.slot, bootReason: decision.reason, trust: trust,
      store: { load: load, save: save }, now: now, random: random, reboot: reboot
    });
    agent = require("slotboot-agent").createAgent({ controllerId: "dev-1", segmentBytes: 4096, pollSeconds: 60 }, device, transport);
    for (var steps = 0; steps < 400; steps++) {
      var wake = agent.step();
      if (wake === -2) break;
      if (wake > clock) clock = wake;
      if (!actionOpen && agent.state === "WAIT" && !agent.record) { done = true; break; }
    }
    if (engine.unload) engine.unload();
    reason = loader.RESET.software;
  }
  var last = loader.decide(flash, layout, loader.RESET.powerOn);
  boots.push({ slot: last.slot, reason: last.reason, version: last.version });
  engine.out({ agentMemory: agentMemory, done: done, boots: boots, feedbacks: feedbacks, configs: configs, requests: requests, counters: agent.counters, state: agent.state, simulatedSeconds: clock / 1000 });
}
exports.run = run;
