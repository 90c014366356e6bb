/*
 * 估算待遇, part 4 of 5: drawing Python's answer. The reader's own region (when chosen) comes first,
 * as a card with its figures, how to apply, steps and sources; the other regions follow behind
 * "与其他地区比较". Without a chosen region every region is shown: a matrix on wide screens, one card
 * per region on phones (CSS decides which one is visible).
 *
 * Only Python's figures and sentences are shown (display, summary, bounds, stale_message …); nothing
 * here computes a benefit. Folded panels remember whether the reader opened them, so a
 * recalculation never closes what the reader opened.
 */
(function () {
  "use strict";

  const ns = (window.ShebaoCalc = window.ShebaoCalc || {});
  const { el, numberFormat, money, known, plainNumber } = ns.dom;
  const HELPLINE = "请拨打 12333（人力资源和社会保障咨询电话）或到当地社会保险经办机构询问。";

  function create(ctx) {
    const { config, fieldByKey, resultsBody, resultsStatus, root, focusField, formText } = ctx;
    const regionNames = new Map(config.regions.map((region) => [region.id, region.name]));
    // A document's or region's page from its id ({id} in the pattern the build wrote).
    const pageOf = (pattern, id) => pattern.replace("{id}", encodeURIComponent(id));

    /* ---------- panels that keep their state --------------------------------------------- */

    const panels = new Map();
    resultsBody.addEventListener(
      "toggle",
      (event) => {
        const details = event.target;
        if (details.dataset && details.dataset.panel && !printing) panels.set(details.dataset.panel, details.open);
      },
      true,
    );
    let printing = false;

    function panel(key, openByDefault, summaryText, ...content) {
      const open = panels.has(key) ? panels.get(key) : openByDefault;
      return el("details", { "data-panel": key, open: open || null }, el("summary", {}, summaryText), ...content);
    }

    /* Horizontal scroll positions (the matrix) survive a redraw too. */
    function scrollPositions() {
      const positions = new Map();
      for (const box of resultsBody.querySelectorAll("[data-scroll-key]")) positions.set(box.dataset.scrollKey, box.scrollLeft);
      return positions;
    }
    function restoreScroll(positions) {
      for (const box of resultsBody.querySelectorAll("[data-scroll-key]")) {
        const left = positions.get(box.dataset.scrollKey);
        if (left) box.scrollLeft = left;
      }
    }

    /* ---------- one result in a few words ------------------------------------------------- */

    function supplyButton(fieldKey, label) {
      const button = el("button", { type: "button", className: "calc-supply-button" }, "填写「" + label + "」");
      button.addEventListener("click", () => focusField(fieldKey));
      return button;
    }

    const UNKNOWN = new Set(["missing", "unknown"]);

    /* The figure, short notes, and the inputs that would complete it. Python's `answer` and
     * `display` decide when present; older answers (without them) are read from their fields. */
    function summaryOf(result) {
      const summary = { figure: "—", notes: [], fill: [], state: "plain" };
      if (!result) return summary;
      const fill = new Map();
      for (const missing of result.missing || []) {
        if (missing.field && fieldByKey.has(missing.field)) fill.set(missing.field, missing.field_label);
      }
      summary.fill = Array.from(fill, ([key, label]) => ({ key, label }));
      const answer = result.answer;
      if (answer === "not_eligible" || result.eligible === false) {
        summary.figure = "不符合条件";
        summary.state = "ineligible";
        summary.fill = [];
        return summary;
      }
      if (result.benefit === "medical") {
        // Python says how much is reimbursed: exactly, at least (医疗救助 unknown) or not at all.
        if (answer === "exact" || answer === "bounded") {
          summary.figure = "报销 " + result.display;
          if (answer === "bounded") summary.state = "bounded";
          if (known(result.out_of_pocket)) summary.notes.push("个人自付 " + money(result.out_of_pocket));
          else if (result.out_of_pocket_bounds && known(result.out_of_pocket_bounds.high)) {
            summary.notes.push("个人自付最多 " + money(result.out_of_pocket_bounds.high));
          }
          if (known(result.reimbursement_ratio)) summary.notes.push("各项共报销约 " + numberFormat.format(result.reimbursement_ratio) + "%");
        } else if (!answer && known(result.out_of_pocket)) {
          summary.figure = "个人自付 " + money(result.out_of_pocket);
          if (known(result.reimbursement_ratio)) summary.notes.push("各项共报销约 " + numberFormat.format(result.reimbursement_ratio) + "%");
        } else {
          summary.figure = result.display || "无法计算";
          summary.state = "missing";
          const paid = (result.layers || []).filter((layer) => layer.id !== "out_of_pocket" && known(layer.amount) && layer.status !== "not_applicable");
          if (paid.length) summary.notes.push("已知：" + paid.map((layer) => layer.label + "支付 " + money(layer.amount)).join("，"));
        }
        return withCommonNotes(result, summary);
      }
      if (answer === "unknown") {
        summary.figure = result.display || "无法计算";
        summary.state = "missing";
      } else if (result.display) {
        summary.figure = result.display;
        if (answer === "bounded") summary.state = "bounded";
      } else if (result.benefit === "maternity" && result.days && !(result.missing && result.missing.length)) {
        summary.figure = "产假 " + result.days + " 天";
        summary.notes.push("填写工资后可算生育津贴");
        return withCommonNotes(result, summary);
      } else if (result.missing && result.missing.length) {
        summary.figure = "原文未规定";
        summary.state = "missing";
      } else {
        summary.figure = result.eligible === null ? "无法判断" : "—";
      }
      if (result.benefit === "maternity" && result.days) summary.notes.push("产假 " + result.days + " 天");
      if (result.benefit === "work_injury" && summary.state !== "missing") {
        summary.notes.push(known(result.monthly_allowance) ? "另有伤残津贴 " + money(result.monthly_allowance) + "/月" : "无按月的伤残津贴");
      }
      if (result.benefit === "unemployment" && result.unemployment_benefit && result.unemployment_benefit.max_months) {
        const benefit = result.unemployment_benefit;
        summary.notes.push("最长 " + benefit.max_months + " 个月" + (known(benefit.max_total) ? "，共 " + money(benefit.max_total) : ""));
      }
      if (summary.state === "missing") {
        if (result.benefit === "pension_monthly" && known(result.account_pension)) {
          summary.notes.push("已知：个人账户养老金 " + money(result.account_pension) + "/月");
        }
      } else {
        if (result.eligible === null) summary.notes.push("能否领取待定（见计算步骤）");
        if (result.display && result.missing && result.missing.length) summary.notes.push("部分数字原文未规定");
      }
      return withCommonNotes(result, summary);
    }

    function withCommonNotes(result, summary) {
      if (result.target && result.target.text) summary.notes.push(result.target.text);
      if (result.stale) summary.notes.push("数字可能已过时");
      return summary;
    }

    function summaryKey(summary) {
      return summary.figure + "|" + summary.notes.join("|");
    }

    function figureParts(summary) {
      const parts = [el("span", { className: "calc-figure" }, summary.figure), summary.notes.map((note) => el("span", { className: "calc-note" }, note))];
      if (summary.fill.length) parts.push(el("span", { className: "calc-fill" }, summary.fill.map((item) => supplyButton(item.key, item.label))));
      return parts;
    }

    /* ---------- the matrix (wide screens) ------------------------------------------------ */

    function summaryTable(answer, regions, benefitIds) {
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
        const summaries = results.map(summaryOf);
        // Compare only what is known: "各地相同" needs at least two regions with a known, equal answer.
        const knownKeys = summaries.filter((summary, index) => results[index] && results[index].answer !== "unknown" && !UNKNOWN.has(summary.state)).map(summaryKey);
        const differs = new Set(knownKeys).size > 1;
        const sameKnown = !differs && knownKeys.length === results.length && knownKeys.length > 1;
        const label = results.find(Boolean).label;
        const header = el(
          "th",
          { scope: "row" },
          el("span", { className: "calc-row-label" }, label),
          differs
            ? el("span", { className: "badge badge-differs calc-badge" }, "各地不同")
            : sameKnown
              ? el("span", { className: "calc-same" }, "各地相同")
              : null,
        );
        const cells = summaries.map((summary, index) =>
          el("td", { "data-region": regions[index].id, "data-benefit": benefitId, className: "calc-cell-" + summary.state }, figureParts(summary)),
        );
        return el("tr", { className: differs ? "calc-differs" : null, "data-benefit": benefitId }, header, cells);
      });
      const table = el(
        "table",
        { className: "calc-summary" },
        el("caption", {}, "各地估算结果（按 " + answer.on + " 有效的规定）"),
        el("thead", {}, head),
        el("tbody", {}, rows),
      );
      return el("div", { className: "calc-table-wrap calc-matrix-wrap", tabindex: "0", role: "region", "aria-label": "各地估算结果，可左右滑动", "data-scroll-key": "matrix" }, table);
    }

    /* ---------- the medical payment chain --------------------------------------------------- */

    function boundsText(bounds) {
      if (!bounds) return null;
      const low = known(bounds.low) ? money(bounds.low) : null;
      const high = known(bounds.high) ? money(bounds.high) : null;
      if (low && high) return low + "–" + high;
      if (low) return "至少 " + low;
      if (high) return "最多 " + high;
      return null;
    }

    /* An unknown layer reads as unknown (Python's words, or 未知), never as 0元; its reason is in the
     * text too, so a phone (no hover) shows it. */
    function layerText(layer) {
      if (layer.status === "not_applicable") return { text: layer.display || "不适用", known: false };
      if (known(layer.amount) && layer.status !== "unknown" && layer.status !== "missing") {
        return { text: money(layer.amount) + (layer.status === "given" ? "（由您填写）" : ""), known: true };
      }
      const range = layer.display || boundsText(layer.bounds);
      if (range) return { text: range, known: false };
      if (layer.status === "missing") return { text: "原文未规定", known: false };
      return { text: "未知", known: false };
    }

    function chainRow(region, result, total) {
      const layers = result.layers || [];
      const parts = layers.map((layer) => {
        const shown = layerText(layer);
        return el(
          "li",
          { className: "calc-chain-step" + (shown.known ? "" : " calc-chain-unknown"), "data-layer": layer.id, "data-status": layer.status || null },
          el("span", { className: "calc-swatch calc-layer-" + layer.id }),
          el("span", { className: "calc-chain-label" }, layer.label),
          " ",
          el("strong", {}, shown.text),
          layer.reason && !shown.known ? el("span", { className: "calc-chain-reason" }, "（" + layer.reason + "）") : null,
        );
      });
      const bar = el("div", { className: "calc-chain-bar", "aria-hidden": "true" });
      const shown = layers.filter((layer) => layerText(layer).known && layer.amount > 0);
      const sum = shown.reduce((all, layer) => all + layer.amount, 0);
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

    function paymentChain(answer, values, regions, id) {
      const rows = regions
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
        { className: "calc-chain", "aria-labelledby": id },
        el("h3", { id }, "住院费用由谁支付"),
        el(
          "p",
          { className: "calc-help" },
          (total ? "住院总费用 " + money(total) + "，" : "") + "依次由基本医保、大病保险、医疗救助/综合保障支付，剩下的由个人自付。红色越短，个人负担越少。",
        ),
        legend,
        rows.map(([region, result]) => chainRow(region, result, total)),
      );
    }

    /* ---------- steps, sources, how to apply ------------------------------------------------ */

    function sourceLinks(reference, parameterId) {
      const parts = [];
      if (reference) {
        const documentURL = reference.document ? pageOf(config.links.document, reference.document) : null;
        const name = "《" + reference.title + "》" + (reference.number ? reference.number : "");
        parts.push(documentURL ? el("a", { href: documentURL }, name) : name);
        if (reference.section) parts.push(" " + reference.section);
      }
      const rowURL = parameterId ? config.links.parameters[parameterId] : null;
      if (rowURL) parts.push(" ", el("a", { href: rowURL, className: "calc-row-link" }, "各地对比"));
      return parts;
    }

    function parameterItem(parameter) {
      if (parameter.source === "user") {
        return el("li", { className: "calc-param-user" }, parameter.label + "：" + (parameter.display || "") + "（由您填写）");
      }
      const where = parameter.region_name ? "，" + parameter.region_name + "规定" : "";
      const since = parameter.from ? "，" + parameter.from + "起" : "";
      return el("li", {}, parameter.label + "：" + (parameter.display || "") + where + since + "。出处：", sourceLinks(parameter.reference, parameter.id));
    }

    /* A figure cited again in a later step of the same benefit: its value, and "出处见上". */
    function stepItem(step, cited) {
      const item = el("li", {}, el("span", { className: "calc-step-text" }, step.text));
      if (step.parameters && step.parameters.length) {
        const items = step.parameters.map((parameter) => {
          const key = parameter.source === "user" ? "user:" + parameter.label : parameter.id + "@" + parameter.from;
          if (!cited.has(key)) {
            cited.add(key);
            return parameterItem(parameter);
          }
          return el("li", { className: "calc-param-repeat" }, parameter.label + "：" + (parameter.display || "") + "（出处见上）");
        });
        item.append(el("ul", { className: "calc-params" }, items));
      }
      return item;
    }

    function missingItem(missing) {
      const item = el("li", {}, missing.message);
      if (missing.hint) item.append(el("span", { className: "calc-hint" }, "（" + missing.hint + "）"));
      if (missing.field && fieldByKey.has(missing.field)) item.append(" ", supplyButton(missing.field, missing.field_label));
      return item;
    }

    function benefitSteps(result, benefitId) {
      const summary = summaryOf(result);
      const parts = [el("h4", {}, result.label + "：" + summary.figure)];
      if (result.stale_message) parts.push(el("p", { className: "calc-warning calc-stale" }, result.stale_message));
      if (result.target && result.target.text) parts.push(el("p", { className: "calc-target" }, result.target.text));
      if (result.payer) parts.push(el("p", {}, "由谁负担：" + result.payer));
      const cited = new Set();
      if (result.steps && result.steps.length) parts.push(el("ol", { className: "calc-steps" }, result.steps.map((step) => stepItem(step, cited))));
      if (result.missing && result.missing.length) {
        parts.push(el("p", { className: "calc-subhead" }, "原文未规定（可自行补充）"), el("ul", { className: "calc-missing" }, result.missing.map(missingItem)));
      }
      if (result.assumptions && result.assumptions.length) {
        parts.push(el("p", { className: "calc-subhead" }, "计算时的假设"), el("ul", { className: "calc-assumptions" }, result.assumptions.map((text) => el("li", {}, text))));
      }
      return el("section", { className: "calc-benefit", "data-benefit": benefitId }, parts);
    }

    /* Sourced statements on where to apply, whom to ask and what happens by itself (policy_data's
     * `applying:`), the region's own first, then the national ones, each once with the benefits it
     * concerns; the benefits none of the region's statements covers are named, with 12333. */
    function statementItem(item, benefitIds, labels, scope) {
      const concerned = item.benefits.filter((id) => benefitIds.includes(id));
      return el(
        "li",
        { className: "calc-apply-" + item.kind, "data-benefits": concerned.join(" ") },
        scope ? el("span", { className: "calc-apply-scope" }, scope + "：") : null,
        el("span", { className: "calc-apply-kind" }, (config.apply_kinds[item.kind] || "") + "："),
        item.text,
        el("span", { className: "calc-apply-for" }, "（" + concerned.map((id) => labels[id]).join("、") + "）"),
        el("span", { className: "calc-apply-source" }, "出处：", sourceLinks(item.reference, null)),
      );
    }

    function howToApply(answer, region, benefitIds) {
      const labels = {};
      for (const benefitId of benefitIds) labels[benefitId] = answer.results[region.id][benefitId].label;
      const concerns = (item) => item.benefits.some((id) => benefitIds.includes(id));
      // Python's answer carries each region's statements and those of the top of its chain (national).
      const applying = answer.applying || {};
      const own = (applying[region.id] || []).filter(concerns);
      const national = region.id === "national" ? [] : (applying.national || []).filter(concerns);
      const silent = benefitIds.filter((id) => !own.some((item) => item.benefits.includes(id)));
      const items = [
        ...own.map((item) => statementItem(item, benefitIds, labels, null)),
        ...national.map((item) => statementItem(item, benefitIds, labels, "全国")),
      ];
      if (silent.length) {
        items.push(
          el(
            "li",
            { className: "calc-apply-silent", "data-benefits": silent.join(" ") },
            "所收录的" + region.name + "文件没有写明在哪里、怎样办理" + silent.map((id) => labels[id]).join("、") + "。" + HELPLINE,
          ),
        );
      }
      return el("ul", { className: "calc-apply-list" }, items);
    }

    /* ---------- a region as a card ----------------------------------------------------------- */

    function regionCard(answer, values, region, benefitIds, mine) {
      const figures = el(
        "dl",
        { className: "calc-card-figures" },
        benefitIds.map((benefitId) => {
          const result = answer.results[region.id][benefitId];
          const summary = summaryOf(result);
          return [
            el("dt", {}, result.label),
            el("dd", { className: "calc-cell-" + summary.state, "data-region": region.id, "data-benefit": benefitId }, figureParts(summary)),
          ];
        }),
      );
      const stale = [];
      for (const benefitId of benefitIds) {
        const message = answer.results[region.id][benefitId].stale_message;
        if (message && !stale.includes(message)) stale.push(message);
      }
      const regionURL = pageOf(config.links.region, region.id);
      const steps = panel(
        "steps:" + region.id,
        mine,
        region.name + "：计算步骤与出处",
        regionURL ? el("p", {}, el("a", { href: regionURL }, "查看" + region.name + "的全部规定")) : null,
        benefitIds.map((benefitId) => benefitSteps(answer.results[region.id][benefitId], benefitId)),
      );
      steps.classList.add("calc-region");
      steps.dataset.region = region.id;
      const apply = panel(
        "apply:" + region.id,
        mine,
        region.name + "：怎样申请、向谁咨询",
        howToApply(answer, region, benefitIds),
        el("p", { className: "calc-apply-helpline" }, "有疑问时：" + HELPLINE),
      );
      apply.classList.add("calc-apply");
      apply.dataset.region = region.id;
      const heading = el("h3", { className: "calc-card-title", id: "calc-card-" + region.id }, region.name, mine ? el("span", { className: "calc-card-mine-note" }, "（您选择的地区）") : null);
      return el(
        "section",
        { className: "calc-card" + (mine ? " calc-card-mine" : ""), "data-region": region.id, "aria-labelledby": "calc-card-" + region.id },
        heading,
        region.data_as_of_text ? el("p", { className: "calc-data-age" }, "本地区所用资料截至" + region.data_as_of_text) : null,
        stale.map((message) => el("p", { className: "calc-warning calc-stale" }, message)),
        figures,
        mine && benefitIds.includes("medical") ? paymentChain(answer, values, [region], "calc-chain-title-mine") : null,
        apply,
        steps,
      );
    }

    /* ---------- the whole answer ------------------------------------------------------------- */

    function fieldText(field, value) {
      return []
        .concat(formText(value))
        .map((item) => {
          const choice = field.choices.find((c) => c.value === item);
          if (choice) return choice.label;
          if (field.type === "boolean") return item === "true" ? "是" : "否";
          return item + (field.unit_label || "");
        })
        .join("、");
    }

    function inputsSummary(values) {
      const items = [];
      for (const field of config.fields) {
        if (values[field.key] === undefined) continue;
        items.push(el("dt", {}, field.label), el("dd", {}, fieldText(field, values[field.key])));
      }
      return el("section", { className: "calc-inputs" }, el("h3", {}, "填写的情况"), el("dl", {}, items));
    }

    /* "分享的计算：…" — the situation in one line, and the chosen region's results in another. */
    function inputsLine(values) {
      return config.fields
        .filter((field) => values[field.key] !== undefined)
        .map((field) => field.label + " " + fieldText(field, values[field.key]))
        .join("；");
    }

    function resultLine(answer, region, benefitIds) {
      return (
        region.name +
        "：" +
        benefitIds
          .map((benefitId) => {
            const result = answer.results[region.id][benefitId];
            // Python's one-line summary names the region; the line names it once.
            const prefix = region.name + "：";
            if (result.summary) return result.summary.startsWith(prefix) ? result.summary.slice(prefix.length) : result.summary;
            return result.label + " " + summaryOf(result).figure;
          })
          .join("；")
      );
    }

    function sharedBox(values, answer, mine, benefitIds, onEdit) {
      const box = el(
        "div",
        { className: "calc-shared", id: "calc-shared", role: "note" },
        el("p", { className: "calc-shared-inputs" }, el("strong", {}, "分享的计算："), inputsLine(values) || "（没有填写内容）"),
      );
      if (answer && mine && benefitIds.length) box.append(el("p", { className: "calc-shared-result" }, resultLine(answer, mine, benefitIds)));
      else if (!answer) box.append(el("p", { className: "calc-shared-result" }, "正在计算……"));
      else if (benefitIds.length) box.append(el("p", { className: "calc-shared-result" }, "各地区的结果见下方。"));
      const edit = el("button", { type: "button", className: "md-button calc-edit" }, "修改情况");
      edit.addEventListener("click", onEdit);
      box.append(edit);
      return box;
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

    /* options: {heading, myRegion, shared: null | {onEdit}} */
    function renderAnswer(answer, values, options) {
      const opts = options || {};
      const first = answer.regions.length ? answer.results[answer.regions[0].id] : {};
      const benefitIds = config.benefits.map((b) => b.id).filter((id) => first[id]);
      const mine = answer.regions.find((region) => region.id === opts.myRegion) || null;
      const ordered = mine ? [mine, ...answer.regions.filter((region) => region !== mine)] : answer.regions;
      const positions = scrollPositions();
      const parts = [];
      if (opts.shared) parts.push(sharedBox(values, answer, mine, benefitIds, opts.shared.onEdit));
      if (opts.heading) parts.push(opts.heading);
      parts.push(...renderWarnings(answer, []));
      if (!benefitIds.length) {
        parts.push(el("p", { className: "calc-empty" }, "填写上面的任意一部分后，这里会显示每个地区的估算结果。"));
        resultsBody.replaceChildren(...parts);
        root.dataset.resultState = "empty";
        return;
      }
      parts.push(inputsSummary(values));
      const tableHelp = el(
        "p",
        { className: "calc-help calc-table-help" },
        "每一列是一个地区，每一行是一项待遇；标有“各地不同”的行，各地结果不一样。" +
          "“至少”“最多”表示资料只给出了下限或上限；“无法计算”表示文件里没有写明所需的数字，知道当地标准的可以点按钮补填。",
      );
      const others = ordered.filter((region) => region !== mine);
      const comparison = [
        tableHelp,
        summaryTable(answer, ordered, benefitIds),
        benefitIds.includes("medical") ? paymentChain(answer, values, others, "calc-chain-title") : null,
        el("div", { id: "calc-charts", className: "calc-charts" }),
        el("h3", { className: "calc-details-title" }, mine ? "其他地区" : "每个地区的结果、计算步骤与出处"),
        el("div", { className: "calc-cards" }, others.map((region) => regionCard(answer, values, region, benefitIds, false))),
      ];
      if (mine) {
        parts.push(regionCard(answer, values, mine, benefitIds, true));
        const compare = panel("compare", false, "与其他地区比较（另外 " + others.length + " 个地区）", comparison);
        compare.classList.add("calc-compare");
        parts.push(compare);
      } else {
        parts.push(...comparison);
      }
      resultsBody.replaceChildren(...parts.flat(Infinity).filter(Boolean));
      restoreScroll(positions);
      root.dataset.resultState = "results";
      root.dataset.myRegion = mine ? mine.id : "";
      const labels = benefitIds.map((id) => first[id].label);
      resultsStatus.textContent = mine
        ? "已更新" + mine.name + "的估算结果：" + labels.join("、") + "。"
        : "已更新" + answer.regions.length + "个地区的估算结果：" + labels.join("、") + "。";
    }

    /* Printing: every region's steps on paper (the CSS prints only the chosen region when there is
     * one); afterwards the panels are as the reader left them. */
    window.addEventListener("beforeprint", () => {
      printing = true;
      for (const details of resultsBody.querySelectorAll("details.calc-region, details.calc-apply")) {
        details.dataset.printOpen = details.open ? "1" : "0";
        details.open = true;
      }
    });
    window.addEventListener("afterprint", () => {
      for (const details of resultsBody.querySelectorAll("details.calc-region, details.calc-apply")) {
        if (details.dataset.printOpen) details.open = details.dataset.printOpen === "1";
        delete details.dataset.printOpen;
      }
      setTimeout(() => {
        printing = false;
      }, 0);
    });

    return { renderAnswer, renderWarnings, sharedBox, regionNames };
  }

  ns.results = { create };
})();
