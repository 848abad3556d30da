/* Draw the plotly charts on a page, only once each comes near the screen.
 * Every chart sits above a table with the same numbers, so the page is complete without this
 * script: it paints and works first, and the 1 MB chart library arrives only when needed. */
(function () {
  "use strict";
  var charts = document.querySelectorAll("[data-chart]");
  var library = document.querySelector("meta[name='chart-library']");
  if (!charts.length || !library || !("IntersectionObserver" in window)) {
    return;
  }
  var loading = null;

  function loadLibrary() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = library.content;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function draw(chart) {
    var spec = JSON.parse(chart.querySelector("script[type='application/json']").textContent);
    var canvas = chart.querySelector(".chart-canvas");
    loadLibrary().then(function () {
      var config = { displayModeBar: false, responsive: true, staticPlot: false };
      return window.Plotly.newPlot(canvas, spec.data, spec.layout, config);
    }).then(function () {
      chart.classList.add("chart-drawn");
      // The drawing is a picture of the table below it: keep screen readers on the table.
      canvas.querySelectorAll("svg").forEach(function (svg) {
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("focusable", "false");
      });
    }).catch(function () {
      chart.classList.add("chart-failed");
    });
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        draw(entry.target);
      }
    });
  }, { rootMargin: "200px 0px" });
  charts.forEach(function (chart) { observer.observe(chart); });
})();
