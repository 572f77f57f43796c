// Booking: show the crisis contacts as soon as a student answers "yes" to the
// safety question. Without scripts the contacts appear after sending instead.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-crisis-question")) return;
    var contacts = document.querySelector("[data-crisis-contacts]");
    if (contacts) contacts.hidden = input.value !== "yes";
  });
})();
