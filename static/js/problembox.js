// Problem box enhancements; every form also works with scripts off.
(function () {
  "use strict";

  function updateCounter(counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) return;
    var max = parseInt(field.getAttribute("maxlength"), 10);
    counter.textContent = field.value.length + " / " + max;
    counter.classList.toggle("pb-counter-full", field.value.length >= max);
    counter.hidden = false;
  }

  function initCounters(root) {
    root.querySelectorAll("[data-counter-for]").forEach(updateCounter);
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (navigator.clipboard) button.hidden = false;
    });
  }

  document.addEventListener("input", function (event) {
    var id = event.target.id;
    if (!id) return;
    document.querySelectorAll('[data-counter-for="' + id + '"]').forEach(updateCounter);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-template-body]");
    if (link) {
      var field = document.getElementById(link.getAttribute("data-template-target"));
      if (field) {
        event.preventDefault();
        field.value = link.getAttribute("data-template-body");
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.focus();
      }
      return;
    }
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (button) {
      var code = document.getElementById(button.getAttribute("data-copy")).textContent.trim();
      navigator.clipboard.writeText(code).then(function () {
        button.textContent = button.getAttribute("data-copied");
      });
    }
  });

  // Form errors (400) and rate limits (429) come back as the form with its message:
  // swap them in instead of dropping them as htmx does with 4xx by default.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 400 || status === 429) && event.detail.target.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) { initCounters(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { initCounters(document); });
})();
