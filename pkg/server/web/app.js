// tokencheck serve: the debugger page. It sends the form as JSON to
// /api/inspect on this origin and renders the verify object. It stores
// nothing (no cookies, no storage) and builds every element with
// textContent, so nothing a token holds is ever parsed as HTML.
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };
  var form = $("inspect");

  var SDK_ERRORS = {
    101: "ERR_INVALID_APP_ID", 102: "ERR_INVALID_CHANNEL_NAME",
    109: "ERR_TOKEN_EXPIRED", 110: "ERR_INVALID_TOKEN"
  };
  var VERSIONS = {
    "007": "AccessToken2", "006": "AccessToken", "005": "dynamic key 5",
    "004": "dynamic key 4", "003": "dynamic key 3"
  };
  // Service type → title, filled in by the server from its own table.
  var SERVICE_TITLES = /*{{services}}*/{};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function iso(ts) {
    var d = new Date(ts * 1000);
    if (isNaN(d.getTime())) { return "out of range"; }
    return d.toISOString().replace(".000Z", "Z");
  }

  // duration renders seconds as "1h 2m 3s".
  function duration(s) {
    s = Math.abs(Math.round(s));
    if (s === 0) { return "0s"; }
    var parts = [], d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
      m = Math.floor(s % 3600 / 60), sec = s % 60;
    if (d) { parts.push(d + "d"); }
    if (h) { parts.push(h + "h"); }
    if (m) { parts.push(m + "m"); }
    if (sec && !d) { parts.push(sec + "s"); }
    return parts.join(" ");
  }

  function relative(ts, now) {
    if (ts === now) { return "now"; }
    return ts > now ? "in " + duration(ts - now) : duration(now - ts) + " ago";
  }

  function when(ts, now) { return ts + " = " + iso(ts) + " (" + relative(ts, now) + ")"; }

  function showError(msg) {
    var e = $("error");
    e.textContent = msg;
    e.hidden = false;
  }

  // parseNow reads the "Judge at" field: unix seconds or a date.
  function parseNow(s) {
    s = s.trim();
    if (s === "") { return null; }
    if (/^\d+$/.test(s)) { return Number(s); }
    var t = Date.parse(s);
    if (isNaN(t)) { throw new Error("Judge at: want unix seconds or a date like 2026-12-03T10:00:00Z"); }
    return Math.floor(t / 1000);
  }

  function request() {
    var body = { token: $("token").value };
    // The certificate is trimmed (as --cert-file trims it); what the
    // client uses is sent as typed, so that a stray space in a channel,
    // account or app ID is found, as verify finds it. Empty fields are
    // left out.
    ["cert", "for"].forEach(function (k) {
      var v = $(k).value.trim();
      if (v !== "") { body[k] = v; }
    });
    ["app_id", "channel", "account"].forEach(function (k) {
      var v = $(k).value;
      if (v !== "") { body[k] = v; }
    });
    var uid = $("uid").value.trim();
    if (uid !== "") { body.uid = uid; }
    var now = parseNow($("now").value);
    if (now !== null) { body.now = now; }
    return body;
  }

  function inspect(ev) {
    ev.preventDefault();
    $("error").hidden = true;
    if ($("token").value.trim() === "") {
      showError("Paste a token first.");
      $("token").focus();
      return;
    }
    var body;
    try { body = request(); } catch (e) { showError(e.message); $("now").focus(); return; }
    $("busy").textContent = "Checking…";
    $("submit").disabled = true;
    fetch("/api/inspect", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body), cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer"
    }).then(function (resp) {
      return resp.json().then(function (data) { return { ok: resp.ok, status: resp.status, data: data }; },
        function () { return { ok: false, status: resp.status, data: { error: "the server answered " + resp.status } }; });
    }).then(function (r) {
      if (!r.ok) {
        showError("The server refused the request: " + (r.data && r.data.error || ("status " + r.status)));
        return;
      }
      render(r.data);
    }).catch(function () {
      showError("The tokencheck server could not be reached: is 'tokencheck serve' still running?");
    }).then(function () {
      $("busy").textContent = "";
      $("submit").disabled = false;
    });
  }

  function render(v) {
    var now = typeof v.now === "number" ? v.now : Math.floor(Date.now() / 1000);
    var verdict = $("verdict");
    verdict.textContent = v.verdict;
    verdict.className = v.verdict === "ok" ? "ok" : (v.verdict === "signature_unchecked" ? "unchecked" : "bad");
    verdict.setAttribute("data-verdict", v.verdict);
    var sig = { valid: "valid", invalid: "invalid", unchecked: "not checked (no certificate given)" }[v.signature] || v.signature;
    if (v.matched_certificate) { sig += " (" + v.matched_certificate + " certificate)"; }
    $("summary").textContent = "Signature: " + sig + ". Judged at " + iso(now) + ".";
    renderFindings(v.findings || []);
    renderTimeline(v.token, now);
    renderFields(v.token, now);
    $("result").hidden = false;
    $("verdict-heading").focus();
  }

  function renderFindings(fs) {
    var tb = $("findings").tBodies[0];
    tb.textContent = "";
    fs.forEach(function (f) {
      var tr = el("tr", f.severity);
      tr.setAttribute("data-code", f.code);
      tr.appendChild(el("td", null, f.severity));
      tr.appendChild(el("td", "code", f.code));
      var sdk = el("td", null, f.sdk_error === null || f.sdk_error === undefined ? "—" : String(f.sdk_error));
      if (SDK_ERRORS[f.sdk_error]) { sdk.appendChild(el("span", "sdk", " " + SDK_ERRORS[f.sdk_error])); }
      tr.appendChild(sdk);
      var td = el("td", null, f.message);
      if (f.field) { td.appendChild(el("span", "hint", "Field: " + f.field + (f.offset !== null && f.offset !== undefined ? " at byte " + f.offset + (f.layer ? " of the " + f.layer : "") : ""))); }
      if (f.hint) { td.appendChild(el("span", "hint", "Fix: " + f.hint)); }
      tr.appendChild(td);
      tb.appendChild(tr);
    });
    $("findings-wrap").hidden = fs.length === 0;
    $("no-findings").hidden = fs.length !== 0;
  }

  // events lists the instants of the timeline: the issue time, then one row
  // per distinct expiry (the token's and its privileges', which are usually
  // the same instant), then the privileges with no limit of their own.
  function events(t) {
    if (!t) { return []; }
    var ev = [], byTs = {}, order = [], nolimit = [];
    var expiry = function (ts, name, isToken) {
      if (!byTs.hasOwnProperty(ts)) { byTs[ts] = { ts: ts, kind: "expiry", token: false, names: [] }; order.push(ts); }
      if (isToken) { byTs[ts].token = true; } else { byTs[ts].names.push(name); }
    };
    if (typeof t.issue_ts === "number") { ev.push({ what: "issued", ts: t.issue_ts, kind: "issue", names: [] }); }
    if (typeof t.expire_at === "number" && t.expire_at !== 0) { expiry(t.expire_at, "", true); }
    if (typeof t.ts === "number") { expiry(t.ts, "", true); }
    (t.services || []).forEach(function (s) {
      (s.privileges || []).forEach(function (p) {
        if (p.expire !== 0 && typeof p.expire_at === "number") { expiry(p.expire_at, s.name + " " + p.name); } else { nolimit.push(s.name + " " + p.name); }
      });
    });
    (t.privileges || []).forEach(function (p) {
      if (p.expire) { expiry(p.expire, p.name); } else { nolimit.push(p.name); }
    });
    order.sort(function (a, b) { return a - b; }).forEach(function (ts) {
      var e = byTs[ts], n = e.names.length;
      if (e.token) {
        e.what = "token expires";
        if (n) { e.also = (n === 1 ? "with privilege " : "with " + n + " privileges: ") + e.names.join(", "); }
      } else {
        e.what = n === 1 ? e.names[0] + " expires" : n + " privileges expire";
        if (n > 1) { e.also = e.names.join(", "); }
      }
      ev.push(e);
    });
    if (nolimit.length) {
      ev.push({ what: nolimit.length === 1 ? nolimit[0] : nolimit.length + " privileges", ts: null, kind: "nolimit",
        also: nolimit.length === 1 ? "" : nolimit.join(", ") });
    }
    return ev;
  }

  function renderTimeline(t, now) {
    var ol = $("timeline");
    ol.textContent = "";
    var ev = events(t);
    if (ev.length === 0) {
      ol.appendChild(el("li", null, "The token holds no times."));
      return;
    }
    var lo = now, hi = now, issue = null;
    ev.forEach(function (e) {
      if (e.ts === null) { return; }
      if (e.ts < lo) { lo = e.ts; }
      if (e.ts > hi) { hi = e.ts; }
      if (e.kind === "issue") { issue = e.ts; }
    });
    var span = hi - lo || 1;
    var pct = function (ts) { return ((ts - lo) / span * 96 + 2).toFixed(2) + "%"; };
    ev.forEach(function (e) {
      var past = e.ts !== null && e.ts < now;
      var li = el("li", e.kind === "expiry" ? (past ? "past" : "future") : e.kind);
      var label = el("div", "what", e.what);
      var state;
      if (e.ts === null) {
        label.appendChild(el("span", "when", "no separate limit: the token's expiry governs"));
      } else {
        label.appendChild(el("span", "when", iso(e.ts) + " (" + relative(e.ts, now) + ")"));
        if (e.kind === "expiry") { state = past ? "ended" : "valid"; }
        if (e.kind === "issue" && e.ts > now) { state = "not yet issued"; }
      }
      if (e.also) { label.appendChild(el("span", "names", e.also)); }
      if (state) { label.appendChild(el("span", "state", state)); }
      li.appendChild(label);
      var track = el("div", "track");
      track.setAttribute("aria-hidden", "true");
      if (e.ts !== null) {
        if (e.kind === "expiry") {
          var bar = el("div", "span");
          var from = issue !== null ? issue : lo;
          bar.style.left = pct(Math.min(from, e.ts));
          bar.style.width = ((Math.abs(e.ts - from) / span) * 96).toFixed(2) + "%";
          track.appendChild(bar);
        }
        var mark = el("div", "mark");
        mark.style.left = pct(e.ts);
        track.appendChild(mark);
      }
      var nowLine = el("div", "now");
      nowLine.style.left = pct(now);
      track.appendChild(nowLine);
      li.appendChild(track);
      ol.appendChild(li);
    });
  }

  // rows of the decoded-fields table: [field, value, meaning], or a group header.
  function fieldRows(t, now) {
    var rows = [];
    var add = function (f, v, m) { rows.push([f, v === null || v === undefined ? "" : String(v), m || ""]); };
    var group = function (title) { rows.push({ group: title }); };
    if (!t) { return rows; }
    if (t.version) { add("version", t.version, VERSIONS[t.version] || "token format"); }
    if (t.app_id !== undefined) { add("app_id", t.app_id, "the App ID of the project the token is for"); }
    if (typeof t.salt === "number") { add("salt", t.salt, "random number mixed into the signature"); }
    if (typeof t.issue_ts === "number") { add("issue_ts", t.issue_ts, "issued at " + iso(t.issue_ts) + " (" + relative(t.issue_ts, now) + ")"); }
    if (typeof t.expire === "number") {
      add("expire", t.expire, t.expire === 0 ? "0 s: no lifetime" : "lifetime " + duration(t.expire) + " after issue (relative seconds)");
    }
    if (typeof t.expire_at === "number") {
      add("expire_at", t.expire_at, t.expire_at === 0 ? "0: never expires" : "token expires " + iso(t.expire_at) + " (" + relative(t.expire_at, now) + ")");
    }
    if (typeof t.ts === "number") { add("ts", t.ts, "token expires " + iso(t.ts) + " (" + relative(t.ts, now) + "), absolute unix seconds"); }
    if (typeof t.crc_channel === "number") { add("crc_channel", t.crc_channel, "CRC-32 of the channel name the token was built for"); }
    if (typeof t.crc_uid === "number") { add("crc_uid", t.crc_uid, t.crc_uid === 0 ? "CRC-32 of the empty uid text: uid 0, any user" : "CRC-32 of the uid or account text"); }
    if (t.kind) {
      add("kind", t.kind, t.version === "006" ? (t.kind === "rtm" ? "an RTM login token (the channel field holds the user ID)" : "an RTC token") : "what the key is for");
    }
    if (typeof t.uid === "number") { add("uid", t.uid, t.uid === 0 ? "0: any user" : "numeric uid the key is bound to"); }
    if (typeof t.service_count === "number") { add("service_count", t.service_count, t.service_count + " service" + (t.service_count === 1 ? "" : "s") + " declared"); }
    if (t.compressor) { add("compressor", t.compressor, "how the payload was compressed (not signed)"); }
    if (t.signature) { add("signature", t.signature, "HMAC-SHA256 over the signed fields"); }
    (t.privileges || []).forEach(function (p, i) {
      var k = "privileges[" + i + "]";
      add(k + ".id", p.id, p.id + " = " + p.name);
      add(k + ".expire", p.expire, p.expire === 0 ? "0: no separate limit" : p.name + " expires " + iso(p.expire) + " (" + relative(p.expire, now) + "), absolute");
    });
    (t.services || []).forEach(function (s, i) {
      var k = "services[" + i + "]";
      group("Service " + (i + 1) + ": " + (SERVICE_TITLES[s.type] || s.name));
      add(k + ".type", s.type, s.type + " = " + s.name + (SERVICE_TITLES[s.type] ? " (" + SERVICE_TITLES[s.type] + ")" : ""));
      if (s.channel !== undefined) { add(k + ".channel", s.channel, "channel name the token admits to"); }
      if (s.uid !== undefined) { add(k + ".uid", s.uid === "" ? '""' : s.uid, s.uid === "" ? "empty: uid 0, any user may join" : "uid or user account, as text"); }
      if (s.account !== undefined) { add(k + ".account", s.account, "user account"); }
      if (s.user_id !== undefined) { add(k + ".user_id", s.user_id === "" ? '""' : s.user_id, s.user_id === "" ? "empty: an app-level token" : "user ID"); }
      if (s.room_uuid !== undefined) { add(k + ".room_uuid", s.room_uuid === "" ? '""' : s.room_uuid, "room UUID"); }
      if (s.user_uuid !== undefined) { add(k + ".user_uuid", s.user_uuid === "" ? '""' : s.user_uuid, "user UUID"); }
      if (typeof s.role === "number") { add(k + ".role", s.role, s.role === -1 ? "-1: no room role" : "room role (defined by the application)"); }
      (s.permissions || []).forEach(function (pm, j) {
        var pk = k + ".permissions[" + j + "]";
        add(pk + ".resource_type", pm.resource_type, pm.resource_type + " = " + pm.resource_type_name);
        add(pk + ".permission_type", pm.permission_type, pm.permission_type + " = " + pm.permission_type_name);
        add(pk + ".resources", JSON.stringify(pm.resources), pm.resources.length + " resource" + (pm.resources.length === 1 ? "" : "s"));
      });
      (s.privileges || []).forEach(function (p, j) {
        var pk = k + ".privileges[" + j + "]";
        add(pk + ".id", p.id, p.id + " = " + p.name);
        add(pk + ".expire", p.expire, p.expire === 0 ? "0: no separate limit (the token's expiry governs)" :
          duration(p.expire) + " after issue: " + p.name + " expires " + iso(p.expire_at) + " (" + relative(p.expire_at, now) + ")");
      });
      if (typeof s.undecoded_bytes === "number") { add(k + ".undecoded_bytes", s.undecoded_bytes, "bytes of a service type tokencheck does not know"); }
      if (s.not_read && s.not_read.length) { add(k + ".not_read", s.not_read.join(", "), "decoding stopped inside this record: these fields were not reached (see the error)"); }
    });
    if (t.legacy) {
      var l = t.legacy;
      group("Dynamic key fields");
      if (typeof l.unix_ts === "number") { add("legacy.unix_ts", l.unix_ts, "issued " + when(l.unix_ts, now)); }
      if (typeof l.uid === "number") { add("legacy.uid", l.uid, l.uid === 0 ? "0: any user" : "numeric uid"); }
      if (typeof l.expired_ts === "number") { add("legacy.expired_ts", l.expired_ts, l.expired_ts === 0 ? "0: never expires" : "expires " + iso(l.expired_ts)); }
      if (typeof l.service_type === "number") { add("legacy.service_type", l.service_type, "service type of the key"); }
    }
    if (t.error) {
      group("Decoding stopped");
      add("error.code", t.error.code, t.error.message);
      if (t.error.field) { add("error.field", t.error.field, "the field being read"); }
      if (typeof t.error.offset === "number") { add("error.offset", t.error.offset, "byte offset" + (t.error.layer ? " in the " + t.error.layer : "")); }
    }
    return rows;
  }

  function renderFields(t, now) {
    var tb = $("fields").tBodies[0];
    tb.textContent = "";
    var rows = fieldRows(t, now);
    if (rows.length === 0) {
      var tr0 = el("tr");
      var td0 = el("td", null, "Nothing could be decoded.");
      td0.colSpan = 3;
      tr0.appendChild(td0);
      tb.appendChild(tr0);
      return;
    }
    rows.forEach(function (r) {
      var tr = el("tr");
      if (r.group) {
        tr.className = "group";
        var th = el("td", null, r.group);
        th.colSpan = 3;
        tr.appendChild(th);
      } else {
        tr.setAttribute("data-field", r[0]);
        tr.appendChild(el("td", null, r[0]));
        tr.appendChild(el("td", null, r[1]));
        tr.appendChild(el("td", null, r[2]));
      }
      tb.appendChild(tr);
    });
  }

  form.addEventListener("submit", inspect);
  // Enter in the token box checks the token (tokens hold no line breaks).
  $("token").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { $("submit").click(); }
    }
  });
  $("clear").addEventListener("click", function () {
    form.reset();
    $("error").hidden = true;
    $("result").hidden = true;
    $("token").focus();
  });
}());
