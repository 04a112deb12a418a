/* phaen: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Submit the fiscal-year and language switches as soon as a value is chosen.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.submit();
    }
  });

  // Ask before destructive actions: <button data-confirm="...">.
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // Tree nodes: keep aria-expanded in step with the loaded children.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest(".tree .toggle") : null;
    if (!toggle) {
      return;
    }
    var children = document.getElementById(toggle.getAttribute("aria-controls"));
    var expanded = toggle.getAttribute("aria-expanded") === "true";
    if (expanded) {
      event.preventDefault();
      event.stopImmediatePropagation();
      children.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      toggle.textContent = "+";
    } else if (children.childElementCount > 0) {
      event.preventDefault();
      event.stopImmediatePropagation();
      children.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      toggle.textContent = "−";
    } else {
      toggle.setAttribute("aria-expanded", "true");
      toggle.textContent = "−";
      children.hidden = false;
    }
  }, true);

  // Hide the no-JavaScript submit buttons of auto-submitting forms.
  document.querySelectorAll("[data-nojs]").forEach(function (element) {
    element.hidden = true;
  });
})();
