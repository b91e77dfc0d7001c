// Opens the page's Bokeh websocket as soon as the page starts, while its scripts still load, so
// that the server builds the session meanwhile instead of after them (about 0.3 s of every first
// render). BokehJS later asks for a websocket with the same URL and token: it is handed this one,
// with the events it had received, in order. Any other websocket is the browser's own.
// dashboard.server puts this function, called with the page's session token, first in the page.
(function (token) {
  "use strict";
  const Native = window.WebSocket;
  if (typeof Native !== "function" || window.frameElement !== null) return;  // in a frame Bokeh may use another URL
  // The URL BokehJS opens (Bokeh.embed's _get_ws_url and ClientConnection): this path, /ws, this query.
  const url = (window.location.protocol === "https:" ? "wss:" : "ws:") + "//" + window.location.host
    + window.location.pathname.replace(/\/+$/, "") + "/ws"
    + (window.location.search.length > 1 ? window.location.search : "");
  let early;
  try {
    early = new Native(url, ["bokeh", token]);
  } catch (error) {
    return;
  }
  early.binaryType = "arraybuffer";
  const received = [];
  let opened = false, closed = null;
  early.onopen = () => { opened = true; };
  early.onmessage = (event) => received.push(event);
  early.onclose = (event) => { closed = event; };

  function handOver(socket) {
    // BokehJS sets onopen, onmessage, onclose and onerror, in that order: each handler first gets
    // what already happened, in the order it happened, then the socket's own events.
    const later = (run) => setTimeout(run, 0);
    const handler = (name, set) => Object.defineProperty(socket, name, {
      configurable: true,
      set(value) {
        delete socket[name];
        set(value);
      },
    });
    handler("onopen", (onopen) => {
      if (socket.readyState === Native.CONNECTING) socket.onopen = onopen;
      else if (opened) later(() => onopen(new Event("open")));
    });
    handler("onmessage", (onmessage) => later(() => {
      received.splice(0).forEach((event) => onmessage(event));
      socket.onmessage = onmessage;
    }));
    handler("onclose", (onclose) => later(() => {
      if (closed !== null) onclose(closed);
      else socket.onclose = onclose;
    }));
    return socket;
  }

  function AdoptingWebSocket(socketUrl, protocols) {
    const same = socketUrl === url && Array.isArray(protocols) && protocols.length === 2
      && protocols[0] === "bokeh" && protocols[1] === token;
    if (early !== null && same) {
      const socket = early;
      early = null;
      window.WebSocket = Native;
      return handOver(socket);
    }
    if (early !== null && Array.isArray(protocols) && protocols[1] === token) {
      early.close();  // BokehJS chose another URL: the session is its socket's
      early = null;
      window.WebSocket = Native;
    }
    return new Native(socketUrl, protocols);
  }
  AdoptingWebSocket.prototype = Native.prototype;
  for (const state of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) AdoptingWebSocket[state] = Native[state];
  window.WebSocket = AdoptingWebSocket;
})
