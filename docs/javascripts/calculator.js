/*
 * 估算待遇, part 5 of 5: the glue between the form and the Python calculator (run by Pyodide in a
 * Web Worker): the runtime, the form and its link, the reader's region, the calculation loop.
 * Drawing results is calculator-results.js, the chart calculator-chart.js, sharing
 * calculator-share.js (all classic scripts loaded before this one).
 *
 * Everything this script knows comes from the page's JSON block (written by the build from the
 * calculator's own field definitions) or from Python's answers. It never computes a benefit itself.
 * All text it shows is set with textContent: values from the URL or from Python are never parsed
 * as markup.
 *
 * Which regions are computed: all of them while they are few (config.compare.all_up_to, the number
 * a topic page shows at once); beyond that national, the reader's region and the regions added in
 * the picker "与其他地区比较" (kept in the link as compare=id,id). Python gets the data of exactly
 * those regions and their ancestors: a shard per region, fetched over http by the worker or, from
 * disk, read from a classic script (vendor/offline/data/<id>.js) that this page adds on demand.
 *
 * Hooks other code relies on: #calculator gets data-runtime="ready" | "failed"; data-result-for is
 * the fragment of the household whose results are shown; data-regions the regions computed;
 * table.calc-summary is the summary table.
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
  const regionIds = new Set(config.regions.map((region) => region.id));
  const regionById = new Map(config.regions.map((region) => [region.id, region]));
  const { el, numberFormat, pageURL } = window.ShebaoCalc.dom;
  // The reader's region: a key of the link beside the form's own, and remembered where allowed.
  const REGION_KEY = "region";
  const REGION_STORAGE = "shebao.region";
  // The regions added to the comparison: a key of the link too (only with many regions).
  const COMPARE_KEY = "compare";
  const manyRegions = config.regions.length > config.compare.all_up_to;

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
      coreName: config.runtime.data.core,
      dataVersion: config.runtime.data.version,
      start: startPreference(),
    };
  }

  /* ?python-start=snapshot|bare in the page's address: how the worker starts Python (benchmarks, tests). */
  function startPreference() {
    const wanted = new URLSearchParams(location.search).get("python-start");
    return wanted === "snapshot" || wanted === "bare" ? wanted : undefined;
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
      snapshot: { url: pageURL(config.runtime.snapshot.url), size: config.runtime.snapshot.size },
      indexURL: pageURL(config.runtime.pyodide),
      wheelName: config.runtime.wheel.name,
      coreName: config.runtime.data.core,
      dataVersion: config.runtime.data.version,
      start: startPreference(),
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
        if (message.start) root.dataset.pythonStart = message.start;
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

  /* ---------- each region's data -------------------------------------------------------------- */

  /* The region and its ancestors, nearest first (the index gives each region's parent). */
  function chainOf(regionId) {
    const chain = [];
    for (let id = regionId; id && regionById.has(id) && !chain.includes(id); id = regionById.get(id).parent) chain.push(id);
    return chain;
  }

  /* Shards read from disk (file://), by region: each classic script is added once. */
  const shardTexts = new Map();
  async function shardFromScript(regionId) {
    if (shardTexts.has(regionId)) return shardTexts.get(regionId);
    const data = config.runtime.data;
    await loadScript(pageURL(data.embedded + regionId + ".js"));
    const table = self[data.global] || {};
    if (!table[regionId]) throw new Error("无法读取 " + regionId + ".js");
    const text = JSON.stringify(table[regionId]);
    delete table[regionId];
    shardTexts.set(regionId, text);
    return text;
  }

  /* What the worker needs to answer for these regions: the shard of each region in their chains
   * (the top of a chain, national, is in the core it already has). */
  async function shardsFor(regions) {
    const needed = [];
    for (const regionId of regions) {
      for (const id of chainOf(regionId)) if (regionById.get(id).parent && !needed.includes(id)) needed.push(id);
    }
    const data = config.runtime.data;
    if (location.protocol === "file:") {
      return Promise.all(needed.map(async (id) => ({ id, text: await shardFromScript(id) })));
    }
    return needed.map((id) => ({ id, url: pageURL(data.shards + id + ".json?v=" + data.version) }));
  }

  async function askPython(request) {
    if (runtime.failed) throw new Error(runtime.failed);
    const shards = request.regions ? await shardsFor(request.regions) : [];
    const id = runtime.nextId++;
    return new Promise((resolve, reject) => {
      runtime.waiting.set(id, { resolve, reject });
      runtime.worker.postMessage({ type: "calculate", id, request: JSON.stringify(request), shards });
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
    let region = null;
    let compare = null;
    const unknownRegions = [];
    if (!fragment) return { values, region, ignored, compare, unknownRegions };
    const params = new URLSearchParams(fragment);
    for (const [key, rawValue] of params) {
      if (key === REGION_KEY && (regionIds.has(rawValue) || rawValue === "")) {
        region = rawValue;
        continue;
      }
      if (key === REGION_KEY) {
        unknownRegions.push(rawValue);
        continue;
      }
      if (key === COMPARE_KEY && manyRegions) {
        compare = [];
        for (const id of rawValue.split(",").slice(0, 100)) {
          if (!id) continue;
          if (regionIds.has(id) && regionById.get(id).parent) {
            if (!compare.includes(id) && compare.length < config.compare.max_compared) compare.push(id);
          } else {
            unknownRegions.push(id);
          }
        }
        continue;
      }
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
    return { values, region, ignored, compare, unknownRegions };
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

  /* The link: the form's values, then the reader's region. */
  function updateFragment(values) {
    const params = new URLSearchParams(fragmentFrom(values));
    if (myRegion) params.set(REGION_KEY, myRegion);
    // Region ids are plain ASCII: the list keeps its commas readable.
    const fragment = [params.toString(), compared.length ? COMPARE_KEY + "=" + compared.join(",") : ""].filter(Boolean).join("&");
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
  /* ---------- the reader's region ------------------------------------------------------------ */

  const regionSelect = document.getElementById("calc-region");

  function storedRegion() {
    try {
      const stored = window.localStorage.getItem(REGION_STORAGE);
      return stored && regionIds.has(stored) ? stored : "";
    } catch (error) {
      return ""; // storage refused (private mode, file:// in some browsers): the link still holds it
    }
  }

  function rememberRegion(regionId) {
    try {
      if (regionId) window.localStorage.setItem(REGION_STORAGE, regionId);
      else window.localStorage.removeItem(REGION_STORAGE);
    } catch (error) {
      /* not allowed here: the link keeps the choice */
    }
  }

  let myRegion = "";
  function setRegion(regionId, { remember } = { remember: true }) {
    myRegion = regionIds.has(regionId) ? regionId : "";
    regionSelect.value = myRegion;
    root.dataset.myRegion = myRegion;
    if (remember) rememberRegion(myRegion);
  }

  /* ---------- which regions are computed, and the picker "与其他地区比较" ------------------------ */

  let compared = []; // ids added in the picker, in the order added

  /* All regions while they are few; else national (config.compare.default), the reader's region
   * and the compared ones, in the index's order. */
  function computedRegions() {
    if (!manyRegions) return config.compare.default.slice();
    const wanted = new Set([...config.compare.default, ...(myRegion ? [myRegion] : []), ...compared]);
    return config.regions.map((region) => region.id).filter((id) => wanted.has(id));
  }

  /* The province a region belongs to (the ancestor right below the top of its chain), for labels. */
  function provinceOf(regionId) {
    const chain = chainOf(regionId);
    return chain.length > 2 ? regionById.get(chain[chain.length - 2]).name : "";
  }
  function labelOf(regionId) {
    const province = provinceOf(regionId);
    return regionById.get(regionId).name + (province ? "（" + province + "）" : "");
  }

  const picker = document.getElementById("calc-compare");
  const MATCHES_SHOWN = 20;
  function drawPicker() {
    if (!picker) return;
    const chosenList = picker.querySelector(".calc-compare-chosen");
    chosenList.replaceChildren(
      ...compared.map((id) => {
        const remove = el("button", { type: "button", className: "calc-compare-remove", "data-region": id, "aria-label": "不再比较" + regionById.get(id).name }, "×");
        remove.addEventListener("click", () => setCompared(compared.filter((other) => other !== id)));
        return el("li", { "data-region": id }, labelOf(id) + " ", remove);
      }),
    );
    picker.querySelector(".calc-compare-empty").hidden = compared.length > 0;
    const full = compared.length >= config.compare.max_compared;
    const query = picker.querySelector("input[type=search]").value.trim();
    const note = picker.querySelector(".calc-compare-full");
    note.hidden = !full;
    const matches = [];
    if (!full) {
      for (const region of config.regions) {
        if (!region.parent || compared.includes(region.id)) continue;
        // Without a query: the regions right below the top (the provinces); with one, any region
        // whose name or province holds it.
        const hit = query ? (region.name + provinceOf(region.id)).includes(query) : regionById.get(region.parent).parent === null;
        if (hit) matches.push(region.id);
        if (matches.length > MATCHES_SHOWN) break;
      }
    }
    const list = picker.querySelector(".calc-compare-matches");
    list.replaceChildren(
      ...matches.slice(0, MATCHES_SHOWN).map((id) => {
        const add = el("button", { type: "button", className: "calc-compare-add", "data-region": id }, "加入比较：" + labelOf(id));
        add.addEventListener("click", () => setCompared([...compared, id]));
        return el("li", {}, add);
      }),
    );
    const more = picker.querySelector(".calc-compare-more");
    more.hidden = matches.length <= MATCHES_SHOWN;
    picker.querySelector(".calc-compare-none").hidden = full || matches.length > 0 || !query;
  }

  function setCompared(ids) {
    compared = ids.filter((id, index) => regionById.has(id) && regionById.get(id).parent && ids.indexOf(id) === index).slice(0, config.compare.max_compared);
    drawPicker();
    updateFragment(readForm());
    share.update();
    lastAsked = null;
    scheduleRecalculation(0);
  }

  if (picker) {
    picker.querySelector("input[type=search]").addEventListener("input", drawPicker);
    // Enter in the search box adds the first match, and never submits the household's form.
    picker.querySelector("input[type=search]").addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const first = picker.querySelector(".calc-compare-add");
      if (first) first.click();
    });
  }

  /* ---------- drawing results ------------------------------------------------------------------ */

  const results = window.ShebaoCalc.results.create({
    config,
    fieldByKey,
    resultsBody,
    resultsStatus,
    root,
    focusField,
    formText,
  });
  const share = window.ShebaoCalc.share.setUp(config.public_url, "calculator.html");

  /* A shared link opens on its result: the results (and the start-up status) come before the
   * form, and the first screen shows "分享的计算：…"; 修改情况 puts the form back first. */
  let sharedMode = false;
  let sharedLanded = false;
  function leaveSharedMode() {
    sharedMode = false;
    root.classList.remove("calc-shared-mode");
    const box = document.getElementById("calc-shared");
    if (box) box.remove();
    // The first field the link filled in, where the reader most likely wants to change something.
    const filled = readForm();
    const first = config.fields.find((field) => filled[field.key] !== undefined && field.type !== "multi_choice");
    form.scrollIntoView({ block: "start" });
    if (first) focusField(first.key);
  }
  function enterSharedMode(values) {
    sharedMode = true;
    root.classList.add("calc-shared-mode");
    resultsBody.replaceChildren(results.sharedBox(values, null, null, [], leaveSharedMode));
    document.getElementById("calc-results").scrollIntoView({ block: "start" });
  }

  let lastShown = null; // {answer, values, heading} of the results on screen

  function draw() {
    if (!lastShown) return;
    results.renderAnswer(lastShown.answer, lastShown.values, {
      heading: lastShown.heading,
      myRegion,
      shared: sharedMode ? { onEdit: leaveSharedMode } : null,
    });
    root.dataset.resultFor = fragmentFrom(lastShown.values);
    if (sharedMode && !sharedLanded) {
      // Once, when the shared result first arrives: its line and figures on the first screen.
      sharedLanded = true;
      document.getElementById("calc-results").scrollIntoView({ block: "start" });
    }
  }

  function renderErrors(errors) {
    const general = showErrors(errors);
    const notes = results.renderWarnings(null, general);
    notes.push(el("p", { className: "calc-empty" }, "请按提示修改标红的项目；其余内容已保留。"));
    resultsBody.replaceChildren(...notes);
    lastShown = null;
    root.dataset.resultFor = "";
    root.dataset.resultState = "errors";
    resultsStatus.textContent = "有 " + Object.keys(errors).length + " 项需要修改。";
  }

  /* ---------- calculation loop --------------------------------------------------------------- */

  let latest = 0;
  let lastAsked = null; // the household last sent to Python: asking again for it redraws nothing

  /* The curves Python says this household calls for, drawn as they come (titles, labels, points). */
  async function drawCharts(values, regions, shown, ticket) {
    const reply = await askPython({ action: "charts", household: values, regions });
    if (ticket !== latest || reply.errors) return;
    const figures = reply.charts
      .map((chart) => window.ShebaoCalc.chart.draw(chart.title, chart.series, chart.unit_label, chart.x_label, shown, resultsBody.clientWidth))
      .filter(Boolean);
    const box = document.getElementById("calc-charts");
    if (box) box.replaceChildren(...(figures.length ? [el("h3", {}, "变化曲线"), ...figures] : []));
  }

  async function recalculate() {
    const values = readForm();
    updateFragment(values);
    share.update();
    try {
      await showResultsFor(values);
    } finally {
      // After the results: drawing the code first (or while Python computes) delayed every result.
      share.drawQrCodeSoon();
    }
  }

  async function showResultsFor(values) {
    if (runtime.failed) return;
    // A field's blur (change) after its input already computed the same household: redrawing
    // would only close what the reader just opened.
    const regions = computedRegions();
    const key = fragmentFrom(values) + "|" + regions.join(",");
    if (key === lastAsked) return;
    lastAsked = key;
    const ticket = ++latest;
    let answer;
    try {
      answer = await askPython({ action: "calculate", household: values, regions });
    } catch (error) {
      if (ticket === latest && !runtime.failed) {
        lastAsked = null;
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
    lastShown = { answer, values, heading: null };
    root.dataset.regions = regions.join(" ");
    draw();
    drawCharts(values, regions, answer.regions, ticket).catch(() => {});
  }

  let recalculation = null;
  function scheduleRecalculation(delay) {
    clearTimeout(recalculation);
    recalculation = setTimeout(recalculate, delay);
  }

  /* ---------- presets -------------------------------------------------------------------------- */

  function presetValues(preset) {
    const values = {};
    for (const [key, value] of Object.entries(preset.household)) values[key] = formText(value);
    return values;
  }

  function showPresetResult(preset) {
    const heading = el("p", { className: "calc-warning calc-fallback-note" }, "以下是示例家庭“" + preset.label + "”的预先计算结果：" + preset.description);
    // Not the shared household's results: no "分享的计算" line above them.
    sharedMode = false;
    root.classList.remove("calc-shared-mode");
    lastShown = { answer: { ...preset.result, applying: config.preset_applying }, values: presetValues(preset), heading };
    draw();
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
  regionSelect.addEventListener("change", () => {
    setRegion(regionSelect.value);
    updateFragment(readForm());
    share.update();
    share.drawQrCodeSoon();
    draw();
    // With many regions the reader's own is computed only once chosen.
    if (manyRegions) scheduleRecalculation(0);
  });
  document.getElementById("calc-print").addEventListener("click", () => window.print());
  window.addEventListener("hashchange", () => {
    const { values, region, ignored, compare } = valuesFromFragment();
    // An in-page anchor (the theme's skip link, a heading's permalink) is not a calculator link.
    if (ignored.length && !Object.keys(values).length && region === null && compare === null) return;
    if (region !== null && region !== myRegion) {
      setRegion(region);
      draw();
      if (manyRegions) scheduleRecalculation(0);
    }
    if (compare !== null && compare.join(",") !== compared.join(",")) {
      compared = compare;
      drawPicker();
      scheduleRecalculation(0);
    }
    if (fragmentFrom(values) === fragmentFrom(readForm())) return;
    writeForm(values);
    scheduleRecalculation(0);
  });

  const opened = valuesFromFragment();
  setRegion(opened.region !== null ? opened.region : storedRegion(), { remember: opened.region !== null });
  if (opened.compare) compared = opened.compare;
  drawPicker();
  if (opened.unknownRegions.length) {
    // Never the ids themselves as markup: text only, each shortened.
    const shown = opened.unknownRegions.slice(0, 5).map((id) => "“" + id.slice(0, 30) + "”").join("、");
    const text = "链接中有 " + opened.unknownRegions.length + " 个地区无法识别（" + shown + (opened.unknownRegions.length > 5 ? "等" : "") + "），已忽略；其余内容照常计算。";
    runtimeBox.after(el("p", { className: "calc-warning calc-unknown-regions", role: "status" }, text));
  }
  if (location.hash.length > 1) writeForm(opened.values);
  if (opened.ignored.length) {
    runtimeBox.after(el("p", { className: "calc-warning calc-ignored", role: "status" }, "链接中有 " + opened.ignored.length + " 项无法识别的内容，已忽略。"));
  }
  if (Object.keys(opened.values).length) enterSharedMode(opened.values);
  startRuntime();
  scheduleRecalculation(0);
})();
