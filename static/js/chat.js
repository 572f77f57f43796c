// Live chat over Socket.IO (namespace /chat). The page works without this file:
// the form posts and "Muat pesan baru" reloads. With it, messages arrive at once.
//
// Nothing is lost: every message has a server id; on each (re)connect the page
// asks for everything after the last id it shows and drops ids it already has.
// A message typed while offline waits in the outbox with its own ref and is sent
// on reconnect; the server stores a ref once, so a resend cannot duplicate it.
//
// The server's processes pass messages to each other through a queue (Redis). While
// it is down ("queue_down") a message is stored and acknowledged but reaches the other
// side only later: it says "saved, waiting for the connection", and the page stops
// counting live messages as proof that it has everything before them. When the queue
// returns ("queue_up") the page catches up from the database, from `syncedTo`, the id
// up to which it surely has every message (its own later ids say nothing of the other
// side's messages stored meanwhile). Read receipts go only up to `syncedTo`.
(function () {
  "use strict";

  var root = document.getElementById("chat");
  if (!root || typeof io !== "function") return;

  var texts = JSON.parse(root.getAttribute("data-texts"));
  var side = root.getAttribute("data-side");
  var maxChars = parseInt(root.getAttribute("data-max-chars"), 10);
  var idleMs = parseInt(root.getAttribute("data-idle-seconds"), 10) * 1000;
  var keepaliveUrl = root.getAttribute("data-keepalive");
  var closed = root.hasAttribute("data-closed");
  var log = document.getElementById("chat-log");
  var statusLine = document.getElementById("chat-status");
  var typingLine = document.getElementById("chat-typing");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-body");
  var csrf = form ? form.querySelector("input[name=csrf_token]") : null;

  var known = {};
  var lastId = 0;
  var queueUp = true;
  var waiting = {};
  var outbox = [];
  var markers = null;
  var typingTimer = null;
  var lastTypingSent = 0;
  var lastInput = Date.now();
  var lastKeepalive = Date.now();
  var live = false;

  Array.prototype.forEach.call(log.querySelectorAll("[data-id]"), function (item) {
    var id = parseInt(item.getAttribute("data-id"), 10);
    known[id] = item;
    lastId = Math.max(lastId, id);
  });
  // The server rendered every message up to the last it shows.
  var syncedTo = lastId;

  var socket = io("/chat", { auth: { chat: root.getAttribute("data-chat") } });

  function say(text) { statusLine.textContent = text || ""; }

  function newRef() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  // In the school's time zone, as the server renders the page: a phone set to another
  // zone (or a wrong one) must not show the counselor's hours shifted.
  var timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || "id", {
    day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    timeZone: root.getAttribute("data-timezone")
  });

  function formatTime(iso) {
    return timeFormat.format(new Date(iso));
  }

  // Text only: every part goes in through textContent, never as markup.
  function buildItem(message, mine) {
    var item = document.createElement("li");
    item.className = "chat-msg " + (mine ? "chat-mine" : "chat-theirs");
    item.setAttribute("data-side", message.side);
    var who = document.createElement("p");
    who.className = "chat-who";
    who.textContent = mine ? texts.mine : texts.theirs;
    var body = document.createElement("p");
    body.className = "chat-body";
    body.textContent = message.body;
    var meta = document.createElement("p");
    meta.className = "chat-meta";
    if (message.at) {
      var time = document.createElement("time");
      time.setAttribute("datetime", message.at);
      time.textContent = formatTime(message.at);
      meta.appendChild(time);
      meta.appendChild(document.createTextNode(" "));
    }
    if (mine) {
      var state = document.createElement("span");
      state.className = "chat-state";
      meta.appendChild(state);
    }
    item.appendChild(who);
    item.appendChild(body);
    item.appendChild(meta);
    return item;
  }

  function place(item, id) {
    var after = null;
    Object.keys(known).forEach(function (key) {
      var other = parseInt(key, 10);
      if (other > id && (after === null || other < after)) after = other;
    });
    var empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    log.insertBefore(item, after === null ? firstPending() : known[after]);
  }

  function firstPending() {
    return outbox.length ? outbox[0].item : null;
  }

  function setState(item, key) {
    var label = item.querySelector(".chat-state");
    if (label) label.textContent = texts[key];
  }

  function stateOf(id) {
    if (!markers) return waiting[id] ? "waiting" : "sent";
    var other = markers[side === "student" ? "counselor" : "student"];
    if (id <= other.read) return "read";
    if (id <= other.delivered) return "delivered";
    return waiting[id] ? "waiting" : "sent";
  }

  // A message heard live while the queue is up: every one before it was heard too.
  function heardLive(id) {
    if (queueUp) syncedTo = Math.max(syncedTo, id);
  }

  function refreshStates() {
    Object.keys(known).forEach(function (key) {
      var item = known[key];
      if (item.classList.contains("chat-mine")) setState(item, stateOf(parseInt(key, 10)));
    });
  }

  // `ack`: the server's acknowledgement, when it comes from one (not from a sync).
  function settle(entry, message, ack) {
    outbox.splice(outbox.indexOf(entry), 1);
    if (ack && ack.waiting) {
      waiting[message.id] = true;
    } else if (ack) {
      heardLive(message.id);
    }
    if (known[message.id]) {
      entry.item.remove();
      return;
    }
    entry.item.setAttribute("data-id", message.id);
    entry.item.classList.remove("chat-pending");
    known[message.id] = entry.item;
    lastId = Math.max(lastId, message.id);
    setState(entry.item, stateOf(message.id));
  }

  // A message stored before its acknowledgement got lost comes back in the sync:
  // by its ref, or (the problem box keeps no refs) as the same text from this side.
  function pendingFor(message) {
    if (message.side !== side) return null;
    for (var i = 0; i < outbox.length; i++) {
      var entry = outbox[i];
      if (message.ref ? entry.ref === message.ref : (entry.tried && entry.body === message.body)) {
        return entry;
      }
    }
    return null;
  }

  function add(message) {
    if (known[message.id]) return;
    var entry = pendingFor(message);
    if (entry) {
      settle(entry, message);
      return;
    }
    var stick = nearBottom();
    var mine = message.side === side;
    var item = buildItem(message, mine);
    item.setAttribute("data-id", message.id);
    place(item, message.id);
    known[message.id] = item;
    lastId = Math.max(lastId, message.id);
    if (mine) setState(item, stateOf(message.id));
    if (stick || mine) scrollDown();
    if (!mine) typingLine.textContent = "";
  }

  function seen() {
    if (!socket.connected || !syncedTo) return;
    var reading = document.visibilityState === "visible";
    socket.emit("seen", { id: syncedTo, read: reading });
  }

  function queueDown() {
    queueUp = false;
    say(texts.queue_down);
  }

  function sync() {
    socket.timeout(15000).emit("sync", { after: syncedTo }, function (error, reply) {
      if (error || !reply || !reply.ok) {
        if (socket.connected) setTimeout(sync, 2000);
        return;
      }
      reply.messages.forEach(add);
      if (reply.messages.length) {
        syncedTo = Math.max(syncedTo, reply.messages[reply.messages.length - 1].id);
      }
      if (reply.queue_up === false) {
        queueDown();
      } else if (!queueUp) {
        queueUp = true;
        say(texts.online);
      }
      markers = reply.state;
      refreshStates();
      if (reply.state.ended && !closed) {
        window.location.reload();
        return;
      }
      if (reply.more) {
        sync();
        return;
      }
      outbox.slice().forEach(push);
      seen();
    });
  }

  function push(entry) {
    entry.tried = true;
    socket.timeout(15000).emit("send", { body: entry.body, ref: entry.ref }, function (error, reply) {
      if (error || !reply) return; // still in the outbox: sent again after reconnecting
      if (reply.ok) {
        settle(entry, reply.message, reply);
        return;
      }
      if (reply.reason === "signed_out" || reply.reason === "idle") return;
      // Refused (too long, too fast, session ended): the text goes back to the box.
      outbox.splice(outbox.indexOf(entry), 1);
      entry.item.remove();
      if (input && !input.value) input.value = entry.body;
      say(reply.message);
    });
  }

  function queue(body) {
    var entry = { ref: newRef(), body: body, tried: false };
    entry.item = buildItem({ side: side, body: body }, true);
    entry.item.classList.add("chat-pending");
    setState(entry.item, "sending");
    var empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    log.appendChild(entry.item);
    scrollDown();
    outbox.push(entry);
    if (socket.connected) push(entry);
  }

  function touched() {
    lastInput = Date.now();
    if (Date.now() - lastKeepalive < 60000) return;
    lastKeepalive = Date.now();
    if (socket.connected) socket.emit("active");
    if (csrf) {
      fetch(keepaliveUrl, { method: "POST", credentials: "same-origin",
                            headers: { "X-CSRFToken": csrf.value } }).catch(function () {});
    }
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      // Until a socket has been live, the plain form posts, as with JavaScript off.
      // After that, a message written offline waits in the outbox instead.
      if (!live) return;
      event.preventDefault();
      var body = input.value.trim();
      if (!body) return;
      if (body.length > maxChars) {
        say(texts.too_long || "");
        return;
      }
      input.value = "";
      say("");
      // The other side stops showing "typing" when the message lands: the next
      // keystroke may say so again at once.
      lastTypingSent = 0;
      queue(body);
      input.focus();
    });
    input.addEventListener("input", function () {
      touched();
      if (socket.connected && Date.now() - lastTypingSent > 3000) {
        lastTypingSent = Date.now();
        socket.emit("typing");
      }
    });
    input.addEventListener("keydown", function (event) {
      // Enter sends on a keyboard; Shift+Enter (and phones' return key) makes a new line.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing &&
          window.matchMedia("(pointer: fine)").matches) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
  ["pointerdown", "keydown", "scroll"].forEach(function (kind) {
    document.addEventListener(kind, touched, { passive: true });
  });

  // A shared phone: after the login's idle time without a touch, leave the page
  // to the server, which then asks for the password again.
  setInterval(function () {
    if (Date.now() - lastInput > idleMs) {
      socket.disconnect();
      window.location.reload();
    }
  }, 30000);

  socket.on("connect", function () {
    live = true;
    say(texts.online);
    sync();
  });
  socket.on("disconnect", function (reason) {
    if (reason !== "io client disconnect") say(texts.offline);
  });
  socket.on("connect_error", function (error) {
    if (socket.active) {
      say(texts.offline);
      return;
    }
    live = false;
    var refusal = error.data || {};
    if (refusal.reason === "full" || refusal.reason === "busy") {
      // The server takes chats again in a while: try once more then, each page at its
      // own moment so that they do not all come back at once. The form posts meanwhile.
      say(refusal.message);
      setTimeout(function () { socket.connect(); }, 15000 + Math.random() * 30000);
      return;
    }
    // Refused (signed out, session closed): the plain form says why on posting.
    say(texts.refused);
  });
  socket.on("new_message", function (message) {
    add(message);
    heardLive(message.id);
    seen();
  });
  socket.on("queue_down", queueDown);
  socket.on("queue_up", function () {
    // What was sent meanwhile is on its way now: no longer "waiting".
    waiting = {};
    refreshStates();
    // Every page of this process hears this at once: each catches up at its own moment
    // within a few seconds, not all in the same instant.
    setTimeout(sync, Math.random() * 3000);
  });
  socket.on("state", function (state) {
    markers = state;
    refreshStates();
    if (state.ended && !closed) window.location.reload();
  });
  socket.on("typing", function (data) {
    if (data.side === side) return;
    typingLine.textContent = texts.typing;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 5000);
  });
  socket.on("ended", function () { window.location.reload(); });
  socket.on("refused", function (data) {
    say(data.message);
    if (data.reason === "signed_out" || data.reason === "idle") {
      setTimeout(function () { window.location.reload(); }, 1500);
    }
  });
  document.addEventListener("visibilitychange", seen);

  scrollDown();
})();
