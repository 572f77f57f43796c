// The notification settings page: subscribe this browser to the counselor's Web Push.
// Only this page loads it; the service worker (/bk/sw.js) controls /bk/ pages only.
(function () {
  "use strict";
  var box = document.getElementById("push-setup");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) return;
  box.hidden = false;
  var status = document.getElementById("push-status");
  var button = document.getElementById("push-enable");

  function key(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function label() {
    var ua = navigator.userAgent;
    var browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Peramban";
    var system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Windows/.test(ua) ? "Windows" : /Mac OS/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
    return system ? browser + " di " + system : browser;
  }

  button.addEventListener("click", function () {
    status.textContent = "Meminta izin…";
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("Izin notifikasi tidak diberikan di peramban ini.");
      return navigator.serviceWorker.register(box.dataset.worker, {scope: "/bk/"});
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(box.dataset.key)});
    }).then(function (subscription) {
      var data = subscription.toJSON();
      data.label = label();
      var token = document.querySelector('input[name="csrf_token"]');
      return fetch(box.dataset.url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": token ? token.value : ""},
        body: JSON.stringify(data)
      });
    }).then(function (response) {
      if (!response.ok) throw new Error("Server tidak menerima langganan ini. Muat ulang halaman dan coba lagi.");
      window.location.reload();
    }).catch(function (error) {
      status.textContent = error.message || "Notifikasi tidak bisa diaktifkan di peramban ini.";
    });
  });
})();
