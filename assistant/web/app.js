// The chat page: asks /v1/ask, shows the answer with its citations as chips that open the cited page
// with the quote highlighted, and sends thumbs up or down (with a comment) to /v1/feedback. The
// conversation id is kept in sessionStorage, so a reload shows the conversation again. Document text
// is only ever set as text, never as HTML; there is no inline script or handler (CSP script-src 'self').
(function () {
  "use strict";
  const form = document.getElementById("ask-form");
  const question = document.getElementById("question");
  const conversation = document.getElementById("conversation");
  const statusLine = document.getElementById("status");
  const askButton = document.getElementById("ask-button");
  const template = document.getElementById("turn-template");
  const keyInput = document.getElementById("api-key");
  const starters = document.getElementById("starters");
  const CONVERSATION_KEY = "assistant-conversation";
  let conversationId = sessionStorage.getItem(CONVERSATION_KEY);

  // The key lives for this tab only (sessionStorage), not on the disk for every later visitor and
  // script of this origin to find, as localStorage would keep it.
  keyInput.value = sessionStorage.getItem("assistant-api-key") || "";
  keyInput.addEventListener("change", function () {
    sessionStorage.setItem("assistant-api-key", keyInput.value.trim());
    loadCouncils();
    loadStarters();
    loadDocuments();
  });

  function headers() {
    const h = { "Content-Type": "application/json" };
    const key = keyInput.value.trim();
    if (key) h["Authorization"] = "Bearer " + key;
    return h;
  }

  function filters() {
    const council = document.getElementById("council").value;
    const since = document.getElementById("since").value.trim();
    const until = document.getElementById("until").value.trim();
    const f = {};
    if (council) f.councils = [council];
    if (since) f.since = since;
    if (until) f.until = until;
    return Object.keys(f).length ? f : null;
  }

  async function loadCouncils() {
    try {
      const response = await fetch("/v1/documents", { headers: headers() });
      if (!response.ok) return;
      const docs = await response.json();
      const names = Array.from(new Set(docs.flatMap(function (d) { return d.councils; }))).sort();
      const select = document.getElementById("council");
      const current = select.value;
      select.length = 1;
      names.forEach(function (name) { select.add(new Option(name, name)); });
      select.value = current;
    } catch (e) { /* the page works without the list */ }
  }

  // The cited page with its quote highlighted (GET …/pages/{n}/view), carrying the signed link's
  // token where the server gave the citation one: a new tab cannot send the API key.
  function viewLink(c) {
    const token = new URL(c.url, location.href).searchParams.get("token");
    const params = new URLSearchParams({ quote: c.quote });
    if (token) params.set("token", token);
    return "/v1/documents/" + encodeURIComponent(c.doc_id) + "/pages/" + c.page + "/view?" + params.toString();
  }

  function setConversation(id) {
    conversationId = id;
    if (id) sessionStorage.setItem(CONVERSATION_KEY, id);
    else sessionStorage.removeItem(CONVERSATION_KEY);
    starters.hidden = Boolean(id) || !starters.querySelector("li");
  }

  function chip(c) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.className = "chip";
    a.href = viewLink(c);
    a.target = "_blank";
    a.rel = "noopener";
    a.setAttribute("aria-label", "Source " + c.marker + ": " + c.title + ", page " + c.page + (c.section ? ", section " + c.section : "") + ". Opens the page with the quote highlighted.");
    const marker = document.createElement("span");
    marker.className = "marker";
    marker.textContent = "[" + c.marker + "]";
    const title = document.createElement("strong");
    title.textContent = c.title;
    const where = document.createElement("span");
    where.className = "where";
    where.textContent = " · " + (c.date || "") + " · p." + c.page + (c.section ? " · §" + c.section : "");
    a.append(marker, " ", title, where);
    if (!c.in_answer) {
      // Only a quote the answer text does not already show: each quote once (a phone's screen is small).
      const quote = document.createElement("q");
      quote.textContent = c.quote;
      a.append(quote);
    }
    li.append(a);
    return li;
  }

  function render(q, answer, scroll) {
    const turn = template.content.firstElementChild.cloneNode(true);
    turn.querySelector(".question").textContent = q;
    // The filters the server applied, from the answer itself: a filtered answer must say so, or a
    // narrowed search looks like the whole story.
    const inForce = describeFilters(answer.filters);
    if (inForce) {
      const line = turn.querySelector(".in-force");
      line.textContent = "Filters: " + inForce;
      line.hidden = false;
    }
    const body = turn.querySelector(".answer");
    body.textContent = answer.answer;
    if (answer.abstained) body.classList.add("abstained");
    const list = turn.querySelector(".citations");
    answer.citations.forEach(function (c) { list.append(chip(c)); });
    const tools = turn.querySelector(".tools");
    answer.tools.forEach(function (t) {
      const p = document.createElement("p");
      const code = document.createElement("code");
      code.textContent = t.formula;
      p.append("Computed with " + t.name + ": ", code);
      tools.append(p);
    });
    (answer.notices || []).forEach(function (n) {
      const p = document.createElement("p");
      p.textContent = n;
      tools.append(p);
    });
    const up = turn.querySelector(".thumb.up");
    const down = turn.querySelector(".thumb.down");
    const comment = turn.querySelector(".comment");
    up.addEventListener("click", function () { rate(turn, answer.answer_id, up, null); });
    // Not helpful asks what was wrong first; the rating is sent with the comment (which may be empty).
    down.addEventListener("click", function () {
      comment.hidden = !comment.hidden;
      down.setAttribute("aria-expanded", String(!comment.hidden));
      if (!comment.hidden) comment.querySelector("textarea").focus();
    });
    comment.addEventListener("submit", function (event) {
      event.preventDefault();
      rate(turn, answer.answer_id, down, comment.querySelector("textarea").value.trim() || null);
    });
    turn.querySelector(".copy").addEventListener("click", function () {
      copy(turn, plainText(q, answer), "Answer copied.");
    });
    turn.querySelector(".share").addEventListener("click", function () {
      copy(turn, shareLink(q), "Link copied: it asks this question again, for whoever opens it.");
    });
    conversation.append(turn);
    if (scroll) turn.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function describeFilters(f) {
    if (!f) return "";
    const parts = [];
    if (f.councils && f.councils.length) parts.push(f.councils.join(", "));
    if (f.since && f.until) parts.push(f.since === f.until ? f.since : f.since + "–" + f.until);
    else if (f.since) parts.push("from " + f.since);
    else if (f.until) parts.push("up to " + f.until);
    if (f.doc_types && f.doc_types.length) parts.push(f.doc_types.join(", "));
    return parts.join(" · ");
  }

  // The answer as plain text with its sources, for pasting into an email or a report.
  function plainText(q, answer) {
    const lines = [q, "", answer.answer];
    if (answer.citations.length) lines.push("", "Sources:");
    answer.citations.forEach(function (c) {
      lines.push("[" + c.marker + "] " + c.title + (c.date ? " (" + c.date + ")" : "") + ", page " + c.page +
        (c.section ? ", §" + c.section : "") + (c.in_answer ? "" : ": “" + c.quote + "”"));
    });
    return lines.join("\n");
  }

  // A link that asks the question again: conversations belong to their owner, so a share link does
  // not open the sharer's conversation; it asks afresh with the reader's own access.
  function shareLink(q) {
    const url = new URL(location.pathname, location.href);
    url.searchParams.set("q", q);
    return url.toString();
  }

  async function copy(turn, text, done) {
    const said = turn.querySelector(".copied");
    try {
      await navigator.clipboard.writeText(text);
      said.textContent = done;
    } catch (e) {
      // Without clipboard permission (an old browser, a page not on https): copy from a selection.
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("aria-hidden", "true");
      area.className = "offscreen";
      document.body.append(area);
      area.select();
      said.textContent = document.execCommand("copy") ? done : "Could not copy; select the text instead.";
      area.remove();
    }
  }

  async function rate(turn, answerId, button, comment) {
    const rating = button.classList.contains("up") ? "up" : "down";
    const thanks = turn.querySelector(".thanks");
    try {
      const response = await fetch("/v1/feedback", { method: "POST", headers: headers(),
        body: JSON.stringify({ answer_id: answerId, rating: rating, comment: comment }) });
      if (!response.ok) throw new Error((await response.json()).error.message);
      turn.querySelectorAll(".thumb").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      turn.querySelector(".comment").hidden = true;
      turn.querySelector(".thumb.down").setAttribute("aria-expanded", "false");
      thanks.textContent = "Thank you for the feedback.";
    } catch (e) {
      thanks.textContent = "Could not record feedback: " + e.message;
    }
  }

  // Questions drawn from the documents' targets and decisions, shown while the page is empty.
  async function loadStarters() {
    const list = starters.querySelector(".starters");
    try {
      const response = await fetch("/v1/starters", { headers: headers() });
      if (!response.ok) return;
      const found = await response.json();
      list.textContent = "";
      found.forEach(function (s) {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "starter";
        button.textContent = s.question;
        button.addEventListener("click", function () { question.value = s.question; form.requestSubmit(); });
        const from = document.createElement("span");
        from.className = "from";
        from.textContent = "from " + s.title;
        li.append(button, " ", from);
        list.append(li);
      });
      starters.hidden = Boolean(conversationId) || !found.length;
    } catch (e) { /* the page works without them */ }
  }

  // Every document the caller may read, each opening its PDF.
  async function loadDocuments() {
    const details = document.getElementById("documents");
    const list = details.querySelector(".document-list");
    try {
      const response = await fetch("/v1/documents", { headers: headers() });
      if (!response.ok) return;
      const docs = await response.json();
      list.textContent = "";
      details.querySelector(".count").textContent = "(" + docs.length + ")";
      docs.sort(function (a, b) { return (b.date || "").localeCompare(a.date || ""); });
      docs.forEach(function (d) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = d.url;
        a.target = "_blank";
        a.rel = "noopener";
        a.textContent = d.title;
        const about = document.createElement("span");
        about.className = "where";
        about.textContent = " · " + [d.date, d.doc_type, d.pages + (d.pages === 1 ? " page" : " pages")]
          .filter(Boolean).join(" · ");
        li.append(a, about);
        list.append(li);
      });
    } catch (e) { /* the page works without the list */ }
  }

  // After a reload: the kept conversation's turns, as the server has them.
  async function restore() {
    if (!conversationId) return;
    try {
      const response = await fetch("/v1/conversations/" + encodeURIComponent(conversationId), { headers: headers() });
      if (response.status === 404 || response.status === 403) { setConversation(null); return; }
      if (!response.ok) return;  // a busy server: keep the id and try again on the next load
      const kept = await response.json();
      kept.turns.forEach(function (t) { render(t.question, t.answer, false); });
      const last = conversation.lastElementChild;
      if (last) last.scrollIntoView({ block: "start" });
    } catch (e) { /* a fresh page still works */ }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const q = question.value.trim();
    if (!q) { statusLine.textContent = "Please type a question."; return; }
    askButton.disabled = true;
    statusLine.textContent = "Looking in the documents…";
    try {
      const response = await fetch("/v1/ask", { method: "POST", headers: headers(),
        body: JSON.stringify({ question: q, conversation_id: conversationId, filters: filters() }) });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error ? body.error.message : "The request failed.");
      setConversation(body.conversation_id);
      render(q, body, true);
      question.value = "";
      statusLine.textContent = "";
    } catch (e) {
      statusLine.textContent = e.message;
    } finally {
      askButton.disabled = false;
      question.focus();
    }
  });

  question.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  document.getElementById("new-conversation").addEventListener("click", function () {
    setConversation(null);
    conversation.textContent = "";
    statusLine.textContent = "New conversation.";
    question.focus();
  });

  loadCouncils();
  loadDocuments();
  (async function start() {
    await Promise.all([restore(), loadStarters()]);
    // A share link (?q=…) asks its question once, then leaves the address clean.
    const shared = new URLSearchParams(location.search).get("q");
    if (shared) {
      history.replaceState(null, "", location.pathname);
      question.value = shared;
      form.requestSubmit();
    }
  })();
})();
