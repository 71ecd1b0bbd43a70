// Chat without reloading: the form and the example links fetch the answer bubble from /chat/reply,
// which the server renders with the same template as the page itself (one card design, one place).
// Without this script the same form submits to /?q=… and the server renders the whole page.
// The question goes in with textContent; the answer is parsed with DOMParser from the server's
// autoescaped markup and adopted as nodes, never written through innerHTML.
(function () {
  "use strict";
  var form = document.getElementById("ask");
  var chat = document.getElementById("chat");
  if (!form || !chat || !window.fetch || !window.DOMParser) return;
  var input = form.querySelector("input[name=q]");
  var pending = chat.getAttribute("data-pending") || "";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function bubbleFrom(html) {
    var doc = new DOMParser().parseFromString("<ol>" + html + "</ol>", "text/html");
    var li = doc.querySelector("li.bubble");
    return li ? document.adoptNode(li) : null;
  }

  function ask(question) {
    var examples = document.querySelector(".examples");
    if (examples) examples.parentNode.removeChild(examples);  // they greet a new visitor only
    var mine = el("li", "bubble user");
    mine.appendChild(el("p", "", question));
    var reply = el("li", "bubble bot pending", pending);
    chat.appendChild(mine);
    chat.appendChild(reply);
    reply.scrollIntoView({ block: "nearest" });
    var url = "/?q=" + encodeURIComponent(question);
    // redirect: manual, so a login redirect is not mistaken for an answer and the page takes over.
    fetch("/chat/reply?q=" + encodeURIComponent(question), { credentials: "same-origin", redirect: "manual" })
      .then(function (r) {
        if (!r.ok && r.status !== 500) throw new Error("status " + r.status);
        return r.text();
      })
      .then(function (html) {
        var answer = bubbleFrom(html);
        if (!answer) throw new Error("no bubble");
        chat.replaceChild(answer, reply);
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
