// Video through Jitsi's IFrame API, loaded from the configured Jitsi server.
// If that server cannot be reached (an intranet without internet), say so and
// point to the chat beside it. Steps down one tap at a time: video -> audio
// only -> chat. Camera starts off, nothing is recorded, no invite or streaming.
(function () {
  "use strict";

  var box = document.getElementById("video");
  if (!box) return;

  var domain = box.getAttribute("data-domain");
  var frame = document.getElementById("video-frame");
  var controls = document.getElementById("video-controls");
  var audioButton = document.getElementById("video-audio");
  var api = null;
  var audioOnly = false;
  var settled = false;

  function show(id, visible) { document.getElementById(id).hidden = !visible; }

  function fail() {
    if (settled) return;
    settled = true;
    show("video-loading", false);
    show("video-failed", true);
  }

  function reachable() {
    if (settled) return;
    if (typeof window.JitsiMeetExternalAPI !== "function") {
      fail();
      return;
    }
    settled = true;
    show("video-loading", false);
    if (box.getAttribute("data-embed") === "1") start();
    else show("video-newtab", true);
  }

  function start() {
    frame.hidden = false;
    show("video-controls", true);
    show("video-hint", true);
    show("video-closed", false);
    var jwt = box.getAttribute("data-jwt");
    api = new window.JitsiMeetExternalAPI(domain, {
      roomName: box.getAttribute("data-room"),
      parentNode: frame,
      width: "100%",
      height: "100%",
      jwt: jwt || undefined,
      lang: document.documentElement.lang || "id",
      userInfo: { displayName: box.getAttribute("data-name") },
      configOverwrite: {
        subject: box.getAttribute("data-subject"),
        startWithVideoMuted: true,
        startWithAudioMuted: false,
        disableDeepLinking: true,
        prejoinConfig: { enabled: false },
        resolution: 240,
        constraints: { video: { height: { ideal: 240, max: 360 } } },
        channelLastN: 2,
        fileRecordingsEnabled: false,
        liveStreamingEnabled: false,
        recordingService: { enabled: false },
        localRecording: { disable: true },
        transcription: { enabled: false },
        disableInviteFunctions: true,
        readOnlyName: true,
        enableEmailInStats: false,
        disableThirdPartyRequests: true,
        analytics: { disabled: true },
        toolbarButtons: ["microphone", "camera", "hangup", "tileview", "settings", "fullscreen"]
      },
      interfaceConfigOverwrite: { MOBILE_APP_PROMO: false, SHOW_CHROME_EXTENSION_BANNER: false }
    });
    api.addListener("readyToClose", stop);
  }

  function stop() {
    if (api) api.dispose();
    api = null;
    audioOnly = false;
    audioButton.textContent = audioButton.getAttribute("data-audio-only");
    frame.hidden = true;
    show("video-controls", false);
    show("video-hint", false);
    show("video-closed", true);
    var input = document.getElementById("chat-body");
    if (input) input.focus();
  }

  audioButton.addEventListener("click", function () {
    if (!api) return;
    audioOnly = !audioOnly;
    api.executeCommand("setAudioOnly", audioOnly);
    audioButton.textContent = audioButton.getAttribute(audioOnly ? "data-video-again"
                                                                  : "data-audio-only");
  });
  document.getElementById("video-stop").addEventListener("click", stop);
  document.getElementById("video-again").addEventListener("click", start);
  document.getElementById("video-to-chat").addEventListener("click", function (event) {
    event.preventDefault();
    var input = document.getElementById("chat-body");
    if (input) input.focus();
  });

  var script = document.createElement("script");
  script.src = "https://" + domain + "/external_api.js";
  script.async = true;
  script.onload = reachable;
  script.onerror = fail;
  setTimeout(fail, parseInt(box.getAttribute("data-probe-seconds"), 10) * 1000);
  document.head.appendChild(script);
})();
