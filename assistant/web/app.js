// The chat page: asks /v1/ask, shows the answer with its citations as chips that open the PDF at the
// cited page, and sends thumbs up or down to /v1/feedback. Document text is only ever set as text,
// never as HTML.
(function () {
  "use strict";
  const form = document.getElementById("ask-form");
  const question = document.getElementById("question");
  const conversation = document.getElementById("conversation");
  const statusLine = document.getElementById("status");
  const askButton = document.getElementById("ask-button");
  const template = document.getElementById("turn-template");
  const keyInput = document.getElementById("api-key");
  let conversationId = null;

  // The key lives for this tab only (sessionStorage), not on the disk for every later visitor and
  // script of this origin to find, as localStorage would keep it.
  keyInput.value = sessionStorage.getItem("assistant-api-key") || "";
  keyInput.addEventListener("change", function () {
    sessionStorage.setItem("assistant-api-key", keyInput.value.trim());
    loadCouncils();
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

  function chip(c) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.className = "chip";
    a.href = c.url;
    a.target = "_blank";
    a.rel = "noopener";
    a.setAttribute("aria-label", "Source " + c.marker + ": " + c.title + ", page " + c.page + (c.section ? ", section " + c.section : "") + ". Opens the PDF at that page.");
    const marker = document.createElement("span");
    marker.className = "marker";
    marker.textContent = "[" + c.marker + "]";
    const title = document.createElement("strong");
    title.textContent = c.title;
    const where = document.createElement("span");
    where.className = "where";
    where.textContent = " · " + (c.date || "") + " · p." + c.page + (c.section ? " · §" + c.section : "");
    a.append(marker, title, where);
    if (!c.in_answer) {
      // Only a quote the answer text does not already show: each quote once (a phone's screen is small).
      const quote = document.createElement("q");
      quote.textContent = c.quote;
      a.append(quote);
    }
    li.append(a);
    return li;
  }

  function render(q, answer) {
    const turn = template.content.firstElementChild.cloneNode(true);
    turn.querySelector(".question").textContent = q;
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
    turn.querySelectorAll(".thumb").forEach(function (button) {
      button.addEventListener("click", function () { rate(turn, answer.answer_id, button); });
    });
    conversation.append(turn);
    turn.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function rate(turn, answerId, button) {
    const rating = button.classList.contains("up") ? "up" : "down";
    const thanks = turn.querySelector(".thanks");
    try {
      const response = await fetch("/v1/feedback", { method: "POST", headers: headers(),
        body: JSON.stringify({ answer_id: answerId, rating: rating }) });
      if (!response.ok) throw new Error((await response.json()).error.message);
      turn.querySelectorAll(".thumb").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      thanks.textContent = "Thank you for the feedback.";
    } catch (e) {
      thanks.textContent = "Could not record feedback: " + e.message;
    }
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
      conversationId = body.conversation_id;
      render(q, body);
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
    conversationId = null;
    conversation.textContent = "";
    statusLine.textContent = "New conversation.";
    question.focus();
  });

  loadCouncils();
})();
