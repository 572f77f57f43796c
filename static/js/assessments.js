// Questionnaires on a weak phone connection: what a student types is kept on the phone
// (localStorage) until the server has it, and sent again when the connection returns.
// Without this file the forms post normally; nothing here is needed to answer.
(function () {
  "use strict";

  var PREFIX = "cyberbk-asesmen:";
  var RETRY_MS = 5000;
  var retryTimer = null;
  var storage = (function () {
    try {
      window.localStorage.setItem(PREFIX + "test", "1");
      window.localStorage.removeItem(PREFIX + "test");
      return window.localStorage;
    } catch (error) {
      return null; // private mode or storage full: the forms still work, only without the safety net
    }
  })();

  function read(key) {
    if (!storage) return null;
    try { return JSON.parse(storage.getItem(key)); } catch (error) { return null; }
  }

  function write(key, value) {
    if (!storage) return;
    try { storage.setItem(key, JSON.stringify(value)); } catch (error) { /* storage full */ }
  }

  function drop(key) {
    if (storage) storage.removeItem(key);
  }

  // A shared phone: nothing typed stays behind after logging out or leaving quickly.
  function dropAll() {
    if (!storage) return;
    for (var i = storage.length - 1; i >= 0; i -= 1) {
      var key = storage.key(i);
      if (key && key.indexOf(PREFIX) === 0) storage.removeItem(key);
    }
  }

  function keyOf(form) {
    return PREFIX + form.getAttribute("data-offline-key");
  }

  function answers(form) {
    var list = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token") list.push([name, value]);
    });
    return list;
  }

  function restore(form, saved) {
    var values = {};
    saved.fields.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "csrf_token" || field.type === "submit") return;
      var given = values[field.name] || [];
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = given.indexOf(field.value) !== -1;
      } else {
        field.value = given.length ? given[0] : "";
      }
    });
  }

  function note(form, text) {
    var box = form.querySelector("[data-offline-note]");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  // Where the questionnaire lives: a redirect elsewhere (the login page) means not saved.
  function home(form) {
    return form.action.replace(/\/bagian\/\d+$/, "/");
  }

  function deliver(form) {
    var key = keyOf(form);
    var saved = read(key);
    if (!saved || !saved.pending) return;
    form.setAttribute("aria-busy", "true");
    fetch(saved.pending.action, {
      method: "POST",
      body: new URLSearchParams(saved.pending.body),
      credentials: "same-origin"
    }).then(function (response) {
      form.removeAttribute("aria-busy");
      if (response.ok && response.redirected) {
        if (response.url.indexOf(home(form)) === 0) {
          drop(key);
        } else {
          saved.pending = null;
          write(key, saved);
        }
        window.location.assign(response.url);
        return;
      }
      // The server has something to say (a missing answer, a closed questionnaire):
      // post the form the ordinary way so its page is shown.
      saved.pending = null;
      write(key, saved);
      form.setAttribute("data-native", "1");
      var button = saved.submitter && form.querySelector(
        'button[name="' + saved.submitter[0] + '"][value="' + saved.submitter[1] + '"]');
      if (button && form.requestSubmit) form.requestSubmit(button); else form.submit();
    }, function () {
      form.removeAttribute("aria-busy");
      note(form, form.getAttribute("data-offline-text"));
      if (!retryTimer) {
        retryTimer = window.setInterval(function () { deliver(form); }, RETRY_MS);
      }
    });
  }

  function watch(form) {
    var key = keyOf(form);
    var saved = read(key);
    if (saved && saved.fields) restore(form, saved);
    var remember = function () {
      var current = read(key) || {};
      current.fields = answers(form);
      write(key, current);
    };
    form.addEventListener("input", remember);
    form.addEventListener("change", remember);
    window.addEventListener("online", function () { deliver(form); });
    if (saved && saved.pending) deliver(form);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-quick-exit") || /\/logout$/.test(form.getAttribute("action") || "")) {
      dropAll();
      return;
    }
    if (!form.hasAttribute("data-offline-key") || form.hasAttribute("data-native") || !storage) return;
    event.preventDefault();
    var submitter = event.submitter;
    var body = [];
    new FormData(form).forEach(function (value, name) { body.push([name, value]); });
    if (submitter && submitter.name) body.push([submitter.name, submitter.value]);
    write(keyOf(form), {
      fields: answers(form),
      submitter: submitter && submitter.name ? [submitter.name, submitter.value] : null,
      pending: { action: form.action, body: body }
    });
    deliver(form);
  });

  // The instrument editor: HTMX shows the form again with its messages on a 400.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 400 && target && target.hasAttribute("data-swap-errors")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-offline-key]").forEach(watch);
  });
})();
