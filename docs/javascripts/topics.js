/*
 * Behaviour of the topic comparison pages (loaded on topics/*.html only, see overrides/main.html).
 * Everything works from files the build wrote, loaded as classic scripts (no fetch), so the pages
 * behave the same over http and opened from disk (file://). Without this script the columns the
 * page carries show and the copy buttons stay hidden.
 *
 *  - region picker: which regions a topic matrix shows lives in the URL (?regions=beijing,shaanxi)
 *    so a link can be sent, and is remembered for the next topic page opened without one. Unknown
 *    ids in the URL are ignored. A page with many regions carries only the national column; a chosen
 *    region's column arrives as a classic script (topics/columns/<topic>/<region>.js, the folder in
 *    the picker's data-columns) that hands its cells to window.shebaoTopicColumn, and the list of
 *    regions to choose from arrives the same way when the reader opens it: <script src> works opened
 *    from disk, where fetch() does not.
 *  - "各地不同": rows whose visible regions state different figures are marked.
 *  - row links: a linked row shows right under the table's header row.
 *  - copy-link buttons: copy the page URL with the row's anchor, and say 已复制.
 *  - phones: each matrix is also shown as one card per region (row label → the cell as the table has
 *    it), built from the table's own cells while the phone layout applies and rebuilt when the reader
 *    changes the regions; site.css shows the cards instead of the matrix on phones. Without this script
 *    the matrix scrolls sideways there.
 */
