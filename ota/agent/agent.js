// slotboot device agent: a poll-driven state machine that speaks hawkBit DDI
// through a host-supplied transport and updates the device through the core's
// receiver, in plain ES5 so the same text runs under Node, Espruino and XS.
// The state table in docs/transport.md is this file, one row per handler.
//
// No async, no Promises, no classes, nothing hoisted: every function is
// declared before the code that calls it runs. The host drives it:
//   var agent = createAgent(config, device, transport);
//   var wake = agent.step();   // >= 0: call step() again at that time (ms, device clock)
//                              //   -1: waiting for the transport; call step() after its callback
//                              //   -2: halted: the device must reset now (into the trial, or back)
// step() never blocks and does a bounded amount of work. Memory is bounded:
// one request in flight, JSON bodies capped (config.maxJsonBytes), package
// bytes go straight from the transport's chunks into the receiver.
//
// `device` (host-supplied, synchronous): now() ms, random() in [0,1),
// load() / save(text|null) the agent's record (a few dozen bytes of JSON that
// survive resets), status() -> { version, trial, lastEvent, attributes },
// receiveBegin(), receivePosition(), receiveWrite(bytes, from, to) -> bytes
// taken or a negative core status, receiveComplete() -> status,
// receiveCancel(), confirm() -> status, reject() -> status, reboot().
//
// `transport.request(request, sink)` (the contract agreed with the gateway):
// request = { method, path, body?, range? }; sink.onStatus(code, headers),
// sink.onChunk(bytes), sink.onEnd(error|null); returns { cancel() }.

var HALTED = -2;
var WAITING_FOR_IO = -1;

