// Removes the map page's first view (dashboard/views/first_view.py), the still picture shown while
// the page loads, once the live map is drawn: unpackShapes (map_shapes.js) calls mapDrawn when it
// hands a map its polygons, which are painted in that frame. The picture also goes when the page
// or view shown is no longer the map (the user moved on first) and, whatever happens, after
// GIVE_UP_MS: it must never hide a live page for long.
// dashboard.server puts this code, and the picture, first in the page's body.
(function () {
  "use strict";
  const GIVE_UP_MS = 60000;
  const picture = document.getElementById("first-view");
  if (picture === null) return;
  let timer = null;
  const remove = () => {
    clearInterval(timer);
    picture.remove();
  };
  const onMap = () => {
    const query = new URLSearchParams(window.location.search);
    return query.get("page") === "map" && !["chart", "table"].includes(query.get("view"));
  };
  const started = performance.now();
  timer = setInterval(() => {
    if (!onMap() || performance.now() - started > GIVE_UP_MS) remove();
  }, 200);
  window.hanoiDashboard = window.hanoiDashboard || {};
  window.hanoiDashboard.mapDrawn = () => requestAnimationFrame(() => requestAnimationFrame(remove));
})();
