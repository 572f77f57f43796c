// CyberBK's service worker for counselors: shows a pushed alert and opens its link.
// The alert says only what kind of thing waits; the page it opens asks for the login.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "CyberBK", {
    body: data.body || "Ada yang menunggu di CyberBK.",
    data: {url: data.url || "/bk"},
    tag: data.url || "cyberbk"
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = event.notification.data && event.notification.data.url || "/bk";
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === url && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(url);
  }));
});
