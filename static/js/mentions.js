// @-mention autocomplete in markdown fields: type "@ca" and pick a member's username.
(function () {
  "use strict";
  const AT_WORD = /(^|[^\w@./:+-])@([\w.+-]{0,150})$/u;
  let counter = 0;

  function attach(area) {
    const menu = document.createElement("ul");
    menu.className = "mention-menu";
    menu.id = `mention-menu-${++counter}`;
    menu.setAttribute("role", "listbox");
    menu.setAttribute("aria-label", "Members to mention");
    menu.hidden = true;
    area.after(menu);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", menu.id);
    let names = [];
    let active = 0;
    let asked = 0;

    const typed = () => {
      const match = AT_WORD.exec(area.value.slice(0, area.selectionStart));
      return match ? match[2] : null;
    };
    const close = () => {
      menu.hidden = true;
      names = [];
      area.removeAttribute("aria-activedescendant");
    };
    const show = () => {
      menu.replaceChildren(
        ...names.map((name, i) => {
          const item = document.createElement("li");
          item.id = `${menu.id}-${i}`;
          item.setAttribute("role", "option");
          item.setAttribute("aria-selected", String(i === active));
          item.textContent = `@${name}`;
          item.addEventListener("mousedown", (event) => {
            event.preventDefault();
            pick(name);
          });
          return item;
        })
      );
      menu.style.left = `${area.offsetLeft}px`;
      menu.style.top = `${area.offsetTop + area.offsetHeight}px`;
      menu.hidden = names.length === 0;
      if (names.length) area.setAttribute("aria-activedescendant", `${menu.id}-${active}`);
    };
    const pick = (name) => {
      const caret = area.selectionStart;
      const before = area.value.slice(0, caret).replace(/@[\w.+-]*$/u, `@${name} `);
      area.value = before + area.value.slice(caret);
      area.selectionStart = area.selectionEnd = before.length;
      close();
      area.focus();
    };
    const suggest = async () => {
      const word = typed();
      if (word === null) return close();
      const ask = ++asked;
      try {
        const response = await fetch(`/notifications/members/?q=${encodeURIComponent(word)}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!response.ok || ask !== asked) return;
        names = (await response.json()).results;
        active = 0;
        show();
      } catch (error) {
        close();
      }
    };
    let timer;
    area.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, 120);
    });
    area.addEventListener("blur", () => setTimeout(close, 100));
    area.addEventListener("keydown", (event) => {
      if (menu.hidden || !names.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : names.length - 1)) % names.length;
        show();
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        pick(names[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  document.querySelectorAll("textarea[data-markdown]").forEach(attach);
})();
