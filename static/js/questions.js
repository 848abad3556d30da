/* Questions and feedback: small enhancements; every page works without this file. */
(function () {
  "use strict";

  // Move keyboard and screen-reader focus to the first message that explains what went wrong.
  var notice = document.querySelector("[data-autofocus], #error-summary");
  if (notice) {
    notice.focus();
  }

  // Offer a Print button on the receipt page (the page also says how to print without it).
  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  // A character counter under each long text box; announced politely once typing pauses.
  var boxes = document.querySelectorAll("textarea[maxlength]");
  Array.prototype.forEach.call(boxes, function (box) {
    var limit = parseInt(box.getAttribute("maxlength"), 10);
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.id = box.id + "-count";
    counter.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", counter);
    var timer = null;
    function update() {
      var left = limit - box.value.length;
      counter.textContent = left + " of " + limit.toLocaleString("en-US") + " characters left";
      counter.classList.toggle("near-limit", left < limit / 10);
    }
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 700);
    });
    update();
  });
})();
