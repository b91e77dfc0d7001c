// The download links (dashboard/views/export_buttons.py) ask for the view the page's address
// shows when they are followed: a change drawn in the browser reaches the address at once, and
// the server, which writes the links, a moment later.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const link = event.composedPath().find((node) => node instanceof HTMLAnchorElement && node.dataset.route);
    if (link !== undefined) link.href = link.dataset.route + window.location.search;
  }, true);
})();
