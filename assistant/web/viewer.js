// The highlight view: bring the first highlighted line of the page into view. Everything else on
// the page is server-rendered HTML and SVG, so it reads the same without this script.
(function () {
  "use strict";
  const first = document.querySelector("svg.page .highlight");
  if (first) first.scrollIntoView({ block: "center" });
})();
