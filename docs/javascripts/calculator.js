/*
 * 估算待遇: the glue between the form and the Python calculator (run by Pyodide in a Web Worker).
 *
 * Everything this script knows comes from the page's JSON block (written by the build from the
 * calculator's own field definitions) or from Python's answers. It never computes a benefit itself.
 * All text it shows is set with textContent: values from the URL or from Python are never parsed
 * as markup.
 *
 * Hooks other code relies on: #calculator gets data-runtime="ready" | "failed"; data-result-for is
 * the fragment of the household whose results are shown; table.calc-summary is the summary table.
 */
(function () {
  "use strict";

  const root = document.getElementById("calculator");
  const configElement = document.getElementById("calculator-config");
  if (!root || !configElement) return;

  const config = JSON.parse(configElement.textContent);
  const form = document.getElementById("calc-form");
  const resultsBody = document.getElementById("calc-results-body");
  const resultsStatus = document.getElementById("calc-results-status");
  const runtimeBox = document.getElementById("calc-runtime");
  const runtimeText = runtimeBox.querySelector(".calc-runtime-text");
  const progress = runtimeBox.querySelector("progress");
  const fieldByKey = new Map(config.fields.map((field) => [field.key, field]));
  const regionNames = new Map(config.regions.map((region) => [region.id, region.name]));
  const regionIndex = new Map(config.regions.map((region, index) => [region.id, index]));
  // Line styles tell the regions apart without colour too (colours themselves are in the CSS).
  const REGION_DASHES = ["", "7 4", "2 3", "9 3 2 3", "1 3", "12 4", "4 2"];
  const SERIES_STYLES = REGION_DASHES.length;
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
      if (value === null || value === undefined) continue;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) if (child) node.append(child);
    return node;
  }

  function pageURL(relative) {
    return new URL(relative, document.baseURI).href;
  }

  function money(amount) {
    return numberFormat.format(amount) + "元";
  }

  /* What Python accepts as a number (１２，０００ included), read the same way for the charts. */
  function plainNumber(text) {
    const number = Number(String(text).normalize("NFKC").replace(/[,\s]/g, ""));
    return Number.isFinite(number) ? number : null;
  }

  function seriesClass(regionId) {
    return "calc-series-" + ((regionIndex.get(regionId) || 0) % SERIES_STYLES);
  }

  /* ---------- the Python runtime (in a worker) --------------------------------------------- */

  const downloadBytes =
    Object.values(config.runtime.files).reduce((sum, file) => sum + file.size, 0) + config.runtime.wheel.size;
  const megabytes = (bytes) => numberFormat.format(Math.round(bytes / 1e5) / 10);
  const STAGES = {
    download: "正在下载计算程序（Python 运行环境，约 " + megabytes(downloadBytes) + " MB，之后浏览器会缓存）",
    unpack: "正在读取离线包中的计算程序",
    start: "正在启动 Python（需要几秒钟）",
    install: "正在安装计算器",
  };

  const runtime = {
    worker: null,
    ready: false,
    failed: null,
    nextId: 1,
    waiting: new Map(),
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

  /* Why Python did not start, in words for the person at the screen (the details go to the console). */
  function failureText(kind, detail) {
    if (kind === "unsupported") {
      return "这个浏览器无法运行计算程序（" + detail + "）。请换用较新版本的 Chrome、Edge 或 Firefox。";
    }
    if (kind === "timeout") {
      return (
        "计算程序启动时 " + detail + " 秒没有任何进展，已停止等待。请刷新页面再试；" +
        "如果仍然不行，请换用较新版本的 Chrome、Edge 或 Firefox。"
      );
    }
    return location.protocol === "file:"
      ? "计算程序没有加载成功（" + detail + "）。离线包可能不完整，请重新复制整个文件夹。"
      : "计算程序没有加载成功（" + detail + "）。请检查网络连接后刷新页面再试。";
  }

  function runtimeFailed(kind, detail) {
    if (runtime.ready || runtime.failed) return;
    stopWatchdog();
    runtime.failed = kind;
    if (runtime.worker) runtime.worker.terminate();
    root.dataset.runtime = "failed";
    runtimeBox.classList.add("calc-runtime-failed");
    setRuntimeStatus(
      failureText(kind, detail) +
        "页面下方的“估算结果”先显示示例家庭的预先计算结果（点上面的示例家庭可以切换）；各地规定也可以在“按主题”“按地区”页面中直接查看。",
      null,
    );
    // A button, not a #link: the fragment holds the form's values.
    const jump = el("button", { type: "button", className: "calc-supply-button calc-jump" }, "查看示例结果");
    jump.addEventListener("click", () => document.getElementById("calc-results").scrollIntoView());
    runtimeText.append(" ", jump);
    for (const { reject } of runtime.waiting.values()) reject(new Error(kind));
    runtime.waiting.clear();
    showPresetFallback();
  }

  /* A wasm file served with the wrong type, or a request that never ends, can leave Pyodide
   * waiting without an error: give up when nothing has moved for a while, and say so. Every sign
   * of progress (bytes, a script read, a start-up stage) restarts the count. */
  let startTimer = null;
  function watchdog() {
    const seconds = config.runtime.timeout_seconds;
    clearTimeout(startTimer);
    startTimer = setTimeout(() => runtimeFailed("timeout", seconds), seconds * 1000);
  }
  function stopWatchdog() {
    clearTimeout(startTimer);
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error("无法读取 " + src.split("/").pop()));
      document.head.append(script);
    });
  }

  async function embeddedRuntimeConfig() {
    const scripts = config.runtime.embedded;
    for (let i = 0; i < scripts.length; i += 1) {
      setRuntimeStatus(STAGES.unpack, i / scripts.length);
      await loadScript(pageURL(scripts[i]));
      watchdog();
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
      runtimeFailed("unsupported", "不支持 WebAssembly 或 Web Worker");
      return;
    }
    if (location.protocol === "file:" && typeof DecompressionStream !== "function") {
      runtimeFailed("unsupported", "版本过旧，无法读取离线包");
      return;
    }
    watchdog();
    let worker;
    try {
      const source = "(" + calculatorWorkerMain.toString() + ")();";
      worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
    } catch (error) {
      runtimeFailed("unsupported", "不允许启动后台计算");
      return;
    }
    runtime.worker = worker;
    worker.onerror = (event) => {
      event.preventDefault();
      if (window.console) console.warn("calculator worker:", event.message);
      runtimeFailed("load", "后台计算出错");
    };
    worker.onmessage = (event) => {
      const message = event.data;
      if (message.type === "progress") {
        watchdog();
        const download = message.stage === "download";
        const fraction = message.total ? message.loaded / message.total : undefined;
        const amount = download && message.total ? "：" + megabytes(message.loaded) + " / " + megabytes(message.total) + " MB" : "";
        setRuntimeStatus((STAGES[message.stage] || STAGES.start) + amount, download ? fraction : undefined);
      } else if (message.type === "ready") {
        stopWatchdog();
        if (runtime.failed) return;
        runtime.ready = true;
        runtimeBox.classList.add("calc-runtime-ready");
        setRuntimeStatus("计算程序已就绪：修改任何一项，结果会立即更新。", null);
        root.dataset.runtime = "ready";
      } else if (message.type === "failed") {
        if (window.console) console.warn("calculator start-up:", message.error);
        runtimeFailed("load", /HTTP \d+/.test(message.error) ? "有文件无法下载" : "启动出错");
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
      (workerConfig) => {
        if (!runtime.failed) worker.postMessage({ type: "start", config: workerConfig });
      },
      (error) => {
        runtimeFailed("load", error.message);
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

  function isDefault(field, value) {
    return field.default !== null && field.default !== undefined && String(field.default) === value;
  }

  /* What the person filled in. A value left at its default (顺产, 1 个婴儿, the newest date) is not
   * "filled in": it would otherwise start a benefit nobody asked about, and it need not be in links. */
  function readForm() {
    const values = {};
    for (const field of config.fields) {
      const controls = controlsOf(field.key);
      if (field.type === "multi_choice") {
        const checked = controls.filter((box) => box.checked).map((box) => box.value);
        if (checked.length) values[field.key] = checked;
      } else if (controls.length) {
        const value = controls[0].value.trim();
        if (value !== "" && !isDefault(field, value)) values[field.key] = value;
      }
    }
    return values;
  }

  /* Values as the form holds them (text), whatever their JSON type (presets carry numbers and true). */
  function formText(value) {
    return Array.isArray(value) ? value.map(String) : String(value);
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
          if (control.tagName === "SELECT" && control.value !== String(value)) {
            control.value = field.default === null || field.default === undefined ? "" : String(field.default);
          }
        }
      }
    }
    // Figures the person supplied stay in view, not folded away.
    for (const details of form.querySelectorAll("details.calc-supply")) {
      if (Array.from(details.querySelectorAll("input")).some((input) => input.value.trim() !== "")) details.open = true;
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
      const text = formText(value);
      if (!Array.isArray(text) && isDefault(field, text)) continue;
      params.set(field.key, Array.isArray(text) ? text.join(",") : text);
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
    for (const field of form.querySelectorAll(".calc-field-invalid")) field.classList.remove("calc-field-invalid");
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
        box.closest(".calc-field").classList.add("calc-field-invalid");
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

  function supplyButton(fieldKey, label) {
    const button = el("button", { type: "button", className: "calc-supply-button" }, "填写「" + label + "」");
    button.addEventListener("click", () => focusField(fieldKey));
    return button;
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
    if (parameter.source === "user") {
      return el("li", { className: "calc-param-user" }, parameter.label + "：" + (parameter.display || "") + "（由您填写）");
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
    if (missing.field && fieldByKey.has(missing.field)) item.append(" ", supplyButton(missing.field, missing.field_label));
    return item;
  }

  function known(value) {
    return typeof value === "number";
  }

  /* One result in a few words for the summary table: the figure, short notes, and the inputs that
   * would complete it where the sources are silent. Only Python's figures are shown, never computed. */
  function summaryOf(result) {
    const summary = { figure: "—", notes: [], fill: [], state: "plain" };
    if (!result) return summary;
    const fill = new Map();
    for (const missing of result.missing || []) {
      if (missing.field && fieldByKey.has(missing.field)) fill.set(missing.field, missing.field_label);
    }
    summary.fill = Array.from(fill, ([key, label]) => ({ key, label }));
    if (result.eligible === false) {
      summary.figure = "不符合条件";
      summary.state = "ineligible";
      summary.fill = [];
      return summary;
    }
    if (result.benefit === "medical") {
      // Python says how much is reimbursed: exactly, at least (医疗救助 unknown) or not at all.
      if (result.answer === "exact" || result.answer === "bounded") {
        summary.figure = "报销 " + result.display;
        if (known(result.out_of_pocket)) summary.notes.push("个人自付 " + money(result.out_of_pocket));
        else if (result.out_of_pocket_bounds && known(result.out_of_pocket_bounds.high)) summary.notes.push("个人自付最多 " + money(result.out_of_pocket_bounds.high));
        if (known(result.reimbursement_ratio)) summary.notes.push("各项共报销约 " + numberFormat.format(result.reimbursement_ratio) + "%");
      } else {
        summary.figure = result.display || "无法计算";
        summary.state = "missing";
        const paid = (result.layers || []).filter((layer) => layer.id !== "out_of_pocket" && known(layer.amount));
        if (paid.length) summary.notes.push("已知：" + paid.map((layer) => layer.label + "支付 " + money(layer.amount)).join("，"));
      }
      if (result.target) summary.notes.push(result.target.text);
      if (result.stale) summary.notes.push("数字可能已过时");
      return summary;
    }
    if (result.display) {
      summary.figure = result.display;
      if (result.benefit === "maternity" && result.days) summary.notes.push("产假 " + result.days + " 天");
      if (result.benefit === "work_injury") {
        summary.notes.push(known(result.monthly_allowance) ? "另有伤残津贴 " + money(result.monthly_allowance) + "/月" : "无按月的伤残津贴");
      }
      if (result.benefit === "unemployment" && result.unemployment_benefit && result.unemployment_benefit.max_months) {
        const benefit = result.unemployment_benefit;
        summary.notes.push("最长 " + benefit.max_months + " 个月" + (known(benefit.max_total) ? "，共 " + money(benefit.max_total) : ""));
      }
      if (result.eligible === null) summary.notes.push("能否领取待定（见计算步骤）");
      if (result.missing && result.missing.length) summary.notes.push("部分数字原文未规定");
      if (result.answer === "unknown") summary.state = "missing";
      if (result.stale) summary.notes.push("数字可能已过时");
      return summary;
    }
    if (result.benefit === "maternity" && result.days && !(result.missing && result.missing.length)) {
      summary.figure = "产假 " + result.days + " 天";
      summary.notes.push("填写工资后可算生育津贴");
      return summary;
    }
    if (result.missing && result.missing.length) {
      summary.figure = "原文未规定";
      summary.state = "missing";
      if (result.benefit === "pension_monthly" && known(result.account_pension)) {
        summary.notes.push("已知：个人账户养老金 " + money(result.account_pension) + "/月");
      }
      if (result.benefit === "maternity" && result.days) summary.notes.push("产假 " + result.days + " 天");
      return summary;
    }
    summary.figure = result.eligible === null ? "无法判断" : "—";
    return summary;
  }

  function summaryKey(summary) {
    return summary.figure + "|" + summary.notes.join("|");
  }

  function summaryCell(result, region, benefitId) {
    const summary = summaryOf(result);
    const cell = el(
      "td",
      { "data-region": region.id, "data-benefit": benefitId, className: "calc-cell-" + summary.state },
      el("span", { className: "calc-figure" }, summary.figure),
      summary.notes.map((note) => el("span", { className: "calc-note" }, note)),
    );
    if (summary.fill.length) {
      cell.append(el("span", { className: "calc-fill" }, summary.fill.map((item) => supplyButton(item.key, item.label))));
    }
    return cell;
  }

  function summaryTable(answer, benefitIds) {
    const regions = answer.regions;
    const head = el(
      "tr",
      {},
      el("th", { scope: "col", className: "calc-corner" }, "待遇"),
      regions.map((region) =>
        el(
          "th",
          { scope: "col", "data-region": region.id },
          region.name,
          region.data_as_of_text ? el("span", { className: "calc-as-of" }, "本地区资料截至" + region.data_as_of_text) : null,
        ),
      ),
    );
    const rows = benefitIds.map((benefitId) => {
      const results = regions.map((region) => answer.results[region.id][benefitId]);
      // Compare only what is known: "各地相同" needs at least two regions with a known, equal answer.
      const knownKeys = results.filter((result) => result && result.answer !== "unknown").map((result) => summaryKey(summaryOf(result)));
      const differs = new Set(knownKeys).size > 1;
      const same = !differs && knownKeys.length === results.length && knownKeys.length > 1;
      const label = results.find(Boolean).label;
      const header = el(
        "th",
        { scope: "row" },
        el("span", { className: "calc-row-label" }, label),
        differs
          ? el("span", { className: "badge badge-differs calc-badge" }, "各地不同")
          : same
            ? el("span", { className: "calc-same" }, "各地相同")
            : null,
      );
      const cells = results.map((result, index) => summaryCell(result, regions[index], benefitId));
      return el("tr", { className: differs ? "calc-differs" : null, "data-benefit": benefitId }, header, cells);
    });
    const table = el(
      "table",
      { className: "calc-summary" },
      el("caption", {}, "各地估算结果（按 " + answer.on + " 有效的规定）"),
      el("thead", {}, head),
      el("tbody", {}, rows),
    );
    return el("div", { className: "calc-table-wrap", tabindex: "0", role: "region", "aria-label": "各地估算结果，可左右滑动" }, table);
  }

  /* The medical payment chain (基本医保 → 大病保险 → 医疗救助 → 个人自付), one bar per region on the
   * same scale (the bill is the same everywhere), with every amount also written out. */
  // A layer Python could not compute is unknown (never drawn as 0元); one that does not apply says so.
  const LAYER_NOTES = { unknown: "未知", not_applicable: "不适用" };

  function chainRow(region, result, total) {
    const layers = result.layers || [];
    const parts = layers.map((layer) => {
      const amount = known(layer.amount) ? money(layer.amount) : layer.display || LAYER_NOTES[layer.status] || "未知";
      const item = el(
        "li",
        { className: "calc-chain-step" + (known(layer.amount) ? "" : " calc-chain-unknown"), title: layer.reason || "" },
        el("span", { className: "calc-swatch calc-layer-" + layer.id }),
        el("span", { className: "calc-chain-label" }, layer.label),
        " ",
        el("strong", {}, amount),
      );
      return item;
    });
    const bar = el("div", { className: "calc-chain-bar", "aria-hidden": "true" });
    const shown = layers.filter((layer) => known(layer.amount) && layer.amount > 0);
    const sum = shown.reduce((total, layer) => total + layer.amount, 0);
    const scale = total && total >= sum ? total : sum;
    if (scale > 0) {
      for (const layer of shown) {
        const segment = el("span", { className: "calc-seg calc-layer-" + layer.id, title: layer.label + " " + money(layer.amount) });
        segment.style.width = ((layer.amount / scale) * 100).toFixed(2) + "%";
        bar.append(segment);
      }
      if (scale - sum > 0.005 * scale) {
        const rest = el("span", { className: "calc-seg calc-seg-unknown", title: "原文未规定，无法分摊" });
        rest.style.width = (((scale - sum) / scale) * 100).toFixed(2) + "%";
        bar.append(rest);
      }
    }
    return el(
      "div",
      { className: "calc-chain-row", "data-region": region.id },
      el("p", { className: "calc-chain-name" }, region.name),
      scale > 0 ? bar : null,
      el("ol", { className: "calc-chain-steps" }, parts),
    );
  }

  function paymentChain(answer, values) {
    const rows = answer.regions
      .map((region) => [region, answer.results[region.id].medical])
      .filter(([, result]) => result && result.layers && result.layers.length);
    if (!rows.length) return null;
    const total = values["medical.total_cost"] ? plainNumber(values["medical.total_cost"]) : null;
    const legend = el(
      "ul",
      { className: "calc-legend", "aria-hidden": "true" },
      rows[0][1].layers.map((layer) => el("li", {}, el("span", { className: "calc-swatch calc-layer-" + layer.id }), layer.label)),
      el("li", {}, el("span", { className: "calc-swatch calc-seg-unknown" }), "原文未规定、无法分摊的部分"),
    );
    return el(
      "section",
      { className: "calc-chain", "aria-labelledby": "calc-chain-title" },
      el("h3", { id: "calc-chain-title" }, "住院费用由谁支付"),
      el(
        "p",
        { className: "calc-help" },
        (total ? "住院总费用 " + money(total) + "，" : "") + "依次由基本医保、大病保险、医疗救助/综合保障支付，剩下的由个人自付。红色越短，个人负担越少。",
      ),
      legend,
      rows.map(([region, result]) => chainRow(region, result, total)),
    );
  }

  function regionDetails(answer, region, benefitIds, open) {
    const sections = benefitIds.map((benefitId) => {
      const result = answer.results[region.id][benefitId];
      const summary = summaryOf(result);
      const parts = [el("h4", {}, result.label + "：" + summary.figure)];
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

  /* Round tick steps (1, 2, 2.5 or 5 times a power of ten), so axes read 0, 50,000, 100,000 … */
  function tickStep(span, count) {
    const rough = span / count || 1;
    const power = 10 ** Math.floor(Math.log10(rough));
    const step = [1, 2, 2.5, 5, 10].find((factor) => factor * power >= rough) * power;
    return step;
  }

  /* A small line chart: one line per region (colour and dash pattern), a legend, a data table. */
  function lineChart(title, series, unit, xLabel) {
    const available = resultsBody.clientWidth || 640;
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
    if (skipped.length) {
      notes.push(el("p", { className: "calc-help" }, "以下地区缺少原文规定的数字，未画出：" + skipped.map((id) => regionNames.get(id)).join("、") + "。"));
    }
    return el("figure", { className: "calc-figure-chart" }, el("figcaption", {}, title), chart, legend, notes, table);
  }

  function renderWarnings(answer, general) {
    const notes = [];
    for (const message of general) notes.push(el("p", { className: "calc-general-error", role: "alert" }, message));
    for (const message of answer && answer.warnings ? answer.warnings : []) notes.push(el("p", { className: "calc-warning" }, message));
    // How old the figures are: one line when any result is past its figures by more than a year.
    const stale = [];
    for (const region of answer && answer.regions ? answer.regions : []) {
      for (const result of Object.values(answer.results[region.id] || {})) if (result && result.stale && result.stale_message) stale.push(result.stale_message);
    }
    if (stale.length) notes.push(el("p", { className: "calc-warning calc-stale", role: "note" }, stale[0]));
    return notes;
  }

  function inputsSummary(values) {
    const items = [];
    for (const field of config.fields) {
      const value = values[field.key];
      if (value === undefined) continue;
      const text = [].concat(formText(value)).map((item) => {
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
      root.dataset.resultFor = fragmentFrom(values);
      root.dataset.resultState = "empty";
      return;
    }
    parts.push(
      inputsSummary(values),
      el(
        "p",
        { className: "calc-help calc-table-help" },
        "每一列是一个地区，每一行是一项待遇；标有“各地不同”的行，各地结果不一样。" +
          "“至少”“最多”表示资料只给出了下限或上限；“无法计算”表示文件里没有写明所需的数字，知道当地标准的可以点按钮补填。",
      ),
      summaryTable(answer, benefitIds),
    );
    if (benefitIds.includes("medical")) parts.push(paymentChain(answer, values));
    parts.push(el("div", { id: "calc-charts", className: "calc-charts" }));
    parts.push(el("h3", { className: "calc-details-title" }, "每个地区的计算步骤与出处"));
    answer.regions.forEach((region, index) => parts.push(regionDetails(answer, region, benefitIds, index === 0)));
    resultsBody.replaceChildren(...parts);
    root.dataset.resultFor = fragmentFrom(values);
    root.dataset.resultState = "results";
    const labels = benefitIds.map((id) => answer.results[answer.regions[0].id][id].label);
    resultsStatus.textContent = "已更新" + answer.regions.length + "个地区的估算结果：" + labels.join("、") + "。";
  }

  function renderErrors(errors) {
    const general = showErrors(errors);
    const notes = renderWarnings(null, general);
    notes.push(el("p", { className: "calc-empty" }, "请按提示修改标红的项目；其余内容已保留。"));
    resultsBody.replaceChildren(...notes);
    root.dataset.resultFor = "";
    root.dataset.resultState = "errors";
    resultsStatus.textContent = "有 " + Object.keys(errors).length + " 项需要修改。";
  }

  /* ---------- calculation loop --------------------------------------------------------------- */

  let latest = 0;

  async function drawCharts(values, answer, ticket) {
    const first = answer.results[answer.regions[0].id];
    const jobs = [];
    if (values["medical.total_cost"] && first.medical) {
      const cost = plainNumber(values["medical.total_cost"]) || 100000;
      const top = Math.max(cost * 2, 20000);
      const xs = Array.from({ length: 11 }, (_, i) => Math.round((top / 10) * i));
      jobs.push(["个人自付随住院总费用的变化", "medical.total_cost", xs, "元", "住院总费用（元）"]);
    }
    const grades = config.series["pension.annual_contribution"].values;
    if (grades.length && values["pension.years"] && first.pension_monthly) {
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
    try {
      await showResultsFor(values);
    } finally {
      // After the results: drawing the code first (or while Python computes) delayed every result.
      drawQrCodeSoon();
    }
  }

  async function showResultsFor(values) {
    const ticket = ++latest;
    if (runtime.failed) return;
    let answer;
    try {
      answer = await askPython({ action: "calculate", household: values });
    } catch (error) {
      if (ticket === latest && !runtime.failed) {
        resultsBody.replaceChildren(el("p", { className: "calc-general-error", role: "alert" }, "计算时出现问题，请检查输入后重试。"));
        root.dataset.resultState = "errors";
      }
      return;
    }
    if (ticket !== latest) return;
    clearErrors();
    if (answer.errors) {
      renderErrors(answer.errors);
      return;
    }
    renderAnswer(answer, values);
    drawCharts(values, answer, ticket).catch(() => {});
  }

  let recalculation = null;
  function scheduleRecalculation(delay) {
    clearTimeout(recalculation);
    recalculation = setTimeout(recalculate, delay);
  }

  /* ---------- presets, sharing, printing ----------------------------------------------------- */

  function presetValues(preset) {
    const values = {};
    for (const [key, value] of Object.entries(preset.household)) values[key] = formText(value);
    return values;
  }

  function showPresetResult(preset) {
    const heading = el("p", { className: "calc-warning calc-fallback-note" }, "以下是示例家庭“" + preset.label + "”的预先计算结果：" + preset.description);
    renderAnswer(preset.result, presetValues(preset), heading);
  }

  function applyPreset(preset) {
    writeForm(preset.household);
    clearErrors();
    if (runtime.failed) showPresetResult(preset);
    scheduleRecalculation(0);
  }

  /* Python cannot run here: show what the build computed for the example household with the most
   * figures, and leave the form (maybe filled from a link) as it is. */
  function showPresetFallback() {
    const figures = (preset) =>
      Object.values(preset.result.results).reduce((count, benefits) => count + Object.values(benefits).filter((result) => result.display).length, 0);
    const preset = config.presets.reduce((best, candidate) => (figures(candidate) > figures(best) ? candidate : best), config.presets[0]);
    if (preset) showPresetResult(preset);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise((resolve, reject) => {
      const area = el("textarea", { readonly: true, className: "calc-offscreen" });
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
    const hasInput = Boolean(location.hash.length > 1);
    document.getElementById("calc-share").hidden = !hasInput;
    document.getElementById("calc-copy-status").textContent = "";
    if (!hasInput) document.getElementById("calc-qr").replaceChildren();
  }

  let qrTimer = null;
  function drawQrCodeSoon() {
    clearTimeout(qrTimer);
    qrTimer = setTimeout(() => {
      if (location.hash.length <= 1) return;
      const box = document.getElementById("calc-qr");
      try {
        const code = qrCode(location.href);
        box.replaceChildren(...(code ? [code] : []));
      } catch (error) {
        box.replaceChildren(el("p", { className: "calc-help" }, "链接太长，无法生成二维码；请使用“复制链接”。"));
      }
    }, 0);
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
    const { values, ignored } = valuesFromFragment();
    // An in-page anchor (the theme's skip link, a heading's permalink) is not a calculator link.
    if (ignored.length && !Object.keys(values).length) return;
    if (fragmentFrom(values) === fragmentFrom(readForm())) return;
    writeForm(values);
    scheduleRecalculation(0);
  });

  const opened = valuesFromFragment();
  if (location.hash.length > 1) writeForm(opened.values);
  if (opened.ignored.length) {
    runtimeBox.after(el("p", { className: "calc-warning calc-ignored", role: "status" }, "链接中有 " + opened.ignored.length + " 项无法识别的内容，已忽略。"));
  }
  startRuntime();
  scheduleRecalculation(0);
})();
