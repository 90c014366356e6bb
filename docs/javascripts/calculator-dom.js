/*
 * 估算待遇, part 1 of 5: small helpers shared by the calculator's scripts (classic scripts, so a
 * copy opened from disk works). Everything hangs off one global, ShebaoCalc.
 *
 * Text is always set with textContent: values from the URL or from Python are never parsed as markup.
 */
(function () {
  "use strict";

  const ns = (window.ShebaoCalc = window.ShebaoCalc || {});
  const numberFormat = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });
  const SVG = "http://www.w3.org/2000/svg";

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined) continue;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat(Infinity)) if (child) node.append(child);
    return node;
  }

  ns.dom = {
    el,
    svg,
    numberFormat,
    money: (amount) => numberFormat.format(amount) + "元",
    known: (value) => typeof value === "number",
    /* What Python accepts as a number (１２，０００ included), read the same way for the charts. */
    plainNumber(text) {
      const number = Number(String(text).normalize("NFKC").replace(/[,\s]/g, ""));
      return Number.isFinite(number) ? number : null;
    },
    pageURL: (relative) => new URL(relative, document.baseURI).href,
  };
})();