(function () {
  "use strict";

  var QUERY_KEY = "regions";

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  /* --- region picker ------------------------------------------------------------------- */

  var STORAGE_KEY = "shebao.regions";
  // Region ids are lowercase ASCII (the loader enforces it); anything else in a URL is ignored unseen.
  var REGION_ID = /^[a-z][a-z0-9_]*$/;
  // What column scripts and the region list script hand over, until the picker takes it.
  var arrived = { columns: {}, list: null };

  window.shebaoTopicColumn = function (payload) {
    if (payload && typeof payload.region === "string") arrived.columns[payload.region] = payload;
  };
  window.shebaoRegionList = function (payload) {
    if (payload && payload.regions) arrived.list = payload.regions;
  };

  function remembered() {
    try {
      return window.localStorage.getItem(STORAGE_KEY);
    } catch (error) {
      return null; // storage refused (private mode, some file:// settings): nothing remembered
    }
  }

  function remember(chosen) {
    try {
      window.localStorage.setItem(STORAGE_KEY, chosen.join(","));
    } catch (error) {
      /* nothing to remember with */
    }
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  /* A classic script (works from disk, where fetch() does not); resolves once it has run. */
  function runScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(script);
    });
  }

  function regionBox(id, name, checked) {
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = "regions";
    box.value = id;
    box.checked = checked;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + name));
    return label;
  }

  function setUpRegionPicker(picker) {
    var listUrl = picker.getAttribute("data-region-list"); // null: every region is in the page
    var columnsBase = picker.getAttribute("data-columns") || "";
    var regionPages = picker.getAttribute("data-region-pages") || "";
    var status = picker.querySelector(".picker-status");
    var opener = picker.querySelector(".picker-open");
    var groups = picker.querySelector(".picker-groups");
    var chosenBox = picker.querySelector(".picker-chosen");
    var order = {};
    var names = {};
    var loading = {};
    var listLoading = null;

    function boxes() {
      return all('input[type="checkbox"][name="regions"]', picker);
    }
    boxes().forEach(function (box, index) {
      order[box.value] = index;
      names[box.value] = box.parentNode.textContent.trim();
    });
    var shown = (picker.getAttribute("data-shown") || "").split(" ").filter(function (id) { return id in order; });
    var max = parseInt(picker.getAttribute("data-max"), 10) || boxes().length;

    function acceptable(id) {
      return listUrl ? REGION_ID.test(id) : id in order;
    }

    function parse(raw) {
      if (raw === null) return null;
      var chosen = [];
      raw.split(",").forEach(function (id) {
        id = id.trim();
        if (acceptable(id) && chosen.indexOf(id) === -1) chosen.push(id);
      });
      if (!listUrl) chosen.sort(function (a, b) { return order[a] - order[b]; });
      return chosen.length ? chosen.slice(0, max) : null;
    }

    function sameAsShown(chosen) {
      return chosen.length === shown.length && chosen.every(function (id) { return shown.indexOf(id) !== -1; });
    }

    function writeUrl(chosen) {
      var url = new URL(window.location.href);
      if (sameAsShown(chosen)) {
        url.searchParams.delete(QUERY_KEY);
      } else {
        url.searchParams.set(QUERY_KEY, chosen.join(","));
      }
      // URLSearchParams encodes the comma; ids are plain ASCII, so keep the query readable.
      var text = url.toString().replace(/%2C/gi, ",");
      if (text !== window.location.href) window.history.replaceState(null, "", text);
    }

    function hasColumn(id) {
      return all("table.matrix thead th[data-region]").some(function (cell) {
        return cell.getAttribute("data-region") === id;
      });
    }

    /* Put an element among its siblings that carry data-region, in the regions' order (a region
       whose place is not known yet goes last). */
    function placeByRegion(parent, element, id) {
      var before = null;
      Array.prototype.slice.call(parent.children).some(function (sibling) {
        var other = sibling.getAttribute("data-region");
        if (other !== null && id in order && (!(other in order) || order[other] > order[id])) {
          before = sibling;
          return true;
        }
        return false;
      });
      parent.insertBefore(element, before);
    }

    function silentCell(id) {
      var cell = document.createElement("td");
      cell.className = "cell-silent";
      cell.setAttribute("data-compare", "");
      cell.setAttribute("data-region", id);
      var value = document.createElement("span");
      value.className = "value value-open";
      value.textContent = picker.getAttribute("data-silent-value");
      var note = document.createElement("span");
      note.className = "note";
      note.textContent = picker.getAttribute("data-silent-note");
      cell.appendChild(value);
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(note);
      return cell;
    }

    function insertColumn(payload) {
      var id = payload.region;
      names[id] = payload.name;
      all("table.matrix").forEach(function (table) {
        var aspect = table.getAttribute("data-aspect");
        placeByRegion(table.querySelector("thead tr"), fragment(payload.head).firstElementChild, id);
        all("tbody tr[id]", table).forEach(function (row) {
          var html = payload.cells[row.id];
          placeByRegion(row, html ? fragment(html).firstElementChild : silentCell(id), id);
        });
        var notes = document.querySelector('ol.footnotes[data-aspect="' + aspect + '"]');
        (payload.footnotes[aspect] || []).forEach(function (note) {
          var existing = document.getElementById(note[1]);
          if (existing) {
            existing.setAttribute("data-regions", existing.getAttribute("data-regions") + " " + id);
            return;
          }
          var item = document.createElement("li");
          item.id = note[1];
          item.value = note[0];
          item.setAttribute("data-regions", id);
          item.appendChild(fragment(note[2]));
          var after = all("li[value]", notes).filter(function (other) { return other.value < note[0]; }).pop();
          notes.insertBefore(item, after ? after.nextSibling : notes.firstChild);
        });
      });
      var items = document.querySelector(".region-items-list");
      if (items) placeByRegion(items, fragment(payload.items).firstElementChild, id);
      // Until the full list is open, a chosen region gets its box beside the national one.
      if (chosenBox && !boxes().some(function (box) { return box.value === id; })) {
        chosenBox.appendChild(regionBox(id, payload.name, true));
      }
    }

    /* Run the region's column script (once); its column waits in `arrived` until inserted. */
    function load(id) {
      if (hasColumn(id) || arrived.columns[id]) return Promise.resolve();
      if (!loading[id]) {
        loading[id] = runScript(columnsBase + id + ".js").then(
          function () {
            delete loading[id];
            if (!arrived.columns[id]) throw new Error(id);
          },
          function () {
            delete loading[id];
            throw new Error(id);
          }
        );
      }
      return loading[id];
    }

    /* Every region, grouped by province, from the shared list script (loaded once, when asked for). */
    function openList() {
      if (!listLoading) {
        status.textContent = "正在加载地区列表……";
        listLoading = runScript(listUrl).then(function () {
          var regions = arrived.list || [];
          var checked = {};
          boxes().forEach(function (box) { if (box.checked) checked[box.value] = true; });
          // The boxes of chosen regions move into the list; the national one stays where it is.
          all("label", chosenBox).slice(1).forEach(function (label) { label.parentNode.removeChild(label); });
          var byProvince = {};
          var provinces = [];
          regions.forEach(function (region, index) {
            order[region[0]] = index + 1;
            names[region[0]] = region[1];
            if (!byProvince[region[2]]) {
              byProvince[region[2]] = [];
              provinces.push(region[2]);
            }
            byProvince[region[2]].push(region);
          });
          provinces.forEach(function (province) {
            var details = document.createElement("details");
            details.className = "picker-group";
            var summary = document.createElement("summary");
            summary.textContent = province + "（" + byProvince[province].length + "个地区）";
            details.appendChild(summary);
            var list = document.createElement("ul");
            byProvince[province].forEach(function (region) {
              var item = document.createElement("li");
              item.appendChild(regionBox(region[0], region[1], !!checked[region[0]]));
              if (checked[region[0]]) details.open = true;
              item.appendChild(document.createTextNode(" "));
              var page = document.createElement("a");
              page.className = "picker-page";
              page.href = regionPages + region[0] + ".html";
              page.textContent = "地区页";
              page.setAttribute("aria-label", region[1] + "的地区页");
              item.appendChild(page);
              list.appendChild(item);
            });
            details.appendChild(list);
            groups.appendChild(details);
          });
          status.textContent = "";
        }, function () {
          listLoading = null;
          status.textContent = "无法加载地区列表。";
        });
      }
      return listLoading;
    }

    function show(chosen) {
      var visible = {};
      chosen.forEach(function (id) { visible[id] = true; });
      boxes().forEach(function (box) {
        box.checked = !!visible[box.value];
        var group = box.closest("details");
        if (box.checked && group) group.open = true;
      });
      all("[data-region]").forEach(function (element) {
        if (element.closest(".region-picker")) return;
        element.hidden = !visible[element.getAttribute("data-region")];
      });
      // Footnotes that only hidden columns cite are hidden too; their numbers stay the same.
      all("ol.footnotes > li[data-regions]").forEach(function (item) {
        var used = item.getAttribute("data-regions").split(" ");
        item.hidden = !used.some(function (id) { return visible[id]; });
      });
      markDifferences();
      refreshCards();
    }

    /* Load what is missing, then show `chosen` (less any region whose column would not load). */
    function choose(chosen, done) {
      var missing = chosen.filter(function (id) { return !hasColumn(id); });
      if (missing.length) status.textContent = "正在加载所选地区的数据……";
      var failed = [];
      Promise.all(missing.map(function (id) {
        return load(id).catch(function () { failed.push(id); });
      })).then(function () {
        // Inserted in the order chosen, whatever order the scripts arrived in.
        chosen.forEach(function (id) {
          if (!hasColumn(id) && arrived.columns[id]) insertColumn(arrived.columns[id]);
          delete arrived.columns[id];
        });
        var loaded = chosen.filter(function (id) { return failed.indexOf(id) === -1; });
        if (!loaded.length) loaded = shown.slice();
        status.textContent = failed.length && listUrl && failed.some(function (id) { return id in names; })
          ? "无法加载" + failed.map(function (id) { return names[id] || id; }).join("、") + "的数据。"
          : "";
        show(loaded);
        if (done) done(loaded);
      });
    }

    picker.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches || !box.matches('input[type="checkbox"][name="regions"]')) return;
      var chosen = [];
      boxes().forEach(function (b) { if (b.checked && chosen.indexOf(b.value) === -1) chosen.push(b.value); });
      if (chosen.length === 0) {
        box.checked = true;
        status.textContent = "请至少选择一个地区。";
        return;
      }
      if (chosen.length > max) {
        box.checked = false;
        status.textContent = "最多同时比较" + max + "个地区，请先取消勾选其他地区。";
        return;
      }
      status.textContent = "";
      choose(chosen, function (shownNow) {
        writeUrl(shownNow);
        remember(shownNow);
      });
    });

    if (opener) {
      opener.addEventListener("click", function () {
        var opening = groups.hidden;
        groups.hidden = !opening;
        opener.setAttribute("aria-expanded", opening ? "true" : "false");
        if (opening) openList();
      });
    }

    picker.hidden = false;
    // A choice in the URL wins; without one, the choice remembered from the last topic page. Without
    // either the page is already as the build wrote it: touching every cell would only cost a phone
    // a style recalculation.
    var fromUrl = parse(new URLSearchParams(window.location.search).get(QUERY_KEY));
    var chosen = fromUrl || parse(remembered());
    if (chosen && !(sameAsShown(chosen) && !fromUrl)) {
      choose(chosen, fromUrl ? null : writeUrl);
    }
  }

  /* A link to a row (topics/medical.html#medical.critical_illness.poor.threshold) should show
     that row right under the table's header row, with the header row itself in view: the browser
     alone scrolls the page so far that the site header covers the table's header row. */
  /* The fragment as an element id; a malformed %-escape (a hand-edited link) is taken as written
     instead of throwing. */
  function fragmentId() {
    var raw = window.location.hash.slice(1);
    try {
      return decodeURIComponent(raw);
    } catch (error) {
      return raw;
    }
  }

  function revealTarget() {
    var id = fragmentId();
    var row = id ? document.getElementById(id) : null;
    var box = row ? row.closest(".matrix-scroll") : null;
    if (!box) return;
    var siteHeader = document.querySelector(".md-header");
    var covered = siteHeader ? siteHeader.offsetHeight : 0;
    markCardTarget();
    if (box.offsetParent === null) {
      // Phone layout: the matrix is hidden, the row's entry in the first card stands for it.
      var entry = all(".region-cards dt[data-row]").filter(function (term) {
        return term.getAttribute("data-row") === id && term.offsetParent !== null;
      })[0];
      if (entry) window.scrollTo(0, entry.getBoundingClientRect().top + window.pageYOffset - covered - 8);
      return;
    }
    var head = box.querySelector("thead");
    box.scrollTop = row.offsetTop - (head ? head.offsetHeight : 0);
    window.scrollTo(0, box.getBoundingClientRect().top + window.pageYOffset - covered - 8);
  }

  /* "各地不同" compares the regions on screen: a row differs when its visible cells state
     more than one current figure (statistics are never compared). */
  function markDifferences() {
    all("table.matrix tbody tr.row-rule").forEach(function (row) {
      var seen = {};
      var count = 0;
      all("td[data-compare]", row).forEach(function (cell) {
        var key = cell.getAttribute("data-compare");
        if (cell.hidden || key === "" || seen[key]) return;
        seen[key] = true;
        count += 1;
      });
      var differs = count > 1;
      row.classList.toggle("row-differs", differs);
      var badge = row.querySelector(".badge-differs");
      if (badge) badge.hidden = !differs;
    });
  }

  /* --- phones: one card per region ---------------------------------------------------------- */

  // The same width as site.css's card layout (and the calculator's): material's phone breakpoint.
  var PHONE = window.matchMedia ? window.matchMedia("screen and (max-width: 44.9375em)") : null;
  var cardsStale = true;

  /* Children of `from` copied into `to`: the cards repeat the table's own markup (values, dates,
     source numbers linking to the footnotes, inherited badges), so they cannot say anything else. */
  function copyChildren(from, to) {
    Array.prototype.forEach.call(from.childNodes, function (node) {
      to.appendChild(node.cloneNode(true));
    });
    return to;
  }

  function cardsFor(table) {
    var aspect = table.getAttribute("data-aspect");
    var box = table.closest(".matrix-scroll");
    var cards = box.nextElementSibling;
    if (!cards || !cards.classList.contains("region-cards")) {
      cards = document.createElement("div");
      cards.className = "region-cards";
      cards.setAttribute("data-aspect", aspect);
      box.parentNode.insertBefore(cards, box.nextSibling);
    }
    cards.textContent = "";
    var rows = all("tbody tr[id]", table);
    all("thead th[data-region]", table).forEach(function (head) {
      if (head.hidden) return;
      var id = head.getAttribute("data-region");
      // A group, not a section: forty region landmarks named 全国, 北京市… would only be noise.
      var card = document.createElement("div");
      card.className = "region-card";
      card.setAttribute("role", "group");
      // Not data-region: the picker shows and hides [data-region] elements itself, these are rebuilt.
      card.setAttribute("data-card-region", id);
      var title = copyChildren(head, document.createElement("h3"));
      title.className = "region-card-title";
      title.id = "card-" + aspect + "-" + id;
      card.setAttribute("aria-labelledby", title.id);
      card.appendChild(title);
      var list = document.createElement("dl");
      rows.forEach(function (row) {
        var cell = row.querySelector('td[data-region="' + id + '"]');
        var label = row.querySelector(".row-label");
        if (!cell || !label) return;
        var term = document.createElement("dt");
        term.setAttribute("data-row", row.id);
        term.appendChild(label.cloneNode(true));
        // A statistic is not a rule: the badge says so in words, as in the matrix.
        var statistic = row.querySelector("th .badge-statistic");
        if (statistic) {
          term.appendChild(document.createTextNode(" "));
          term.appendChild(statistic.cloneNode(true));
        }
        var value = copyChildren(cell, document.createElement("dd"));
        value.className = cell.className;
        value.setAttribute("data-row", row.id);
        list.appendChild(term);
        list.appendChild(value);
      });
      card.appendChild(list);
      cards.appendChild(card);
    });
    box.classList.add("has-cards");
  }

  /* Cards are built only while the phone layout applies (a desktop never pays for them) and rebuilt
     after every change of the regions shown; a change made on a wide screen waits for the next
     switch to the phone layout. */
  function refreshCards() {
    if (!PHONE || !PHONE.matches) {
      cardsStale = true;
      return;
    }
    all("table.matrix").forEach(cardsFor);
    cardsStale = false;
    markCardTarget();
  }

  /* The phone's counterpart of tr:target: the linked row's entry in every card. */
  function markCardTarget() {
    var id = fragmentId();
    all(".region-cards [data-row]").forEach(function (entry) {
      entry.classList.toggle("card-target", entry.getAttribute("data-row") === id);
    });
  }

  function setUpCards() {
    if (!PHONE) return;
    refreshCards();
    var changed = function () {
      if (PHONE.matches && cardsStale) refreshCards();
    };
    if (PHONE.addEventListener) PHONE.addEventListener("change", changed);
    else if (PHONE.addListener) PHONE.addListener(changed);
  }

  /* --- copy-link buttons ------------------------------------------------------------------ */

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Older browsers and some file:// pages: copy through a selected, off-screen text area.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (error) {
        ok = false;
      }
      document.body.removeChild(area);
      if (ok) resolve();
      else reject(new Error("copy refused"));
    });
  }

  function setUpCopyButton(button) {
    var label = button.textContent;
    var ariaLabel = button.getAttribute("aria-label");
    var timer = null;
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = new URL(window.location.href);
      url.hash = button.getAttribute("data-anchor");
      var text = url.toString().replace(/%2C/gi, ",");
      copyText(text).then(
        function () {
          button.textContent = "已复制";
          button.setAttribute("aria-label", "已复制");
          button.classList.add("copied");
        },
        function () {
          // Copying was refused: show the link so it can be copied by hand.
          window.prompt("请复制这个链接：", text);
        }
      );
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        button.textContent = label;
        if (ariaLabel) button.setAttribute("aria-label", ariaLabel);
        button.classList.remove("copied");
      }, 2500);
    });
  }

  function start() {
    setUpCards();
    all(".region-picker").forEach(setUpRegionPicker);
    all("button.copy-link[data-anchor]").forEach(setUpCopyButton);
    // The browser scrolls to the fragment itself once the page has loaded; correct it afterwards.
    if (document.readyState === "complete") revealTarget();
    else window.addEventListener("load", function () { window.setTimeout(revealTarget, 0); });
    window.addEventListener("hashchange", revealTarget);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
