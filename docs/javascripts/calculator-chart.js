/*
 * 估算待遇, part 2 of 5: the line chart (one line per region, told apart by colour and by dash
 * pattern, with a legend and a data table). It draws the points Python computed; it computes none.
 */
(function () {
  "use strict";

  const ns = (window.ShebaoCalc = window.ShebaoCalc || {});
  const { el, svg, numberFormat, known } = ns.dom;
  // Line styles tell the regions apart without colour too (colours themselves are in the CSS).
  const REGION_DASHES = ["", "7 4", "2 3", "9 3 2 3", "1 3", "12 4", "4 2"];
  const SERIES_STYLES = REGION_DASHES.length;

  /* Round tick steps (1, 2, 2.5 or 5 times a power of ten), so axes read 0, 50,000, 100,000 … */
  function tickStep(span, count) {
    const rough = span / count || 1;
    const power = 10 ** Math.floor(Math.log10(rough));
    const step = [1, 2, 2.5, 5, 10].find((factor) => factor * power >= rough) * power;
    return step;
  }

  /* A small line chart: one line per region (colour and dash pattern), a legend, a data table. */
  function lineChart(title, series, unit, xLabel) {
    const available = availableWidth || 640;
    const width = Math.max(320, Math.min(720, available));
    const height = Math.round(width < 480 ? width * 0.75 : width * 0.5);
    const margin = { left: 64, right: 14, top: 30, bottom: 46 };
    const lines = Object.entries(series)
      .map(([regionId, points]) => [regionId, points.filter((point) => known(point.y))])
      .filter(([, points]) => points.length >= 2);
    const skipped = Object.keys(series).filter((regionId) => !lines.some(([id]) => id === regionId));
    if (!lines.length) return null;
    const xs = lines.flatMap(([, points]) => points.map((p) => p.x));
    const ys = lines.flatMap(([, points]) => points.map((p) => p.y));
    const ticks = width < 480 ? 3 : 4;
    const xMax = Math.max(...xs);
    const xMin = Math.min(...xs);
    const yStep = tickStep(Math.max(...ys), ticks);
    const yMax = Math.ceil(Math.max(...ys) / yStep) * yStep || 1;
    const xStep = tickStep(xMax - xMin, ticks);
    const sx = (x) => margin.left + ((x - xMin) / (xMax - xMin || 1)) * (width - margin.left - margin.right);
    const sy = (y) => height - margin.bottom - (y / yMax) * (height - margin.top - margin.bottom);
    const description =
      title + "。" +
      lines.map(([id, points]) => regionNames.get(id) + "从" + numberFormat.format(points[0].y) + unit + "到" + numberFormat.format(points[points.length - 1].y) + unit).join("；");
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, class: "calc-chart", role: "img", "aria-label": description });
    chart.append(svg("title", { text: description }));
    chart.append(svg("text", { x: margin.left, y: 13, "text-anchor": "start", class: "calc-axis-label", text: "（" + unit + "）" }));
    for (let y = 0; y <= yMax + yStep / 2; y += yStep) {
      chart.append(
        svg("line", { x1: margin.left, x2: width - margin.right, y1: sy(y), y2: sy(y), class: y ? "calc-grid" : "calc-axis" }),
        svg("text", { x: margin.left - 8, y: sy(y) + 4, "text-anchor": "end", class: "calc-tick", text: numberFormat.format(y) }),
      );
    }
    for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax + xStep / 1000; x += xStep) {
      const anchor = x === xMin ? "start" : x + xStep > xMax + xStep / 1000 && sx(x) > width - margin.right - 30 ? "end" : "middle";
      chart.append(svg("text", { x: sx(x), y: height - margin.bottom + 18, "text-anchor": anchor, class: "calc-tick", text: numberFormat.format(x) }));
    }
    chart.append(svg("text", { x: (margin.left + width - margin.right) / 2, y: height - 8, "text-anchor": "middle", class: "calc-axis-label", text: xLabel }));
    lines.forEach(([regionId, points]) => {
      const path = points.map((p, i) => (i ? "L" : "M") + sx(p.x).toFixed(1) + " " + sy(p.y).toFixed(1)).join(" ");
      const dash = REGION_DASHES[(regionIndex.get(regionId) || 0) % SERIES_STYLES];
      chart.append(svg("path", { d: path, class: "calc-line " + seriesClass(regionId), "stroke-dasharray": dash || null }));
    });
    const legend = el(
      "ul",
      { className: "calc-legend", "aria-hidden": "true" },
      lines.map(([regionId]) => {
        const dash = REGION_DASHES[(regionIndex.get(regionId) || 0) % SERIES_STYLES];
        const sample = svg("svg", { viewBox: "0 0 28 8", class: "calc-line-sample" }, svg("line", { x1: 1, x2: 27, y1: 4, y2: 4, class: "calc-line " + seriesClass(regionId), "stroke-dasharray": dash || null }));
        return el("li", {}, sample, regionNames.get(regionId));
      }),
    );
    const rows = lines[0][1].map((point, i) =>
      el("tr", {}, el("th", { scope: "row" }, numberFormat.format(point.x)), lines.map(([, pts]) => el("td", {}, pts[i] ? numberFormat.format(pts[i].y) : "—"))),
    );
    const table = el(
      "details",
      { className: "calc-chart-data" },
      el("summary", {}, "查看数据表"),
      el(
        "div",
        { className: "calc-table-wrap" },
        el("table", {}, el("caption", {}, title + "（" + unit + "）"), el("thead", {}, el("tr", {}, el("th", { scope: "col" }, xLabel), lines.map(([id]) => el("th", { scope: "col" }, regionNames.get(id))))), el("tbody", {}, rows)),
      ),
    );
    const notes = [];
    // Regions with the same figures draw one line over another: say so, or one seems to be missing.
    const sameAs = new Map();
    for (const [regionId, points] of lines) {
      const key = JSON.stringify(points.map((p) => [p.x, p.y]));
      sameAs.set(key, [...(sameAs.get(key) || []), regionNames.get(regionId)]);
    }
    for (const names of sameAs.values()) {
      if (names.length > 1) notes.push(el("p", { className: "calc-help" }, names.join("、") + "的数字相同，曲线重合。"));
    }
    // Python marks a point that is only a limit (a national minimum, a ceiling): say so, once.
    const limits = new Set(lines.flatMap(([, points]) => points.map((p) => p.bound)).filter((bound) => bound === "at_least" || bound === "at_most"));
    if (limits.size) {
      const words = [limits.has("at_least") ? "“至少”" : null, limits.has("at_most") ? "“最多”" : null].filter(Boolean).join("或");
      notes.push(el("p", { className: "calc-help calc-chart-bounds" }, "部分点是" + words + "的界限（当地规定不全），不是确切数字。"));
    }
    if (skipped.length) {
      notes.push(el("p", { className: "calc-help" }, "以下地区缺少原文规定的数字，未画出：" + skipped.map((id) => regionNames.get(id)).join("、") + "。"));
    }
    return el("figure", { className: "calc-figure-chart" }, el("figcaption", {}, title), chart, legend, notes, table);
  }

  /* regions: [{id, name}] in the page's order (it fixes each region's colour and dash). */
  ns.chart = {
    draw(title, series, unit, xLabel, regions, available) {
      regionNames = new Map(regions.map((region) => [region.id, region.name]));
      regionIndex = new Map(regions.map((region, index) => [region.id, index]));
      availableWidth = available;
      return lineChart(title, series, unit, xLabel);
    },
  };
  let regionNames = new Map();
  let regionIndex = new Map();
  let availableWidth = 640;

  function seriesClass(regionId) {
    return "calc-series-" + ((regionIndex.get(regionId) || 0) % SERIES_STYLES);
  }
})();
