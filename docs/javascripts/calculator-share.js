/*
 * 估算待遇, part 3 of 5: the 发送与打印 box — the link to this calculation, its QR code, copying.
 *
 * Opened from disk (file://), the page's own address means nothing on another computer: then the box
 * offers the site's public address when the build was given one (mkdocs site_url), and otherwise
 * says plainly that the link only works on this computer and draws no QR code.
 */
(function () {
  "use strict";

  const ns = (window.ShebaoCalc = window.ShebaoCalc || {});
  const { el, svg } = ns.dom;

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

  /* publicURL: the site's public address ("https://…/"), or null. */
  function setUp(publicURL, pageName) {
    const box = document.getElementById("calc-share");
    const status = document.getElementById("calc-copy-status");
    const qrBox = document.getElementById("calc-qr");
    const where = document.getElementById("calc-share-where");
    const fromDisk = location.protocol === "file:";
    let qrTimer = null;

    /* The link another person can open: this page's, or the public site's when opened from disk. */
    function shareLink() {
      if (fromDisk && publicURL) return new URL(pageName, publicURL).href + location.hash;
      return location.href;
    }
    function usableElsewhere() {
      return !fromDisk || Boolean(publicURL);
    }

    function update() {
      const hasInput = location.hash.length > 1;
      box.hidden = !hasInput;
      status.textContent = "";
      if (!hasInput) {
        qrBox.replaceChildren();
        return;
      }
      if (fromDisk) {
        where.hidden = false;
        where.textContent = publicURL
          ? "这份网站是从本机文件打开的。下面的链接和二维码指向网站的公开地址（" + publicURL + "），在别的手机或电脑上也能打开同样的计算。"
          : "这份网站是从本机文件打开的（例如 U 盘）：这里的链接只在这台电脑上有效，发给别人打不开，所以不生成二维码。" +
            "请把整个网站文件夹复制给对方，或打印这一页。";
      } else {
        where.hidden = true;
      }
      box.dataset.shareLink = usableElsewhere() ? shareLink() : "";
    }

    function drawQrCodeSoon() {
      clearTimeout(qrTimer);
      qrTimer = setTimeout(() => {
        if (location.hash.length <= 1) return;
        if (!usableElsewhere()) {
          qrBox.replaceChildren();
          return;
        }
        try {
          const code = qrCode(shareLink());
          qrBox.replaceChildren(...(code ? [code] : []));
        } catch (error) {
          qrBox.replaceChildren(el("p", { className: "calc-help" }, "链接太长，无法生成二维码；请使用“复制链接”。"));
        }
      }, 0);
    }

    document.getElementById("calc-copy").addEventListener("click", () => {
      const link = shareLink();
      copyText(link).then(
        () => {
          status.textContent = usableElsewhere() ? "已复制链接" : "已复制链接（只在这台电脑上有效）";
        },
        () => {
          status.textContent = "无法自动复制，请从地址栏复制链接";
        },
      );
    });
    document.getElementById("calc-share").classList.toggle("calc-share-local", !usableElsewhere());
    return { update, drawQrCodeSoon, shareLink };
  }

  ns.share = { setUp, copyText };
})();
