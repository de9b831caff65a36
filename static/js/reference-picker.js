// Search-as-you-type for the "Add references" box: the box works without this script
// (type links, titles or #ids); with it, typing in the search field offers library matches
// and a click adds "#id Title" as a line of the box.
(function () {
  "use strict";
  const box = document.querySelector("textarea[data-reference-picker]");
  if (!box) return;

  const wrapper = document.createElement("div");
  wrapper.className = "picker";
  const label = document.createElement("label");
  label.textContent = "Search the library";
  const input = document.createElement("input");
  input.type = "search";
  input.id = "reference-search";
  input.autocomplete = "off";
  input.placeholder = "Type a few letters of a title…";
  input.setAttribute("aria-controls", "reference-results");
  label.htmlFor = input.id;
  const results = document.createElement("ul");
  results.id = "reference-results";
  results.className = "picker-results";
  results.setAttribute("aria-live", "polite");
  wrapper.append(label, input, results);
  box.closest(".field").before(wrapper);

  let timer = null;
  let latest = 0;

  function addLine(reference) {
    const line = `#${reference.id} ${reference.title}`;
    box.value = box.value.trim() ? `${box.value.trimEnd()}\n${line}` : line;
    results.replaceChildren();
    input.value = "";
    input.focus();
  }

  async function search(query) {
    const ticket = ++latest;
    const response = await fetch(`/library/lookup/?q=${encodeURIComponent(query)}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok || ticket !== latest) return;
    const data = await response.json();
    results.replaceChildren(
      ...data.results.map((reference) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.textContent = `${reference.icon} ${reference.title}`;
        button.addEventListener("click", () => addLine(reference));
        item.append(button);
        return item;
      })
    );
    if (!data.results.length) {
      const item = document.createElement("li");
      item.className = "meta";
      item.textContent = "No match in the library: paste the link in the box instead.";
      results.append(item);
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (query.length < 2) {
      results.replaceChildren();
      return;
    }
    timer = setTimeout(() => search(query), 200);
  });
  input.addEventListener("keydown", (event) => {
    // Enter picks the first match instead of submitting the whole form.
    if (event.key === "Enter") {
      event.preventDefault();
      const first = results.querySelector("button");
      if (first) first.click();
    }
  });
})();
