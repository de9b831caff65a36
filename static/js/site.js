// Progressive enhancements for IDL Wiki's forms. Every form works without this file.
(function () {
  "use strict";

  function csrfToken(form) {
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    return response.ok ? response.json() : null;
  }

  // On a phone, the filter panel starts closed unless a filter is set: the results come first.
  const phone = window.matchMedia("(max-width: 40rem)");
  document.querySelectorAll("details.filter-panel").forEach((panel) => {
    if (phone.matches && !panel.dataset.filtersSet) panel.open = false;
  });

  // "/" puts the cursor in the search box, as on GitHub and in most docs, unless you are typing.
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const search = document.getElementById("nav-q");
    if (!search) return;
    event.preventDefault();
    search.focus();
  });

  // Markdown fields: a Write / Preview switch; the preview is rendered and sanitized by the server.
  document.querySelectorAll("textarea[data-markdown]").forEach((area) => {
    const bar = document.createElement("div");
    bar.className = "md-toolbar";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "small secondary";
    button.textContent = "Preview";
    button.setAttribute("aria-pressed", "false");
    const preview = document.createElement("div");
    preview.className = "prose md-preview";
    preview.hidden = true;
    preview.setAttribute("aria-live", "polite");
    bar.append(button);
    area.before(bar);
    area.after(preview);

    button.addEventListener("click", async () => {
      const showing = !preview.hidden;
      if (showing) {
        preview.hidden = true;
        area.hidden = false;
        button.textContent = "Preview";
        button.setAttribute("aria-pressed", "false");
        area.focus();
        return;
      }
      const body = new URLSearchParams({ text: area.value });
      const response = await fetch("/preview/", {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(area.form) },
      });
      const data = response.ok ? await response.json() : { html: "" };
      // Safe: the server sanitized this HTML with the same allow-list the saved page uses.
      preview.innerHTML = data.html || "<p class=\"empty\">Nothing to preview.</p>";
      if (data.error) {
        // Too complex to format: saving would be refused too; say why above the plain text.
        const reason = document.createElement("p");
        reason.className = "errorlist";
        reason.textContent = data.error;
        preview.prepend(reason);
      }
      preview.style.minHeight = `${area.offsetHeight}px`;
      area.hidden = true;
      preview.hidden = false;
      button.textContent = "Write";
      button.setAttribute("aria-pressed", "true");
    });
  });

  // Tag fields: suggest existing tags, with how often each is used, for the word being typed
  // after the last comma; a filter's box (data-tags="one") takes one tag and offers the most
  // used ones as soon as it has the focus.
  document.querySelectorAll("input[data-tags]").forEach((input, index) => {
    const single = input.dataset.tags === "one";
    const list = document.createElement("datalist");
    list.id = `tag-suggestions-${index}`;
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.after(list);
    const suggest = async () => {
      const parts = single ? [input.value] : input.value.split(",");
      const current = parts.pop().trim();
      if (!current && !single) return list.replaceChildren();
      const data = await getJSON(`/tag-lookup/?q=${encodeURIComponent(current)}`);
      if (!data) return;
      const prefix = parts.map((p) => p.trim()).filter(Boolean);
      list.replaceChildren(
        ...data.results.map((tag) => {
          const option = document.createElement("option");
          option.value = [...prefix, tag.name].join(", ");
          option.label = `${tag.name} (${tag.uses})`;
          return option;
        })
      );
    };
    input.addEventListener("input", debounce(suggest, 150));
    if (single) input.addEventListener("focus", suggest, { once: true });
  });

  // A link the library lacks: ask arXiv, Crossref or the page (through the server) and fill in
  // the fields still empty, to be checked before saving. Only on forms that add something new.
  async function fill(input, url, note) {
    const form = input.form;
    if (!form || !("capture" in input.dataset)) return;
    note.textContent = "Looking it up…";
    const data = await getJSON(`/library/metadata/?url=${encodeURIComponent(url)}`);
    if (input.value.trim() !== url) return; // the member typed on meanwhile
    if (!data || data.error) {
      note.textContent = (data && data.error) || "The lookup failed; fill in the fields yourself.";
      return;
    }
    const found = data.found;
    const filled = [];
    for (const name of ["title", "authors", "published", "venue", "summary", "tags"]) {
      const field = form.elements.namedItem(name);
      const value = name === "tags" ? found.tags.join(", ") : found[name];
      if (field && value && !field.value.trim()) {
        field.value = value;
        filled.push(name);
      }
    }
    const kind = form.elements.namedItem("kind");
    if (kind && found.kind) kind.value = found.kind;
    if (found.url && found.url !== url) input.value = found.url;
    const source = { arxiv: "arXiv", crossref: "Crossref" }[found.source] || "the page";
    note.textContent = filled.length
      ? `Filled in from ${source}: ${filled.join(", ")}. Check them before saving.`
      : `${source} had nothing to add to what you typed.`;
  }

  // Link fields: say at once when the library already has this link.
  document.querySelectorAll("input[data-check-url]").forEach((input) => {
    const note = document.createElement("p");
    note.className = "help url-known";
    note.setAttribute("role", "status");
    input.after(note);
    const check = debounce(async () => {
      const url = input.value.trim();
      note.replaceChildren();
      // Links, links without https://, arXiv ids and DOIs: the server reads them all.
      if (url.length < 6 || /\s/.test(url)) return;
      const data = await getJSON(`/library/lookup/?url=${encodeURIComponent(url)}`);
      const match = data && data.results[0];
      if (!match) return fill(input, url, note);
      const link = document.createElement("a");
      link.href = match.url;
      link.textContent = match.title;
      note.append("Already in the library: ", link, ". Saving will take you there instead of adding a copy.");
    }, 250);
    input.addEventListener("input", check);
    input.addEventListener("change", check);
  });
})();
