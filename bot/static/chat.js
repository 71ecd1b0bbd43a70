// Chat without reloading: the form and the example links fetch /api/ask and append bubbles.
// Without this script the same form submits to /?q=… and the server renders the answer.
// Text goes in with textContent only, never innerHTML, so minutes and questions stay inert.
(function () {
  "use strict";
  var form = document.getElementById("ask");
  var chat = document.getElementById("chat");
  if (!form || !chat || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var base = document.body.getAttribute("data-public-url") || "";
  var hint = chat.getAttribute("data-hint") || "";
  var MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
    "oktober", "november", "december"];

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function href(url) {
    // Our own links become relative (they work on any address); anything but http(s) is dropped.
    if (base && url.indexOf(base) === 0 && /^($|[/#])/.test(url.slice(base.length))) {
      url = url.slice(base.length) || "/";
    }
    return (/^\/(?![/\\])/.test(url) || /^https?:\/\//i.test(url)) ? url : "#";
  }

  function link(url, text, cls) {
    var a = el("a", cls, text);
    a.href = href(url);
    return a;
  }

  function danishDate(iso) {
    var p = iso.split("-");
    return parseInt(p[2], 10) + ". " + MONTHS[parseInt(p[1], 10) - 1] + " " + p[0];
  }

  function label(hit) {
    return hit.meeting.forum + ", " + danishDate(hit.meeting.date) + ", punkt " + hit.item.number + ": " + hit.item.title;
  }

  function paragraphs(parent, text) {
    text.trim().split(/\n\s*\n/).forEach(function (block) {
      var p = el("p");
      block.split("\n").filter(function (l) { return l.trim(); }).forEach(function (line, i) {
        if (i) p.appendChild(el("br"));
        p.appendChild(document.createTextNode(line.trim()));
      });
      parent.appendChild(p);
    });
  }

  function card(hit) {
    var art = el("article", "hit");
    var meta = el("p", "meta", hit.meeting.forum + " · " + danishDate(hit.meeting.date) +
      (hit.item.case_number ? " · Sagsnr. " + hit.item.case_number : ""));
    var h = el("h3");
    h.appendChild(link(hit.item.url, "Punkt " + hit.item.number + ": " + hit.item.title, "item-link"));
    art.appendChild(meta);
    art.appendChild(h);
    hit.quotes.forEach(function (q) {
      var fig = el("figure", "quote");
      fig.appendChild(el("figcaption", "", q.section || "Uddrag"));
      var bq = el("blockquote");
      paragraphs(bq, q.text);
      fig.appendChild(bq);
      art.appendChild(fig);
    });
    if (hit.case_history.length) {
      var hist = el("p", "history", "Sagen har også været behandlet: ");
      hit.case_history.forEach(function (c, i) {
        var label = c.forum + " " + danishDate(c.date) + ", punkt " + c.item_number;
        // treatments named only in the item's Sagsforløb have no minutes here, so no link
        hist.appendChild(c.url ? link(c.url, label) : document.createTextNode(label));
        hist.appendChild(document.createTextNode(i < hit.case_history.length - 1 ? "; " : "."));
      });
      art.appendChild(hist);
    }
    var links = el("p", "links");
    links.appendChild(link(hit.meeting.url, "Hele referatet"));
    art.appendChild(links);
    return art;
  }

  function list(cls, hits) {
    var ul = el("ul", cls);
    hits.forEach(function (hit) {
      var li = el("li");
      li.appendChild(link(hit.item.url, label(hit)));
      ul.appendChild(li);
    });
    return ul;
  }

  function render(bubble, ans) {
    bubble.textContent = "";
    bubble.className = "bubble bot answer";
    bubble.appendChild(el("p", "message", ans.message));
    if (ans.no_answer) {
      if (ans.suggestions.length) bubble.appendChild(list("suggestions", ans.suggestions));
      if (ans.message !== hint) bubble.appendChild(el("p", "hint", hint));
      return;
    }
    bubble.appendChild(card(ans.answers[0]));
    if (ans.answers.length > 1) {
      bubble.appendChild(el("h4", "more-title", "Andre relevante punkter"));
      bubble.appendChild(list("more", ans.answers.slice(1, 4)));
    }
  }

  function ask(question) {
    var mine = el("li", "bubble user");
    mine.appendChild(el("p", "", question));
    var reply = el("li", "bubble bot pending", "Leder i referaterne …");
    chat.appendChild(mine);
    chat.appendChild(reply);
    reply.scrollIntoView({ block: "nearest" });
    var url = "/?q=" + encodeURIComponent(question);
    fetch("/api/ask?q=" + encodeURIComponent(question), { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.json();
      })
      .then(function (ans) {
        render(reply, ans);
        history.replaceState(null, "", url);
        mine.scrollIntoView({ block: "start" });
      })
      .catch(function () {
        // Let the server page handle it (login, errors): the no-script path always works.
        window.location.href = url;
      });
  }

  form.addEventListener("submit", function (event) {
    var question = input.value.trim();
    if (!question) return;
    event.preventDefault();
    input.value = "";
    ask(question);
  });

  document.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest("a.example");
    if (!a || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    ask(a.getAttribute("data-q"));
  });
})();
