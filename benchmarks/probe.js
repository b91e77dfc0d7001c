// In-page timing probe for benchmarks/browser.py, installed before any page script runs.
//
// Every animation frame it evaluates the "watchers" the bench has set (functions returning a
// string: a fingerprint of the map's data, the text of the district card, ...) and logs the
// time whenever one of them changes. The frame's callbacks run just before it is painted, so
// "the map changed at t" means "the new map is on screen from about t". Times share the
// page's clock (performance.now(), zero at navigation start), as do event.timeStamp values,
// so an action's event and the repaint it causes are compared without any round trip.
(() => {
  const probe = {
    t0: null,          // timeStamp of the user's action (pointerdown, keydown or change)
    log: [],           // [watcher name, frame time, value if short] per change
    watchers: {},      // name -> () => string
    last: {},          // name -> last value seen
    docChanges: 0,     // Bokeh document change events received so far
    drawnSpec: null,   // list of column sets: the page is "rendered" when each is drawn
    firstDrawn: null,  // frame time the page was first rendered
    firstView: null,   // paint time of the map page's still first view: its map and its ranking
  };
  window.__bench = probe;

  // The map page's first view (dashboard/views/first_view.py) is two images carrying
  // `elementtiming` names: the Element Timing API reports when each was painted.
  const painted = {};
  if (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes.includes('element')) {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) painted[entry.identifier] = entry.renderTime || entry.loadTime;
      const [map, ranking] = [painted['first-view-map'], painted['first-view-ranking']];
      if (probe.firstView === null && map !== undefined && ranking !== undefined) probe.firstView = Math.max(map, ranking);
    }).observe({type: 'element', buffered: true});
  }

  const get = (data, k) => (data instanceof Map ? data.get(k) : data[k]);
  const columns = (data) => (data instanceof Map ? [...data.keys()] : Object.keys(data));
  // Polygon coordinates are large and never the thing that changes on a recolour.
  const GEOMETRY = new Set(['xs', 'ys']);

  // Every shadow root the page attaches, recorded as it is made (this script runs before any
  // page script): the watchers search them directly, instead of walking every element of the
  // page for its shadow root in every frame, which on a page of many panes cost the page more
  // main-thread time than the changes being timed.
  const shadowRoots = [];
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (...args) {
    const root = attachShadow.apply(this, args);
    shadowRoots.push(root);
    return root;
  };
  // Every element matching `selector`, inside shadow roots too (Panel renders into them).
  probe.deepAll = (selector) => {
    const out = [...document.querySelectorAll(selector)];
    for (const root of shadowRoots) {
      if (root.host.isConnected) out.push(...root.querySelectorAll(selector));
    }
    return out;
  };
  const HIDDEN = new Set(['STYLE', 'SCRIPT', 'TEMPLATE']);
  const deepText = (node) => {
    let text = node.shadowRoot ? deepText(node.shadowRoot) : '';
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += child.textContent;
      else if (!HIDDEN.has(child.tagName)) text += deepText(child);
    }
    return text;
  };
  probe.text = (selector) => probe.deepAll(selector).map(deepText).join(' | ').replace(/\s+/g, ' ').trim();

  // Rendered glyph views whose data source has every `markers` column.
  probe.renderers = (markers) => {
    if (!window.Bokeh || !Bokeh.index) return [];
    const out = [];
    for (const view of Bokeh.index.all_views()) {
      if (view.model.type !== 'GlyphRenderer') continue;
      const data = view.model.data_source.data;
      // A map drawn once per administrative map: only the one shown counts.
      if (view.model.visible && markers.every((k) => get(data, k) !== undefined)) out.push(view);
    }
    return out;
  };
  probe.drawn = (spec) => spec.every((markers) => probe.renderers(markers).some((view) => {
    const plot = view.parent;
    const rows = get(view.model.data_source.data, markers[0]);
    // A map is drawn once it has polygons: the dashboard's page fetches them after its document.
    const shapes = view.model.glyph.type !== 'MultiPolygons' ||
      Array.from(view.glyph.xs || []).some((unit) => unit.some((polygon) => polygon[0].length > 1));
    return rows && rows.length > 0 && shapes && (!plot || !plot.has_finished || plot.has_finished());
  }));
  // What the viewer sees of a glyph: its non-geometry columns, its colour spec and its selection.
  probe.fingerprint = (markers) => probe.renderers(markers).map((view) => {
    const source = view.model.data_source;
    const parts = [];
    for (const k of columns(source.data).sort()) {
      if (!GEOMETRY.has(k)) parts.push(k, Array.from(get(source.data, k)).join(','));
    }
    const glyph = view.model.glyph;
    for (const attr of ['fill_color', 'line_color', 'line_width']) {
      const spec = glyph[attr];  // a value, or {field, transform: a colour mapper model}
      if (spec === undefined || spec === null || typeof spec !== 'object') {
        parts.push(attr, String(spec));
        continue;
      }
      const mapper = spec.transform;
      parts.push(attr, String(spec.field ?? spec.value ?? ''),
        mapper ? [mapper.low, mapper.high, mapper.palette ? mapper.palette.join(',') : ''].join(';') : '');
    }
    parts.push('selected', Array.from(source.selected.indices).join(','));
    return parts.join('|');
  }).join('||');
  // Whether an element is laid out on screen: a page kept in the document but hidden is not.
  const shown = (el) => (el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0);
  probe.shownCount = (selector) => probe.deepAll(selector).filter(shown).length;
  // How many plots drawing glyphs with all `markers` columns are on screen and drawn: '0' while
  // their page is hidden. A page seen before stays in the document, hidden, and its data does
  // not change when it is shown again: this is what does. The plots are found once, not in
  // every frame (a walk of the view tree per frame slowed the page being timed), and again
  // only when one of them has left the document.
  const plotViews = new Map();
  probe.shownPlots = (markers) => {
    const key = markers.join(',');
    let plots = plotViews.get(key);
    if (!plots || !plots.length || plots.some((plot) => !plot.el.isConnected)) {
      plots = [...new Set(probe.renderers(markers).map((view) => view.parent).filter((plot) => plot && plot.el))];
      plotViews.set(key, plots);
    }
    return String(plots.filter((plot) => shown(plot.el) && (!plot.has_finished || plot.has_finished())).length);
  };
  // Watchers read from the document's own list of models, not from the DOM or the view tree:
  // walking either in every frame cost a page of many panes more main-thread time than the
  // change being timed. Bokeh applies a model change to the DOM in the same task (HTML text)
  // or paints it in the next animation frame (plots).
  const docModels = () => (window.Bokeh && Bokeh.documents && Bokeh.documents.length
    ? [...Bokeh.documents[0].all_models] : []);
  // Column data objects numbered as first seen: the server replaces a source's data as a whole.
  const dataNumbers = new WeakMap();
  let dataCount = 0;
  const dataNumber = (data) => {
    if (!dataNumbers.has(data)) dataNumbers.set(data, ++dataCount);
    return dataNumbers.get(data);
  };
  // Which data every source with all `markers` columns holds.
  probe.sourcesFingerprint = (markers) => docModels()
    .filter((model) => model.type === 'ColumnDataSource' && markers.every((k) => get(model.data, k) !== undefined))
    .map((source) => `${source.id}:${dataNumber(source.data)}`).sort().join(',');
  // The HTML text of every model whose text contains `marker` (e.g. a CSS class it draws).
  probe.modelText = (marker) => docModels()
    .filter((model) => typeof model.text === 'string' && model.text.includes(marker))
    .map((model) => `${model.id}:${model.text}`).sort().join('|');

  // A glyph's polygons: its `xs`/`ys` columns, or, for shapes unpacked in the browser
  // (dashboard/views/packed_shapes.py), what the glyph's transform makes of its rows.
  probe.shapes = (view, axis) => {
    const data = view.model.data_source.data;
    if (get(data, axis) !== undefined) return get(data, axis);
    const spec = view.model.glyph[axis];
    return spec.transform.v_compute(Array.from(get(data, spec.field)));
  };
  // A point inside the polygon of the row whose `column` contains `name`, in screen pixels.
  probe.screenPoint = (markers, name) => {
    for (const view of probe.renderers(markers)) {
      const data = view.model.data_source.data;
      const row = columns(data).map((k) => Array.from(get(data, k)))
        .map((values) => values.findIndex((v) => typeof v === 'string' && v.includes(name)))
        .find((i) => i >= 0);
      if (row === undefined) continue;
      const flat = (a) => (Array.isArray(a) || ArrayBuffer.isView(a)
        ? Array.from(a).flatMap(flat) : [a]);
      const xs = flat(probe.shapes(view, 'xs')[row]), ys = flat(probe.shapes(view, 'ys')[row]);
      const ring = xs.map((x, i) => [x, ys[i]]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
      const inside = ([px, py]) => {  // even-odd rule over every ring, good enough for a probe
        let hit = false;
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const [xi, yi] = ring[i], [xj, yj] = ring[j];
          if ((yi > py) !== (yj > py) && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) hit = !hit;
        }
        return hit;
      };
      const [x0, x1] = [Math.min(...ring.map((p) => p[0])), Math.max(...ring.map((p) => p[0]))];
      const [y0, y1] = [Math.min(...ring.map((p) => p[1])), Math.max(...ring.map((p) => p[1]))];
      // The grid point inside the polygon farthest from its vertices: clear of the borders.
      let best = null, bestDistance = -1;
      for (let i = 1; i < 24; i++) {
        for (let j = 1; j < 24; j++) {
          const p = [x0 + ((x1 - x0) * i) / 24, y0 + ((y1 - y0) * j) / 24];
          if (!inside(p)) continue;
          const d = Math.min(...ring.map(([x, y]) => (x - p[0]) ** 2 + (y - p[1]) ** 2));
          if (d > bestDistance) [best, bestDistance] = [p, d];
        }
      }
      if (!best) continue;
      const plot = view.parent;
      plot.el.scrollIntoView({block: 'center'});
      const rect = plot.canvas_view.el.getBoundingClientRect();
      return [rect.left + plot.frame.x_scale.compute(best[0]), rect.top + plot.frame.y_scale.compute(best[1])];
    }
    return null;
  };

  // Start a measurement: forget the log, take the current values as the baseline.
  probe.arm = (watchers) => {
    probe.watchers = watchers;
    probe.t0 = null;
    probe.log = [];
    probe.last = {};
    for (const [name, fn] of Object.entries(watchers)) probe.last[name] = safe(fn);
  };
  // The next event of `type` reaching the window (capture phase) or `element` is the action.
  probe.onAction = (type, element) => {
    (element || window).addEventListener(type, (event) => { probe.t0 = event.timeStamp; },
      {capture: true, once: true});
  };
  const safe = (fn) => { try { return String(fn()); } catch (e) { return 'error: ' + e; } };

  const frame = () => {
    // Not the frame's start time: an event handled early in this frame may be stamped after it.
    const now = performance.now();
    if (window.Bokeh && Bokeh.documents && Bokeh.documents.length && !probe.hooked) {
      Bokeh.documents[0].on_change(() => { probe.docChanges += 1; }, true);
      probe.hooked = true;
    }
    if (probe.drawnSpec && probe.firstDrawn === null && probe.drawn(probe.drawnSpec)) probe.firstDrawn = now;
    for (const [name, fn] of Object.entries(probe.watchers)) {
      const value = safe(fn);
      if (value !== probe.last[name]) {
        probe.last[name] = value;
        probe.log.push([name, now, value.length < 2000 ? value : '']);
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
