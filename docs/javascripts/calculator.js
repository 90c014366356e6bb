/*
 * 估算待遇: the glue between the form and the Python calculator (run by Pyodide in a Web Worker).
 *
 * Everything this script knows comes from the page's JSON block (written by the build from the
 * calculator's own field definitions) or from Python's answers. It never computes a benefit itself.
 * All text it shows is set with textContent: values from the URL or from Python are never parsed
 * as markup.
 */
(function () {
  "use strict";

  const root = document.getElementById("calculator");
  const configElement = document.getElementById("calculator-config");
  if (!root || !configElement) return;

  const config = JSON.parse(configElement.textContent);
  const form = document.getElementById("calc-form");
  const resultsBody = document.getElementById("calc-results-body");
  const runtimeBox = document.getElementById("calc-runtime");
  const runtimeText = runtimeBox.querySelector(".calc-runtime-text");
  const progress = runtimeBox.querySelector("progress");
  const fieldByKey = new Map(config.fields.map((field) => [field.key, field]));
  const regionNames = new Map(config.regions.map((region) => [region.id, region.name]));
  const REGION_COLOURS = ["#00695c", "#c62828", "#1565c0", "#6a1b9a", "#ef6c00", "#2e7d32", "#4e342e"];
  const REGION_DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", ""];
  const numberFormat = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });

  /* ---------- small DOM helpers ------------------------------------------------------------ */

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) if (child) node.append(child);
    return node;
  }

  function pageURL(relative) {
    return new URL(relative, document.baseURI).href;
  }

  /* ---------- the Python runtime (in a worker) --------------------------------------------- */

  const STAGES = {
    download: "正在下载计算程序（Python 运行环境，约 14 MB，只需一次）",
    unpack: "正在读取离线包中的计算程序",
    start: "正在启动 Python",
    install: "正在安装计算器",
  };

  const runtime = {
    worker: null,
    ready: false,
    failed: null,
    nextId: 1,
    waiting: new Map(),
    listeners: [],
  };

  function setRuntimeStatus(text, fraction) {
    runtimeText.textContent = text;
    if (fraction === null) {
      progress.hidden = true;
    } else {
      progress.hidden = false;
      if (fraction === undefined) progress.removeAttribute("value");
      else progress.value = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
    }
  }

  function runtimeFailed(reason) {
    if (runtime.ready || runtime.failed) return;
    runtime.failed = reason;
    runtimeBox.classList.add("calc-runtime-failed");
    setRuntimeStatus(
      "无法在这个浏览器里启动计算程序（" + reason + "）。请换用较新版本的 Chrome、Edge 或 Firefox。" +
        "下面可以查看示例家庭的预先计算结果；各地规定也可以在“按主题”“按地区”页面中直接查看。",
      null,
    );
    for (const { reject } of runtime.waiting.values()) reject(new Error(reason));
    runtime.waiting.clear();
    showPresetFallback();
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error("无法读取 " + src));
      document.head.append(script);
    });
  }

  async function embeddedRuntimeConfig() {
    const scripts = config.runtime.embedded;
    for (let i = 0; i < scripts.length; i += 1) {
      setRuntimeStatus(STAGES.unpack, i / scripts.length);
      await loadScript(pageURL(scripts[i]));
    }
    return {
      mode: "embedded",
      embedded: self.__shebaoEmbedded,
      indexURL: pageURL(config.runtime.pyodide),
      wheelName: config.runtime.wheel.name,
    };
  }

  function networkRuntimeConfig() {
    const urls = {};
    const sizes = {};
    for (const [name, file] of Object.entries(config.runtime.files)) {
      urls[name] = pageURL(file.url);
      sizes[name] = file.size;
    }
    urls[config.runtime.wheel.name] = pageURL(config.runtime.wheel.url);
    sizes[config.runtime.wheel.name] = config.runtime.wheel.size;
    return {
      mode: "network",
      urls,
      sizes,
      indexURL: pageURL(config.runtime.pyodide),
      wheelName: config.runtime.wheel.name,
    };
  }

  function startRuntime() {
    if (typeof WebAssembly !== "object" || typeof Worker !== "function" || typeof calculatorWorkerMain !== "function") {
      runtimeFailed("浏览器不支持 WebAssembly 或 Web Worker");
      return;
    }
    if (location.protocol === "file:" && typeof DecompressionStream !== "function") {
      runtimeFailed("浏览器版本过旧，无法读取离线包");
      return;
    }
    const timer = setTimeout(
      () => runtimeFailed("等待超过 " + config.runtime.timeout_seconds + " 秒仍未启动"),
      config.runtime.timeout_seconds * 1000,
    );
    let worker;
    try {
      const source = "(" + calculatorWorkerMain.toString() + ")();";
      worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
    } catch (error) {
      clearTimeout(timer);
      runtimeFailed("浏览器不允许启动后台计算");
      return;
    }
    runtime.worker = worker;
    worker.onerror = (event) => {
      event.preventDefault();
      clearTimeout(timer);
      runtimeFailed("后台计算出错");
    };
    worker.onmessage = (event) => {
      const message = event.data;
      if (message.type === "progress") {
        const fraction = message.total ? message.loaded / message.total : undefined;
        setRuntimeStatus(STAGES[message.stage] || STAGES.start, message.stage === "download" ? fraction : undefined);
      } else if (message.type === "ready") {
        clearTimeout(timer);
        runtime.ready = true;
        runtimeBox.classList.add("calc-runtime-ready");
        setRuntimeStatus("计算程序已就绪：修改任何一项，结果会立即更新。", null);
        root.dataset.runtime = "ready";
      } else if (message.type === "failed") {
        clearTimeout(timer);
        if (window.console) console.error(message.error);
        runtimeFailed("启动失败");
      } else if (message.type === "result") {
        const waiting = runtime.waiting.get(message.id);
        runtime.waiting.delete(message.id);
        if (!waiting) return;
        if (message.error) waiting.reject(new Error(message.error));
        else waiting.resolve(JSON.parse(message.json));
      }
    };
    setRuntimeStatus(location.protocol === "file:" ? STAGES.unpack : STAGES.download, 0);
    const configPromise = location.protocol === "file:" ? embeddedRuntimeConfig() : Promise.resolve(networkRuntimeConfig());
    configPromise.then(
      (workerConfig) => worker.postMessage({ type: "start", config: workerConfig }),
      (error) => {
        clearTimeout(timer);
        runtimeFailed(error.message);
      },
    );
  }

  function askPython(request) {
    if (runtime.failed) return Promise.reject(new Error(runtime.failed));
    const id = runtime.nextId++;
    return new Promise((resolve, reject) => {
      runtime.waiting.set(id, { resolve, reject });
      runtime.worker.postMessage({ type: "calculate", id, request: JSON.stringify(request) });
    });
  }

  /* ---------- the form and the URL fragment ------------------------------------------------ */

  function controlsOf(key) {
    return Array.from(form.elements).filter((control) => control.name === key);
  }

  function readForm() {
    const values = {};
    for (const field of config.fields) {
      const controls = controlsOf(field.key);
      if (field.type === "multi_choice") {
        const checked = controls.filter((box) => box.checked).map((box) => box.value);
        if (checked.length) values[field.key] = checked;
      } else if (controls.length) {
        const value = controls[0].value.trim();
        if (value !== "") values[field.key] = value;
      }
    }
    return values;
  }

  function writeForm(values) {
    for (const field of config.fields) {
      const controls = controlsOf(field.key);
      const value = values[field.key];
      if (field.type === "multi_choice") {
        const chosen = new Set(Array.isArray(value) ? value.map(String) : []);
        for (const box of controls) box.checked = chosen.has(box.value);
      } else if (controls.length) {
        const control = controls[0];
        if (value === undefined || value === null) {
          control.value = field.default === null || field.default === undefined ? "" : String(field.default);
        } else {
          control.value = String(value);
          // A <select> silently keeps its old choice when a link names an option it does not have.
          if (control.tagName === "SELECT" && control.value !== String(value)) control.value = "";
        }
      }
    }
  }

  /* Only the calculator's own keys are read from a link; anything else is dropped unseen. */
  function valuesFromFragment() {
    const fragment = location.hash.replace(/^#/, "");
    const values = {};
    const ignored = [];
    if (!fragment) return { values, ignored };
    const params = new URLSearchParams(fragment);
    for (const [key, rawValue] of params) {
      const field = fieldByKey.get(key);
      if (!field) {
        ignored.push(key);
        continue;
      }
      const value = rawValue.slice(0, 60);
      if (field.type === "multi_choice") {
        const allowed = new Set(field.choices.map((choice) => choice.value));
        values[key] = value.split(",").filter((item) => allowed.has(item));
      } else {
        values[key] = value;
      }
    }
    return { values, ignored };
  }

  function fragmentFrom(values) {
    const params = new URLSearchParams();
    for (const field of config.fields) {
      const value = values[field.key];
      if (value === undefined) continue;
      if (field.key === "on" && value === config.default_on) continue;
      params.set(field.key, Array.isArray(value) ? value.join(",") : value);
    }
    return params.toString();
  }

  function updateFragment(values) {
    const fragment = fragmentFrom(values);
    const target = location.pathname + location.search + (fragment ? "#" + fragment : "");
    if (target !== location.pathname + location.search + location.hash) {
      history.replaceState(null, "", target);
    }
  }

  function clearErrors() {
    for (const box of form.querySelectorAll(".calc-error")) {
      box.hidden = true;
      box.textContent = "";
    }
    for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  }

  /* Python's messages, each at its field; errors about no field go above the results. */
  function showErrors(errors) {
    const general = [];
    for (const [key, message] of Object.entries(errors)) {
      const box = document.getElementById("err-" + key);
      if (box && fieldByKey.has(key)) {
        box.textContent = message;
        box.hidden = false;
        for (const control of controlsOf(key)) control.setAttribute("aria-invalid", "true");
        const details = box.closest("details");
        if (details) details.open = true;
      } else {
        general.push(message);
      }
    }
    return general;
  }

  function focusField(key) {
    const control = controlsOf(key)[0];
    if (!control) return;
    const details = control.closest("details");
    if (details) details.open = true;
    control.focus();
    control.scrollIntoView({ block: "center" });
  }

  /* ---------- rendering Python's answer ---------------------------------------------------- */

  function sourceLinks(parameter) {
    const parts = [];
    const reference = parameter.reference;
    if (reference) {
      const documentURL = config.links.documents[reference.document];
      const name = "《" + reference.title + "》" + (reference.number ? reference.number : "");
      parts.push(documentURL ? el("a", { href: documentURL }, name) : name);
      if (reference.section) parts.push(" " + reference.section);
    }
    const rowURL = config.links.parameters[parameter.id];
    if (rowURL) parts.push(" ", el("a", { href: rowURL, className: "calc-row-link" }, "各地对比"));
    return parts;
  }

  function parameterItem(parameter) {
    if (parameter.source === "field") {
      return el("li", {}, parameter.label + "：" + (parameter.display || "") + "（由您填写）");
    }
    const where = parameter.region_name ? "，" + parameter.region_name + "规定" : "";
    const since = parameter.from ? "，" + parameter.from + "起" : "";
    return el(
      "li",
      {},
      parameter.label + "：" + (parameter.display || "") + where + since + "。出处：",
      sourceLinks(parameter),
    );
  }

  function stepItem(step) {
    const item = el("li", {}, el("span", { className: "calc-step-text" }, step.text));
    if (step.parameters && step.parameters.length) {
      item.append(el("ul", { className: "calc-params" }, step.parameters.map(parameterItem)));
    }
    return item;
  }

  function missingItem(missing) {
    const item = el("li", {}, missing.message);
    if (missing.field && fieldByKey.has(missing.field)) {
      const button = el("button", { type: "button", className: "calc-supply-button" }, "填写「" + missing.field_label + "」");
      button.addEventListener("click", () => focusField(missing.field));
      item.append(" ", button);
    }
    return item;
  }

  function summaryText(result) {
    if (!result) return "—";
    if (result.eligible === false) return "不符合条件";
    if (result.benefit === "medical" && result.out_of_pocket !== null && result.out_of_pocket !== undefined) {
      const ratio = result.reimbursement_ratio !== null ? "，报销约" + numberFormat.format(result.reimbursement_ratio) + "%" : "";
      return "个人自付 " + numberFormat.format(result.out_of_pocket) + "元" + ratio;
    }
    if (result.display) {
      let text = result.display;
      if (result.benefit === "maternity" && result.days) text += "（" + result.days + "天）";
      if (result.benefit === "work_injury" && result.monthly_allowance) {
        text += "；伤残津贴 " + numberFormat.format(result.monthly_allowance) + "元/月";
      }
      return text;
    }
    if (result.missing && result.missing.length) return "原文未规定，需补充";
    return result.eligible === null ? "无法判断" : "—";
  }

  const LAYER_COLOURS = {
    basic: "#00695c",
    critical_illness: "#1565c0",
    assistance: "#6a1b9a",
    out_of_pocket: "#c62828",
  };

  function layerBar(result) {
    const layers = (result.layers || []).filter((layer) => typeof layer.amount === "number");
    const total = layers.reduce((sum, layer) => sum + layer.amount, 0);
    if (!total || layers.length !== (result.layers || []).length) return null;
    let x = 0;
    const description = layers.map((layer) => layer.label + " " + numberFormat.format(layer.amount) + "元").join("，");
    const chart = svg("svg", { viewBox: "0 0 200 14", class: "calc-bar", role: "img", "aria-label": description });
    chart.append(svg("title", { text: description }));
    for (const layer of layers) {
      const width = (layer.amount / total) * 200;
      if (width > 0) {
        chart.append(svg("rect", { x, y: 0, width, height: 14, fill: LAYER_COLOURS[layer.id] || "#777" }));
      }
      x += width;
    }
    return chart;
  }

  function layerLegend() {
    return el(
      "ul",
      { className: "calc-legend" },
      [
        ["basic", "基本医保"],
        ["critical_illness", "大病保险"],
        ["assistance", "医疗救助/综合保障"],
        ["out_of_pocket", "个人自付"],
      ].map(([id, label]) => el("li", {}, el("span", { className: "calc-swatch", style: "background:" + LAYER_COLOURS[id] }), label)),
    );
  }

  function summaryTable(answer, benefitIds) {
    const regions = answer.regions;
    const head = el("tr", {}, el("th", { scope: "col" }, "项目"), regions.map((r) => el("th", { scope: "col" }, r.name)));
    const rows = benefitIds.map((benefitId) => {
      const results = regions.map((region) => answer.results[region.id][benefitId]);
      const texts = results.map(summaryText);
      const differs = new Set(texts).size > 1;
      const label = results.find(Boolean).label;
      const header = el("th", { scope: "row" }, label, differs ? el("span", { className: "calc-badge" }, "各地不同") : null);
      const cells = results.map((result, index) => {
        const cell = el("td", { "data-region": regions[index].id, "data-benefit": benefitId }, el("span", { className: "calc-figure" }, texts[index]));
        if (result && result.missing && result.missing.length && (result.amount === null || result.amount === undefined)) {
          cell.classList.add("calc-cell-missing");
        }
        if (benefitId === "medical" && result) {
          const bar = layerBar(result);
          if (bar) cell.append(bar);
        }
        return cell;
      });
      return el("tr", { className: differs ? "calc-differs" : null }, header, cells);
    });
    const table = el(
      "table",
      { className: "calc-summary" },
      el("caption", {}, "各地估算结果（按 " + answer.on + " 有效的规定）"),
      el("thead", {}, head),
      el("tbody", {}, rows),
    );
    return el("div", { className: "calc-table-wrap" }, table);
  }

  function regionDetails(answer, region, benefitIds, open) {
    const sections = benefitIds.map((benefitId) => {
      const result = answer.results[region.id][benefitId];
      const parts = [el("h4", {}, result.label + "：" + summaryText(result))];
      if (result.payer) parts.push(el("p", {}, "由谁负担：" + result.payer));
      if (result.steps.length) parts.push(el("ol", { className: "calc-steps" }, result.steps.map(stepItem)));
      if (result.missing.length) {
        parts.push(el("p", { className: "calc-subhead" }, "原文未规定（可自行补充）"), el("ul", { className: "calc-missing" }, result.missing.map(missingItem)));
      }
      if (result.assumptions.length) {
        parts.push(el("p", { className: "calc-subhead" }, "计算时的假设"), el("ul", { className: "calc-assumptions" }, result.assumptions.map((text) => el("li", {}, text))));
      }
      return el("section", { className: "calc-benefit", "data-benefit": benefitId }, parts);
    });
    const regionURL = config.links.regions[region.id];
    return el(
      "details",
      { className: "calc-region", "data-region": region.id, open: open || null },
      el("summary", {}, region.name + "：计算步骤与出处"),
      regionURL ? el("p", {}, el("a", { href: regionURL }, "查看" + region.name + "的全部规定")) : null,
      sections,
    );
  }

  function lineChart(title, series, unit, xLabel) {
    const width = 640;
    const height = 300;
    const margin = { left: 70, right: 16, top: 16, bottom: 44 };
    const lines = Object.entries(series)
      .map(([regionId, points]) => [regionId, points.filter((point) => typeof point.y === "number")])
      .filter(([, points]) => points.length >= 2);
    const skipped = Object.keys(series).filter((regionId) => !lines.some(([id]) => id === regionId));
    if (!lines.length) return null;
    const xs = lines.flatMap(([, points]) => points.map((p) => p.x));
    const ys = lines.flatMap(([, points]) => points.map((p) => p.y));
    const xMax = Math.max(...xs) || 1;
    const xMin = Math.min(...xs);
    const yMax = Math.max(...ys) * 1.05 || 1;
    const sx = (x) => margin.left + ((x - xMin) / (xMax - xMin || 1)) * (width - margin.left - margin.right);
    const sy = (y) => height - margin.bottom - (y / yMax) * (height - margin.top - margin.bottom);
    const description = title + "。" + lines.map(([id, points]) => regionNames.get(id) + "从" + numberFormat.format(points[0].y) + "到" + numberFormat.format(points[points.length - 1].y) + unit).join("；");
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "calc-chart", role: "img", "aria-label": description });
    chart.append(svg("title", { text: title }));
    for (let i = 0; i <= 4; i += 1) {
      const y = (yMax / 4) * i;
      chart.append(
        svg("line", { x1: margin.left, x2: width - margin.right, y1: sy(y), y2: sy(y), class: "calc-grid" }),
        svg("text", { x: margin.left - 6, y: sy(y) + 4, "text-anchor": "end", class: "calc-tick", text: numberFormat.format(Math.round(y)) }),
      );
      const x = xMin + ((xMax - xMin) / 4) * i;
      chart.append(svg("text", { x: sx(x), y: height - margin.bottom + 16, "text-anchor": "middle", class: "calc-tick", text: numberFormat.format(Math.round(x)) }));
    }
    chart.append(svg("text", { x: width / 2, y: height - 6, "text-anchor": "middle", class: "calc-axis-label", text: xLabel }));
    lines.forEach(([regionId, points]) => {
      const index = config.regions.findIndex((region) => region.id === regionId);
      const path = points.map((p, i) => (i ? "L" : "M") + sx(p.x).toFixed(1) + " " + sy(p.y).toFixed(1)).join(" ");
      chart.append(svg("path", { d: path, fill: "none", stroke: REGION_COLOURS[index % REGION_COLOURS.length], "stroke-width": 2.5, "stroke-dasharray": REGION_DASHES[index % REGION_DASHES.length] }));
    });
    const legend = el(
      "ul",
      { className: "calc-legend" },
      lines.map(([regionId]) => {
        const index = config.regions.findIndex((region) => region.id === regionId);
        return el("li", {}, el("span", { className: "calc-swatch", style: "background:" + REGION_COLOURS[index % REGION_COLOURS.length] }), regionNames.get(regionId));
      }),
    );
    const rows = lines[0][1].map((point, i) =>
      el("tr", {}, el("th", { scope: "row" }, numberFormat.format(point.x)), lines.map(([, pts]) => el("td", {}, pts[i] ? numberFormat.format(pts[i].y) : "—"))),
    );
    const table = el(
      "details",
      { className: "calc-chart-data" },
      el("summary", {}, "查看数据表"),
      el("table", {}, el("caption", {}, title + "（" + unit + "）"), el("thead", {}, el("tr", {}, el("th", { scope: "col" }, xLabel), lines.map(([id]) => el("th", { scope: "col" }, regionNames.get(id))))), el("tbody", {}, rows)),
    );
    const note = skipped.length ? el("p", { className: "calc-help" }, "以下地区缺少原文规定的数字，未画出：" + skipped.map((id) => regionNames.get(id)).join("、") + "。") : null;
    return el("figure", { className: "calc-figure-chart" }, el("figcaption", {}, title), chart, legend, note, table);
  }

  function renderWarnings(answer, general) {
    const notes = [];
    for (const message of general) notes.push(el("p", { className: "calc-general-error", role: "alert" }, message));
    for (const message of answer && answer.warnings ? answer.warnings : []) notes.push(el("p", { className: "calc-warning" }, message));
    return notes;
  }

  function inputsSummary(values) {
    const items = [];
    for (const field of config.fields) {
      const value = values[field.key];
      if (value === undefined) continue;
      let text = Array.isArray(value) ? value : [value];
      text = text.map((item) => {
        const choice = field.choices.find((c) => c.value === item);
        if (choice) return choice.label;
        if (field.type === "boolean") return item === "true" ? "是" : "否";
        return item + (field.unit_label || "");
      });
      items.push(el("dt", {}, field.label), el("dd", {}, text.join("、")));
    }
    return el("section", { className: "calc-inputs" }, el("h3", {}, "填写的情况"), el("dl", {}, items));
  }

  function renderAnswer(answer, values, heading) {
    const benefitIds = config.benefits.map((b) => b.id).filter((id) => answer.regions.length && answer.results[answer.regions[0].id][id]);
    const parts = [];
    if (heading) parts.push(heading);
    parts.push(...renderWarnings(answer, []));
    if (!benefitIds.length) {
      parts.push(el("p", { className: "calc-empty" }, "填写上面的任意一部分后，这里会显示每个地区的估算结果。"));
      resultsBody.replaceChildren(...parts);
      return;
    }
    parts.push(inputsSummary(values), summaryTable(answer, benefitIds));
    if (benefitIds.includes("medical")) parts.push(layerLegend());
    parts.push(el("div", { id: "calc-charts" }));
    parts.push(el("h3", { className: "calc-details-title" }, "每个地区的计算步骤与出处"));
    answer.regions.forEach((region, index) => parts.push(regionDetails(answer, region, benefitIds, index === 0)));
    resultsBody.replaceChildren(...parts);
    root.dataset.resultFor = fragmentFrom(values);
  }

  /* ---------- calculation loop --------------------------------------------------------------- */

  let latest = 0;

  async function drawCharts(values, answer, ticket) {
    const jobs = [];
    if (values["medical.total_cost"] && answer.results[answer.regions[0].id].medical) {
      const cost = Number(String(values["medical.total_cost"]).replace(/[,，\s]/g, "")) || 100000;
      const top = Math.max(cost * 2, 20000);
      const xs = Array.from({ length: 11 }, (_, i) => Math.round((top / 10) * i));
      jobs.push(["个人自付随住院总费用的变化", "medical.total_cost", xs, "元", "住院总费用（元）"]);
    }
    const grades = config.series["pension.annual_contribution"].values;
    if (grades.length && values["pension.years"] && answer.results[answer.regions[0].id].pension_monthly) {
      jobs.push(["每月养老金随个人缴费档次的变化", "pension.annual_contribution", grades, "元/月", "个人每年缴费（元）"]);
    }
    const figures = [];
    for (const [title, vary, xs, unit, xLabel] of jobs) {
      const household = Object.assign({}, values);
      delete household[vary];
      const series = await askPython({ action: "series", household, vary, values: xs });
      if (ticket !== latest) return;
      if (!series.errors) {
        const chart = lineChart(title, series.series, unit, xLabel);
        if (chart) figures.push(chart);
      }
    }
    const box = document.getElementById("calc-charts");
    if (box && ticket === latest) {
      box.replaceChildren(...(figures.length ? [el("h3", {}, "变化曲线"), ...figures] : []));
    }
  }

  async function recalculate() {
    const values = readForm();
    updateFragment(values);
    updateShare();
    const ticket = ++latest;
    if (runtime.failed) return;
    let answer;
    try {
      answer = await askPython({ action: "calculate", household: values });
    } catch (error) {
      return;
    }
    if (ticket !== latest) return;
    clearErrors();
    if (answer.errors) {
      const general = showErrors(answer.errors);
      const notes = renderWarnings(null, general);
      notes.push(el("p", { className: "calc-empty" }, "请按提示修改标红的项目；其余内容已保留。"));
      resultsBody.replaceChildren(...notes);
      root.dataset.resultFor = "";
      return;
    }
    renderAnswer(answer, values);
    drawCharts(values, answer, ticket).catch(() => {});
  }

  let timer = null;
  function scheduleRecalculation(delay) {
    clearTimeout(timer);
    timer = setTimeout(recalculate, delay);
  }

  /* ---------- presets, sharing, printing ----------------------------------------------------- */

  function applyPreset(preset) {
    writeForm(preset.household);
    if (runtime.failed) {
      renderAnswer(preset.result, readForm(), el("p", { className: "calc-warning" }, "以下是“" + preset.label + "”的预先计算结果（计算程序无法在本浏览器中启动）。"));
    }
    scheduleRecalculation(0);
  }

  function showPresetFallback() {
    const preset = config.presets[0];
    if (preset) applyPreset(preset);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise((resolve, reject) => {
      const area = el("textarea", { readonly: true, style: "position:fixed;left:-9999px" });
      area.value = text;
      document.body.append(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      if (ok) resolve();
      else reject(new Error("copy refused"));
    });
  }

  function qrCode(text) {
    if (typeof qrcode !== "function") return null;
    qrcode.stringToBytes = qrcode.stringToBytesFuncs["UTF-8"];
    const code = qrcode(0, "M");
    code.addData(text);
    code.make();
    const count = code.getModuleCount();
    let path = "";
    for (let row = 0; row < count; row += 1) {
      for (let col = 0; col < count; col += 1) if (code.isDark(row, col)) path += `M${col + 4} ${row + 4}h1v1h-1z`;
    }
    const size = count + 8;
    return svg(
      "svg",
      { viewBox: `0 0 ${size} ${size}`, role: "img", "aria-label": "本次计算链接的二维码", "shape-rendering": "crispEdges" },
      svg("rect", { width: size, height: size, fill: "#fff" }),
      svg("path", { d: path, fill: "#000" }),
    );
  }

  function updateShare() {
    const share = document.getElementById("calc-share");
    const hasInput = Boolean(location.hash.length > 1);
    share.hidden = !hasInput;
    const box = document.getElementById("calc-qr");
    if (!hasInput) {
      box.replaceChildren();
      return;
    }
    try {
      const code = qrCode(location.href);
      box.replaceChildren(...(code ? [code] : []));
    } catch (error) {
      box.replaceChildren(el("p", { className: "calc-help" }, "链接太长，无法生成二维码；请使用“复制链接”。"));
    }
  }

  /* ---------- wiring --------------------------------------------------------------------------- */

  form.addEventListener("input", () => scheduleRecalculation(200));
  form.addEventListener("change", () => scheduleRecalculation(0));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    scheduleRecalculation(0);
  });
  form.addEventListener("reset", () => {
    setTimeout(() => {
      writeForm({});
      clearErrors();
      scheduleRecalculation(0);
    }, 0);
  });
  for (const button of root.querySelectorAll("button[data-preset]")) {
    button.addEventListener("click", () => {
      const preset = config.presets.find((p) => p.id === button.dataset.preset);
      if (preset) applyPreset(preset);
    });
  }
  document.getElementById("calc-copy").addEventListener("click", () => {
    const status = document.getElementById("calc-copy-status");
    copyText(location.href).then(
      () => {
        status.textContent = "已复制链接";
      },
      () => {
        status.textContent = "无法自动复制，请从地址栏复制链接";
      },
    );
  });
  document.getElementById("calc-print").addEventListener("click", () => window.print());
  window.addEventListener("beforeprint", () => {
    for (const details of resultsBody.querySelectorAll("details.calc-region")) details.open = true;
  });
  window.addEventListener("hashchange", () => {
    const { values } = valuesFromFragment();
    if (fragmentFrom(values) === fragmentFrom(readForm())) return;
    writeForm(values);
    scheduleRecalculation(0);
  });

  const opened = valuesFromFragment();
  if (location.hash.length > 1) writeForm(opened.values);
  if (opened.ignored.length) {
    runtimeBox.after(el("p", { className: "calc-warning", role: "status" }, "链接中有 " + opened.ignored.length + " 项无法识别的内容，已忽略。"));
  }
  startRuntime();
  scheduleRecalculation(0);
})();
