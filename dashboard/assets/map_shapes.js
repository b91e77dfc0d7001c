// Rebuilds a map's xs or ys ([unit][polygon][ring] -> coordinates) from the flat arrays of its
// shapes (dashboard/views/packed_shapes.py). Element by element: Bokeh's array class does not slice
// with `subarray`.
//
// With a `url`, the arrays are not in the document: the first call asks for the file (one request
// per map and page, shared by both axes and every glyph of the renderer), draws nothing meanwhile
// (but frames the map), and once the file is read keeps its arrays in these same models, without
// sending them anywhere, and redraws `source`'s renderer. A failed request is reported in the
// console and draws nothing. Both axes' CustomJSTransforms call this one function.
window.hanoiDashboard = window.hanoiDashboard || {};

window.hanoiDashboard.unpackShapes = function (shapes, counts, polygons, units, url, magic, extent, source, axis, xs) {
  "use strict";
  const column = (model, name) => (model.data instanceof Map ? model.data.get(name) : model.data[name]);
  if (url !== "" && column(shapes, axis).length === 0) {
    if (shapes.__shapes_request === undefined) {
      const keep = (model, name, values) => {
        if (model.data instanceof Map) model.data.set(name, values); else model.data[name] = values;
      };
      shapes.__shapes_request = fetch(url, {credentials: "same-origin"})
        .then((response) => {
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return response.arrayBuffer();
        })
        .then((buffer) => {
          if (buffer.byteLength < 20 || new TextDecoder().decode(new Uint8Array(buffer, 0, 4)) !== magic)
            throw new Error("not a map shapes file");
          const view = new DataView(buffer);
          const [n_units, n_polygons, n_rings, n_points] = [4, 8, 12, 16].map((at) => view.getUint32(at, true));
          if (buffer.byteLength !== 20 + 4 * (n_units + n_polygons + n_rings) + 4 * n_points)
            throw new Error("truncated map shapes file");
          let offset = 20;
          const take = (Type, n) => {
            const values = new Type(buffer, offset, n);
            offset += n * Type.BYTES_PER_ELEMENT;
            return values;
          };
          keep(units, "polygons_per_unit", take(Int32Array, n_units));
          keep(polygons, "rings_per_polygon", take(Int32Array, n_polygons));
          keep(counts, "ring_length", take(Int32Array, n_rings));
          const x = take(Int16Array, n_points), y = take(Int16Array, n_points);
          keep(shapes, "x", x);
          keep(shapes, "y", y);
          source.change.emit();
        })
        .catch((error) => console.error(`map shapes ${url}: ${error.message}`));
    }
    // Meanwhile two one-point polygons at opposite corners of the map, which show nothing and answer
    // no tap, frame the figure where the map will be drawn.
    const waiting = Array.from(xs, () => []);
    if (waiting.length > 0) {
      const [low, high] = axis === "x" ? [extent[0], extent[2]] : [extent[1], extent[3]];
      waiting[0].push([Float64Array.of(low)]);
      waiting[waiting.length - 1].push([Float64Array.of(high)]);
    }
    return waiting;
  }
  const coords = column(shapes, axis);
  const ring_length = column(counts, "ring_length"), rings_per_polygon = column(polygons, "rings_per_polygon");
  const polygons_per_unit = column(units, "polygons_per_unit");
  let ring = 0, polygon = 0, offset = 0;
  const unpacked = [];
  for (let unit = 0; unit < polygons_per_unit.length; unit++) {
    const parts = [];
    for (let k = 0; k < polygons_per_unit[unit]; k++, polygon++) {
      const rings = [];
      for (let j = 0; j < rings_per_polygon[polygon]; j++, ring++) {
        const n = ring_length[ring];
        const points = new Float64Array(n);
        for (let i = 0; i < n; i++) points[i] = coords[offset + i];
        offset += n;
        rings.push(points);
      }
      parts.push(rings);
    }
    unpacked.push(parts);
  }
  // The page's still first view (first_view.js), if any, gives way to the live map.
  if (unpacked.length > 0 && window.hanoiDashboard.mapDrawn !== undefined) window.hanoiDashboard.mapDrawn();
  return unpacked;
};
