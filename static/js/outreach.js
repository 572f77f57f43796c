// Outreach enhancements: slides one at a time, and copying share messages.
// Without this file the slides stack and snap to the screen, and messages are copied by hand.
(function () {
  "use strict";

  // --- slides ---------------------------------------------------------------------------
  function setUpDeck(deck) {
    var slides = Array.prototype.slice.call(deck.querySelectorAll(".op-slide"));
    if (!slides.length) return;
    var current = 0;
    var startX = null;

    function show(index, focus) {
      current = Math.max(0, Math.min(slides.length - 1, index));
      slides.forEach(function (slide, i) { slide.hidden = i !== current; });
      // A page image of the next slide loads now, so that it is there when the key is pressed.
      var next = slides[current + 1] && slides[current + 1].querySelector("img[loading=lazy]");
      if (next) next.loading = "eager";
      if (slides[current].id) history.replaceState(null, "", "#" + slides[current].id);
      if (focus) deck.focus({ preventScroll: true });
    }

    function fromHash() {
      var match = /^#slide-(\d+)$/.exec(location.hash);
      return match ? parseInt(match[1], 10) - 1 : 0;
    }

    deck.classList.add("op-deck-js");
    deck.querySelector("[data-deck-tools]").hidden = false;
    show(fromHash(), false);

    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      var next = ["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"];
      var previous = ["ArrowLeft", "ArrowUp", "PageUp", "Backspace"];
      if (event.target.closest("a, button") && (event.key === " " || event.key === "Enter")) return;
      if (next.indexOf(event.key) >= 0) show(current + 1);
      else if (previous.indexOf(event.key) >= 0) show(current - 1);
      else if (event.key === "Home") show(0);
      else if (event.key === "End") show(slides.length - 1);
      else return;
      event.preventDefault();
    });

    deck.addEventListener("click", function (event) {
      var link = event.target.closest("a, button");
      if (link && link.hasAttribute("data-slide-next")) { event.preventDefault(); show(current + 1); return; }
      if (link && link.hasAttribute("data-slide-prev")) { event.preventDefault(); show(current - 1); return; }
      if (link) return;
      // A tap on the left third goes back, anywhere else goes on (like a book).
      var box = deck.getBoundingClientRect();
      show(event.clientX - box.left < box.width / 3 ? current - 1 : current + 1);
    });

    deck.addEventListener("touchstart", function (event) {
      startX = event.touches.length === 1 ? event.touches[0].clientX : null;
    }, { passive: true });
    deck.addEventListener("touchend", function (event) {
      if (startX === null) return;
      var moved = event.changedTouches[0].clientX - startX;
      startX = null;
      if (Math.abs(moved) > 50) show(moved < 0 ? current + 1 : current - 1);
    });

    var fullscreen = deck.querySelector("[data-deck-fullscreen]");
    if (!deck.requestFullscreen) {
      fullscreen.hidden = true;
    } else {
      fullscreen.addEventListener("click", function (event) {
        event.stopPropagation();
        if (document.fullscreenElement) document.exitFullscreen();
        else deck.requestFullscreen().then(function () { deck.focus({ preventScroll: true }); });
      });
    }
  }

  // --- copy to clipboard ----------------------------------------------------------------------
  function setUpCopy(button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    var item = button.closest("li");
    var hint = item && item.querySelector(".op-copy-hint");
    if (hint) hint.hidden = true;
    var label = button.textContent;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var status = document.querySelector("[data-copy-status]");
      navigator.clipboard.writeText(source.value).then(function () {
        button.textContent = button.getAttribute("data-copied");
        if (status) status.textContent = button.getAttribute("data-copied");
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function () {
        // Refused (no permission): select the text so the teacher can copy it by hand.
        source.focus();
        source.select();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-deck]").forEach(setUpDeck);
    document.querySelectorAll("[data-copy]").forEach(setUpCopy);
  });
})();
