// Small enhancements only: every page works without this file.
(function () {
  "use strict";

  // Quick exit: replace this page in history so "back" does not return to it,
  // while the form still posts (and ends the session) when scripts are off.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-quick-exit")) return;
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    var target = form.getAttribute("data-quick-exit");
    var leave = function () { window.location.replace(target); };
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .then(leave, leave);
    document.body.hidden = true;
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (b) { b.hidden = false; });
  });

  // A shared phone: after the idle time the page leaves the screen by itself (see
  // leave_when_idle in _macros.html); a tap, a key or an htmx request starts the wait anew.
  var ALIVE_EVERY_MS = 60 * 1000;
  var idle = document.querySelector('meta[name="cyberbk-idle-exit"]');
  if (idle) {
    var timer;
    var wait = function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        window.location.replace(idle.getAttribute("data-url"));
      }, Number(idle.content) * 1000);
    };
    ["pointerdown", "keydown", "htmx:afterRequest"].forEach(function (name) {
      document.addEventListener(name, wait, true);
    });
    wait();
    // Typing reaches no server: tell it now and then, so that the server's own idle
    // check does not end the session under a story still being written.
    var told = Date.now();
    document.addEventListener("keydown", function () {
      if (!idle.hasAttribute("data-alive") || Date.now() - told < ALIVE_EVERY_MS) return;
      told = Date.now();
      var token = document.querySelector('input[name="csrf_token"]');
      fetch(idle.getAttribute("data-alive"), {
        method: "POST", credentials: "same-origin",
        headers: {"X-CSRFToken": token ? token.value : ""}
      });
    }, true);
  }
})();
