// The map page's browser callbacks: a tap on the map or a bar, a period or an indicator picked,
// drawn at once from the frames the server sent (dashboard/views/period_frames.py), which then
// follows what the page reports. One CustomJS model per page calls `hanoiDashboard.pageCallback`
// with the page's models (`PeriodFrames.shared`); the widgets' own callbacks call that model.
// Served by the launcher, this file is linked once by every page; in a notebook or an exported
// page, the CustomJS model carries it.
window.hanoiDashboard = window.hanoiDashboard || {};

window.hanoiDashboard.pageCallback = function (models, cb_obj, cb_data) {
  const {holder, near, maps, card, bars, bars_range, x_range, ranking, target_line, city_line, gap_lines, selected_line} = models;
  function escapeHtml(text) {
    return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
  }
  function cardHtml(h, f) {
    if (!f) return h.hint;
    let s = '<div class="card-title">' + escapeHtml(f.name) + '</div>' + h.indicator
      + '<div class="card-value">' + escapeHtml(f.value_label)
      + (f.ratio ? ' <span class="card-ratio">(' + f.ratio + ')</span>' : '') + '</div>';
    if (f.rank_label) {
      s += '<div class="card-rank" data-rank="' + f.rank + '">' + h.rank_word + ': ' + escapeHtml(f.rank_label)
        + '</div>';
      if (f.verdict)
        s += '<div class="card-target ' + f.verdict_css + '">' + h.target + '<b>' + f.verdict + '</b></div>';
      s += '<div class="card-status">' + h.status_word + ': ' + escapeHtml(f.status_label) + '</div>';
    }
    return '<div class="district-card">' + s + '</div>';
  }

  function entryOf(dict, key) {  // a dict of models arrives as a Map or a plain object
    return dict instanceof Map ? dict.get(key) : dict[key];
  }
  function framesOf(holder) {
    // The frames (`holder.data.zip`) or the neighbour frames, which a served page fetches from the
    // URL in `near.tags` (the browser keeps them) and other pages hold in `near.data.near`.
    const url = holder === near && near.tags.length ? near.tags[0] : undefined;
    const bytes = url !== undefined ? url : holder.data.zip !== undefined ? holder.data.zip : holder.data.near;
    if (!bytes || !bytes.length) return null;
    const cache = holder._frames;
    if (cache !== undefined && cache.bytes === bytes) return cache.value;  // null while inflating
    holder._frames = {bytes: bytes, value: null};
    const packed = url === undefined ? Promise.resolve(new Blob([bytes])) : fetch(url, {credentials: 'same-origin'})
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.status === 204 ? null : response.blob();  // 204: frames of other data, none
      });
    packed.then((blob) => blob && new Response(blob.stream().pipeThrough(new DecompressionStream('deflate'))).text())
      .then((text) => { if (text && holder._frames.bytes === bytes) holder._frames.value = JSON.parse(text); })
      .catch((error) => console.error(`frames ${url || ''}: ${error.message}`));  // the server draws those changes
    return null;
  }
  function currentFrames(holder) {
    const F = framesOf(holder);
    return F !== null && F.key === holder.tags[1] ? F : null;  // frames of what the server shows
  }
  function frameColumns(F, frame) {
    const columns = {value: frame.value.map((v) => v === null ? NaN : v)};
    for (const [name, ids] of Object.entries(frame.map)) columns[name] = ids.map((i) => F.strings[i]);
    return columns;
  }
  function headerOf(F, frame) {
    const header = {};
    for (const [name, i] of Object.entries(frame.header)) header[name] = F.strings[i];
    return header;
  }
  function cardOf(F, frame, columns, code) {
    const row = F.codes.indexOf(code);
    if (row < 0) return cardHtml(headerOf(F, frame), null);
    const fields = {name: columns.name[row], value_label: columns.value_label[row], ratio: columns.ratio[row],
                    status_label: columns.status_label[row], rank: frame.rank[row]};
    for (const [name, ids] of Object.entries(frame.card)) fields[name] = F.strings[ids[row]];
    return cardHtml(headerOf(F, frame), fields);
  }
  function cutOf(frame, row) {
    // The ranking's bars with the unit of map row `row` selected, as ranking_cut gave them.
    const pick = row >= 0 && frame.picks ? frame.picks[row] : undefined;
    const cut = {bars: frame.bars, length: frame.length, gaps: frame.gaps, x: frame.x, height: frame.height};
    if (pick === undefined) return cut;
    if (pick.bars) {
      cut.bars = pick.bars;
      cut.length = pick.length;
    } else {
      cut.bars = frame.bars.slice();
      cut.length = frame.length.slice();
      for (const [at, k, length] of pick.add) {
        cut.bars.splice(at, 0, k);
        cut.length.splice(at, 0, length);
      }
    }
    cut.gaps = pick.gaps;
    if (pick.x) cut.x = pick.x;
    if (pick.height) cut.height = pick.height;
    return cut;
  }
  function drawRanking(F, frame, columns, picked) {
    // The ranking: bars in drawing order (cut around the selected unit), the selected one outlined.
    const cut = cutOf(frame, F.codes.indexOf(picked));
    const order = cut.bars;
    const bar = (name) => order.map((k) => columns[name][k]);
    const barCodes = order.map((k) => F.codes[k]);
    const names = bar('name');
    const factors = bars_range.factors;
    if (factors.length !== names.length || names.some((n, i) => n !== factors[i])) bars_range.factors = names;
    bars.data = {
      name: names, length: cut.length.map((v) => v === null ? NaN : v), value_label: bar('value_label'),
      ratio: bar('ratio'), status_label: bar('status_label'), color: bar('color'),
      line: barCodes.map((c) => c === picked ? selected_line : 'white'),
      width: barCodes.map((c) => c === picked ? 3 : 0.5), code: barCodes,
    };
    if (bars.selected.indices.length) bars.selected.indices = [];
    x_range.setv({start: cut.x[0], end: cut.x[1]});
    target_line.setv({visible: frame.target !== null, location: frame.target === null ? 0 : frame.target});
    city_line.setv({visible: frame.city !== null, location: frame.city === null ? 0 : frame.city});
    if (ranking.height !== cut.height) ranking.height = cut.height;
    gap_lines.forEach((span, i) => {
      const shown = i < cut.gaps.length;
      span.setv({visible: shown, location: shown ? cut.gaps[i] : 0});
    });
  }
  function showHtml(div, text, tell_server) {
    // A Div's change event lays out the whole page again (Bokeh's LayoutDOMView.invalidate_layout
    // starts at the root: about 10 ms here for each Div), yet only the Div's own content changes.
    // So the text is set without that event and each view of the Div redraws just its content.
    // With `tell_server` the server's copy follows (it then has nothing to send back); the card's
    // does not: the server leaves the card alone while the browser draws it, and draws any later one.
    if (div.text === text) return;
    const views = [...Bokeh.index.all_views()].filter((view) => view.model === div);
    if (!views.length) {
      div.text = text;
      return;
    }
    div.setv({text: text}, tell_server ? {no_change: true} : {silent: true});
    for (const view of views) {
      view.render();
      view.r_after_render();
    }
  }
  function drawFrame(F, frame, map, period, indicator) {
    // Map, ranking, legend, note, card and URL, from one frame (of `indicator`, when it changes).
    const columns = frameColumns(F, frame);
    // The map: only the cells that changed, as a patch (the polygons never move).
    const patches = {};
    for (const [name, values] of Object.entries(columns)) {
      const old = map.data[name];
      const cells = [];
      values.forEach((v, i) => {
        if (v !== old[i] && !(Number.isNaN(v) && Number.isNaN(old[i]))) cells.push([i, v]);
      });
      if (cells.length) patches[name] = cells;
    }
    if (Object.keys(patches).length) map.patch(patches);
    const picked = map.selected.indices.length ? F.codes[map.selected.indices[0]] : '';
    drawRanking(F, frame, columns, picked);
    // Bokeh Divs (handed over by the widget's callback), which hold their HTML as it is.
    showHtml(cb_data.legend, F.strings[frame.legend], true);
    showHtml(cb_data.note, F.strings[frame.note], true);
    showHtml(card, cardOf(F, frame, columns, picked), false);
    const url = new URL(window.location.href);
    if (indicator) url.searchParams.set('indicator', indicator);
    url.searchParams.set('year', period);
    window.history.replaceState(window.history.state, '', url.toString());
  }
  function sameBars(F, frame, code) {
    // True when the bars shown are those of the cut with `code` selected: only the outline moves.
    const order = cutOf(frame, F.codes.indexOf(code)).bars, shown = bars.data.code;
    return order.length === shown.length && order.every((k, i) => F.codes[k] === shown[i]);
  }
  function outlineBars(bars, code, selected_line) {
    const patches = {line: [], width: []};
    bars.data.code.forEach((c, i) => {
      const line = c === code ? selected_line : 'white', width = c === code ? 3 : 0.5;
      if (bars.data.line[i] !== line) patches.line.push([i, line]);
      if (bars.data.width[i] !== width) patches.width.push([i, width]);
    });
    if (patches.line.length || patches.width.length) bars.patch(patches);
  }

  function pickPeriod(period) {
    // The frame of the period picked in a period widget: map, ranking, legend, note, card and URL;
    // then the period is reported, and the server's state follows. Without frames (not yet arrived,
    // or another map's period) it is only reported, and the server draws the period itself.
    if (holder.tags[0] === period) return;  // the server's echo of a change made here
    try {
      const F = currentFrames(holder);
      const frame = F === null ? undefined : F.frames[period];
      const map = F === null ? undefined : entryOf(maps, F.map_id);  // the source of the frames' map
      if (frame !== undefined && map !== undefined && map.data.code.length === F.codes.length)
        drawFrame(F, frame, map, period, '');
    } finally {
      holder.tags = [period, holder.tags[1]];
    }
  }
  function pickIndicator(indicator) {
    // The frame of an indicator picked in the indicator select, from the neighbour frames
    // (`neighbour_set`); then [period drawn, key of its frames, indicator] is reported, and the
    // server's state follows. Without a neighbour frame it is only reported, and the server draws.
    const [period, key] = holder.tags, parts = key.split('|');  // version|indicator|map|lang|gap
    if (indicator === parts[1]) return;  // the server's echo, or no change
    const N = framesOf(near);
    let report = [period, key, indicator];
    try {
      const frame = N === null ? undefined : N.frames[indicator];
      const map = N === null ? undefined : entryOf(maps, N.map_id);
      if (frame !== undefined && map !== undefined && map.data.code.length === N.codes.length
          && N.key === [parts[0], parts[2], parts[3], parts[4], period].join('|')) {
        drawFrame(N, frame, map, String(frame.period), indicator);
        // The frames of the indicator left no longer apply; those of the new one follow from the server.
        report = [String(frame.period), frame.key, indicator];
      }
    } finally {
      holder.tags = report;
    }
  }
  function showTapped(source, clears) {
    // A tap on the map or a bar: its card and its bar, drawn in the browser at once. With `clears`
    // (the map) an empty selection shows the hint; a bar tapped selects its unit on the map too.
    const picked = source.selected.indices;
    if (!picked.length && !clears) return;
    const code = picked.length ? source.data.code[picked[0]] : '';
    const F = currentFrames(holder);
    const frame = F === null ? undefined : F.frames[holder.tags[0]];
    const map = F === null ? undefined : entryOf(maps, F.map_id);
    if (frame === undefined || map === undefined) return;  // the server draws it
    if (source !== map) {
      const row = F.codes.indexOf(code);
      if (row >= 0 && !(map.selected.indices.length === 1 && map.selected.indices[0] === row))
        map.selected.indices = [row];
    }
    const columns = frameColumns(F, frame);
    const text = cardOf(F, frame, columns, code);
    showHtml(card, text, false);
    // A unit the cut ranking leaves out joins it (between dashed gap lines); otherwise only the outline moves.
    if (sameBars(F, frame, code)) outlineBars(bars, code, selected_line);
    else drawRanking(F, frame, columns, code);
  }
  const sources = maps instanceof Map ? [...maps.values()] : Object.values(maps);
  const tapped = cb_obj === bars.selected ? bars : sources.find((source) => source.selected === cb_obj);
  if (cb_obj === holder || cb_obj === near) framesOf(cb_obj);  // arrived: inflated before the next click
  else if (tapped !== undefined) showTapped(tapped, tapped !== bars);
  else if (cb_obj.value !== undefined) {  // the period select (a year) or the indicator select (an id)
    const value = String(cb_obj.value);
    if (/^[0-9]+$/.test(value)) pickPeriod(value);
    else pickIndicator(value);
  }
};