function createAgent(config, device, transport) {
  var tenant = config.tenant || "DEFAULT";
  var base = "/" + tenant + "/controller/v1/" + config.controllerId;
  var backoffBaseMs = config.backoffBaseMs || 2000;
  var backoffMaxMs = config.backoffMaxMs || 300000;
  var segmentBytes = config.segmentBytes || 32768;
  var trialBudgetMs = config.trialBudgetMs || 600000;
  var progressSteps = config.progressSteps || 4;
  var maxJsonBytes = config.maxJsonBytes || 4096;
  var manifestBytes = config.manifestBytes || 256;
  // A resume point this far past the bytes arriving is not worth reading through: ask again from there.
  var skipLimit = config.skipLimit || 4096;

  var self = {
    state: "BOOT",
    sleepMs: (config.pollSeconds || 300) * 1000,
    errors: 0,
    record: null,
    counters: { polls: 0, requests: 0, failures: 0, restarts: 0, bytes: 0 },
    lastError: null
  };
  var wakeAt = 0;
  var entering = true;
  var event = null;
  var inflight = null;
  var requestSerial = 0;
  var retryState = null;
  var nextPollAt = 0;
  var receiving = false;
  var download = null;
  var trialStartedAt = -1;
  var pending = null;

  function log(text) {
    if (config.log) config.log(config.controllerId + " " + self.state + ": " + text);
  }

  function saveRecord() {
    device.save(self.record ? JSON.stringify(self.record) : null);
  }

  function loadRecord() {
    var text = device.load();
    if (!text) return null;
    try { return JSON.parse(text); } catch (e) { return null; }
  }

  function go(next) {
    self.state = next;
    entering = true;
    wakeAt = -1;
  }

  function sleepUntil(time) {
    wakeAt = time;
  }

  function pathOf(href) {
    return href.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\/]+/, "");
  }

  function bytesToText(bytes, text) {
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return text;
  }

  // One request in flight. The response ends as one event for the current state:
  // { status, body (text, JSON requests only), error }.
  function send(method, path, body, range, onBytes) {
    var serial = ++requestSerial;
    var response = { status: 0, body: "", error: null };
    var sink = {
      onStatus: function (code) { if (serial === requestSerial) response.status = code; if (onBytes && serial === requestSerial) onBytes(null, code); },
      onChunk: function (bytes) {
        if (serial !== requestSerial || response.error) return;
        self.counters.bytes += bytes.length;
        if (onBytes) {
          var outcome = onBytes(bytes, response.status);
          if (outcome) { response.error = outcome; stopRequest(); }
          return;
        }
        if (response.body.length + bytes.length > maxJsonBytes) {
          response.error = { code: "TOO_LARGE", message: "response larger than " + maxJsonBytes + " bytes" };
          stopRequest();
          return;
        }
        response.body = bytesToText(bytes, response.body);
      },
      onEnd: function (error) {
        if (serial !== requestSerial) return;
        requestSerial++;
        inflight = null;
        if (error && !response.error) response.error = error;
        event = response;
        if (config.notify) config.notify();
      }
    };
    var request = { method: method, path: path };
    if (body !== null) request.body = JSON.stringify(body);
    if (range) request.range = range;
    self.counters.requests++;
    inflight = { serial: serial, handle: null, sink: sink, response: response };
    var handle = transport.request(request, sink);
    if (inflight && inflight.serial === serial) inflight.handle = handle;
  }

  // Stop the request in flight; its onEnd is then ignored and the response given now.
  // The host hears of it as of any ended request (notify), so it steps the agent again.
  function stopRequest() {
    var current = inflight;
    if (!current) return;
    requestSerial++;
    inflight = null;
    if (current.handle) current.handle.cancel();
    event = current.response;
    if (config.notify) config.notify();
  }

  function parse(response) {
    try { return JSON.parse(response.body); } catch (e) { return null; }
  }

  function ok(response) {
    return !response.error && response.status >= 200 && response.status < 300;
  }

  // Bounded exponential backoff with jitter: half fixed, half random, so a fleet that lost its server does not return in step.
  function backoff(stateToRetry, why) {
    self.errors++;
    self.counters.failures++;
    self.lastError = why;
    var delay = backoffBaseMs;
    for (var i = 1; i < self.errors && delay < backoffMaxMs; i++) delay *= 2;
    if (delay > backoffMaxMs) delay = backoffMaxMs;
    var wait = Math.floor(delay / 2 + device.random() * delay / 2);
    log("retry in " + wait + " ms: " + why);
    retryState = stateToRetry;
    go("BACKOFF");
    entering = false;
    sleepUntil(device.now() + wait);
  }

  function why(response) {
    return response.error ? response.error.code + " " + response.error.message : "HTTP " + response.status;
  }

  function feedback(to, actionId, execution, finished, details, progress) {
    var status = { execution: execution, result: { finished: finished }, details: details };
    if (progress) status.result.progress = progress;
    send("POST", base + "/" + to + "/" + actionId + "/feedback", { id: actionId, status: status }, null, null);
  }

  function clearRecord() {
    self.record = null;
    saveRecord();
  }

  // -- the states, in the order of docs/transport.md's table ----------------

  var handlers = {};

  handlers.BOOT = function () {
    self.record = loadRecord();
    var record = self.record;
    if (!record) return go("POLL");
    if (record.phase === "report") return go("REPORT");
    var status = device.status();
    if (status.trial && status.version === record.version) {
      trialStartedAt = device.now();
      return go("CHECK_IN");
    }
    if (record.phase === "download") return go("POLL");
    if (record.phase === "canceled") return go("CANCEL_REPLY");
    if (status.version === record.version) {
      record.result = "success";
      record.details = "running " + record.version + ", confirmed";
    } else {
      record.result = "failure";
      record.details = "rolled back to " + status.version + ": " + (record.reason || "the trial of " + record.version + " ended without a confirm (" + status.lastEvent + ")");
    }
    record.phase = "report";
    saveRecord();
    go("REPORT");
  };

  function sameAction(path, actionId) {
    var at = path.indexOf("/deploymentBase/" + actionId);
    if (at < 0) return false;
    var after = path.charAt(at + 16 + actionId.length);
    return after === "" || after === "?";
  }

  handlers.POLL = function (response) {
    if (!response) {
      self.counters.polls++;
      return send("GET", base, null, null, null);
    }
    var reply = ok(response) ? parse(response) : null;
    if (!reply || !reply.config) return backoff("POLL", why(response));
    self.errors = 0;
    var sleep = reply.config.polling && reply.config.polling.sleep;
    var parts = sleep ? /^(\d+):(\d\d):(\d\d)$/.exec(sleep) : null;
    if (parts) self.sleepMs = ((+parts[1]) * 3600 + (+parts[2]) * 60 + (+parts[3])) * 1000;
    nextPollAt = device.now() + self.sleepMs;
    var links = reply._links || {};
    if (links.cancelAction) {
      pending = pathOf(links.cancelAction.href);
      return go("CANCEL");
    }
    if (links.deploymentBase) {
      var path = pathOf(links.deploymentBase.href);
      if (download && self.record && sameAction(path, self.record.action)) return go("DOWNLOAD");
      pending = path;
      return go("DEPLOYMENT");
    }
    if (links.configData) return go("CONFIG");
    go("WAIT");
  };

  handlers.CONFIG = function (response) {
    if (!response) return send("PUT", base + "/configData", { mode: "merge", data: device.status().attributes }, null, null);
    // Attributes are best effort: a failure waits for the next poll, which asks again.
    go("WAIT");
  };

  handlers.DEPLOYMENT = function (response) {
    if (!response) return send("GET", pending, null, null, null);
    var reply = ok(response) ? parse(response) : null;
    if (!reply || !reply.deployment) return backoff("POLL", why(response));
    self.errors = 0;
    var chunk = reply.deployment.chunks && reply.deployment.chunks[0];
    var artifact = chunk && chunk.artifacts && chunk.artifacts[0];
    var href = artifact && artifact._links && (artifact._links.download || artifact._links["download-http"]);
    var actionId = String(reply.id);
    if (!href || !(artifact.size > 0)) {
      self.record = { action: actionId, phase: "report", result: "failure", details: "the deployment has no artifact to download" };
      saveRecord();
      return go("REPORT");
    }
    if (chunk.version === device.status().version) {
      self.record = { action: actionId, phase: "report", result: "success", details: "already running " + chunk.version };
      saveRecord();
      return go("REPORT");
    }
    var record = self.record;
    if (!record || record.action !== actionId || record.phase !== "download") {
      self.record = { action: actionId, phase: "download", version: chunk.version, path: pathOf(href.href), size: artifact.size, started: false };
      saveRecord();
    }
    download = { offset: 0, reported: 0 };
    go("DOWNLOAD");
  };

  // Bytes of the artifact arriving: straight into the receiver, skipping what it already has.
  function feed(bytes, status) {
    if (bytes === null) {
      // A server that ignores Range sends the whole file: read through it (asking again would get the same).
      download.whole = status === 200;
      if (download.whole) download.offset = 0;
      return null;
    }
    if (status !== 200 && status !== 206) return null; // an error page: the end event reports it
    var i = 0;
    while (i < bytes.length) {
      var want = device.receivePosition();
      if (download.offset < want) {
        if (want - download.offset > skipLimit && !download.whole) return { code: "RESUME_JUMP", message: "the receiver resumes at " + want };
        var skip = want - download.offset;
        if (skip > bytes.length - i) skip = bytes.length - i;
        i += skip;
        download.offset += skip;
        continue;
      }
      if (download.offset > want) return { code: "GAP", message: "bytes missing before " + download.offset };
      var used = device.receiveWrite(bytes, i, bytes.length);
      if (used < 0) return { code: "REFUSED", message: "the receiver refused the package", status: used };
      if (used === 0) return { code: "STALLED", message: "the receiver took no bytes" };
      i += used;
      download.offset += used;
    }
    return null;
  }

  handlers.DOWNLOAD = function (response) {
    var record = self.record;
    if (!response) {
      if (!receiving) {
        device.receiveBegin();
        receiving = true;
      }
      if (!download) download = { offset: 0, reported: 0 };
      var position = device.receivePosition();
      if (position >= record.size) return go("INSTALL");
      var end = position + segmentBytes - 1;
      // After a reset the receiver starts at 0: the manifest alone tells it where to resume.
      if (position === 0 && record.started) end = manifestBytes - 1;
      if (end > record.size - 1) end = record.size - 1;
      if (!record.started) {
        record.started = true;
        saveRecord();
      }
      download.offset = position;
      return send("GET", record.path, null, { start: position, end: end }, feed);
    }
    if (response.error && response.error.code === "REFUSED") {
      var refusedAt = download ? download.offset : 0;
      device.receiveCancel();
      receiving = false;
      download = null;
      record.phase = "report";
      record.result = "failure";
      record.details = "the device refused the package (core status " + response.error.status + ") at byte " + refusedAt;
      saveRecord();
      return go("REPORT");
    }
    if (response.error && response.error.code === "RESUME_JUMP") {
      self.counters.restarts++;
      return go("DOWNLOAD");
    }
    if (!response.error && (response.status === 404 || response.status === 410)) {
      download = null;
      clearRecord();
      return go("WAIT");
    }
    if (!ok(response)) return backoff("DOWNLOAD", why(response));
    self.errors = 0;
    var done = device.receivePosition();
    if (done >= record.size) return go("INSTALL");
    var step = Math.floor(done * progressSteps / record.size);
    if (step > download.reported) {
      download.reported = step;
      return go("PROGRESS");
    }
    if (device.now() >= nextPollAt) return go("POLL");
    go("DOWNLOAD");
  };

  handlers.PROGRESS = function (response) {
    if (!response) return feedback("deploymentBase", self.record.action, "proceeding", "none", ["downloading " + self.record.version], { cnt: download.reported, of: progressSteps });
    // Progress is best effort; a cancel is seen at the next poll.
    go(device.now() >= nextPollAt ? "POLL" : "DOWNLOAD");
  };

  handlers.INSTALL = function () {
    var record = self.record;
    var status = device.receiveComplete();
    receiving = false;
    download = null;
    if (status < 0) {
      record.phase = "report";
      record.result = "failure";
      record.details = "the package did not verify on the device (core status " + status + ")";
      saveRecord();
      return go("REPORT");
    }
    record.phase = "installed";
    saveRecord();
    go("DOWNLOADED");
  };

  handlers.DOWNLOADED = function (response) {
    if (!response) return feedback("deploymentBase", self.record.action, "downloaded", "none", ["installed " + self.record.version + "; rebooting into its trial"], null);
    go("REBOOT");
  };

  handlers.REBOOT = function () {
    self.state = "HALTED";
    entering = false;
    wakeAt = HALTED;
    device.reboot();
  };

  function checkInFailed(response) {
    if (device.now() - trialStartedAt >= trialBudgetMs) {
      self.record.reason = "the new image " + self.record.version + " could not reach the update server within its trial budget (" + why(response) + ")";
      saveRecord();
      return go("REJECT");
    }
    backoff("CHECK_IN", why(response));
  }

  // On the trial image: the new image proves it reaches the server (configData and feedback accepted) before it confirms.
  handlers.CHECK_IN = function (response) {
    if (!response) {
      var attributes = device.status().attributes;
      return send("PUT", base + "/configData", { mode: "merge", data: attributes }, null, null);
    }
    if (!ok(response)) return checkInFailed(response);
    go("CHECK_IN_FEEDBACK");
  };

  handlers.CHECK_IN_FEEDBACK = function (response) {
    if (!response) return feedback("deploymentBase", self.record.action, "proceeding", "none", ["trial of " + self.record.version + " checked in"], null);
    if (response.status === 410 || response.status === 404) {
      // The server closed the action meanwhile (cancelled): the image reached it all the same.
      self.record.closed = true;
      return go("CONFIRM");
    }
    if (!ok(response)) return checkInFailed(response);
    go("CONFIRM");
  };

  handlers.CONFIRM = function () {
    var record = self.record;
    var status = device.confirm();
    record.phase = "report";
    record.result = status >= 0 ? "success" : "failure";
    record.details = status >= 0 ? "confirmed " + record.version + " after it checked in" : "the confirm failed (core status " + status + ")";
    saveRecord();
    self.errors = 0;
    go(record.closed ? "DONE" : "REPORT");
  };

  handlers.REJECT = function () {
    device.reject();
    go("REBOOT");
  };

  // The result must reach the server: retried with backoff until it is accepted (or the action is gone).
  handlers.REPORT = function (response) {
    var record = self.record;
    if (!response) return feedback("deploymentBase", record.action, "closed", record.result, [record.details], null);
    if (!ok(response) && response.status !== 404 && response.status !== 410) return backoff("REPORT", why(response));
    self.errors = 0;
    go("DONE");
  };

  handlers.DONE = function () {
    clearRecord();
    go("POLL");
  };

  handlers.CANCEL = function (response) {
    if (!response) return send("GET", pending, null, null, null);
    var reply = ok(response) ? parse(response) : null;
    if (!reply || !reply.cancelAction) return backoff("POLL", why(response));
    self.errors = 0;
    var stopId = String(reply.cancelAction.stopId);
    var record = self.record;
    var accepted = !record || record.action !== stopId || record.phase === "download";
    if (record && record.action === stopId && record.phase === "download") {
      if (receiving) device.receiveCancel();
      receiving = false;
      download = null;
    }
    // A cancel that comes after the install cannot be honoured: the trial decides (hawkBit's REJECTED).
    self.record = accepted ? { action: stopId, phase: "canceled" } : record;
    if (accepted) saveRecord();
    pending = { id: stopId, accepted: accepted, keep: accepted ? null : record };
    go("CANCEL_REPLY");
  };

  handlers.CANCEL_REPLY = function (response) {
    if (!pending || typeof pending !== "object") pending = { id: self.record.action, accepted: true, keep: null };
    if (!response) {
      if (pending.accepted) return feedback("cancelAction", pending.id, "closed", "success", ["cancelled; the running image stays"], null);
      return feedback("cancelAction", pending.id, "rejected", "none", ["already installed; its trial decides"], null);
    }
    if (!ok(response) && response.status !== 404 && response.status !== 410) return backoff("CANCEL_REPLY", why(response));
    self.errors = 0;
    if (pending.accepted) clearRecord();
    pending = null;
    go("WAIT");
  };

  handlers.WAIT = function () {
    go("WAIT");
    entering = false;
    sleepUntil(nextPollAt > device.now() ? nextPollAt : device.now() + self.sleepMs);
    retryState = "POLL";
  };

  handlers.BACKOFF = function () {
    // Entered only through backoff(), which sets the timer.
  };

  function step() {
    // A bounded number of transitions per call: no busy loop, whatever the server answers.
    for (var guard = 0; guard < 32; guard++) {
      if (self.state === "HALTED") return HALTED;
      if (event) {
        var response = event;
        event = null;
        handlers[self.state](response);
        continue;
      }
      if (inflight) return WAITING_FOR_IO;
      if (entering) {
        entering = false;
        handlers[self.state](null);
        continue;
      }
      if (wakeAt >= 0 && device.now() >= wakeAt) {
        var next = retryState || "POLL";
        retryState = null;
        go(next);
        continue;
      }
      return wakeAt;
    }
    return inflight ? WAITING_FOR_IO : (wakeAt >= 0 ? wakeAt : device.now());
  }

  function stop() {
    if (inflight) stopRequest();
    event = null;
    self.state = "HALTED";
  }

  self.step = step;
  self.stop = stop;
  return self;
}

exports.createAgent = createAgent;
exports.HALTED = HALTED;
exports.WAITING_FOR_IO = WAITING_FOR_IO;
