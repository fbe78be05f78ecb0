/* Suggestions under the search box as the buyer types: products, producers, provinces.
   The box still works without this script: Enter searches. */
(function () {
    "use strict";
    var input = document.getElementById("id_q");
    if (!input || !window.fetch) { return; }
    var form = input.form;
    var list = document.createElement("ul");
    list.id = "ocop_search_suggestions";
    list.className = "ocop-search-suggestions list-unstyled";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    form.style.position = "relative";
    form.appendChild(list);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    var timer = null;
    var active = -1;
    var asked = "";

    function close() { list.hidden = true; list.innerHTML = ""; active = -1; input.setAttribute("aria-expanded", "false"); }

    function show(suggestions) {
        list.innerHTML = "";
        active = -1;
        suggestions.forEach(function (item, index) {
            var li = document.createElement("li");
            li.setAttribute("role", "option");
            li.id = "ocop_suggestion_" + index;
            var link = document.createElement("a");
            link.href = item.url;
            link.className = "ocop-suggestion ocop-suggestion-" + item.kind;
            var kind = document.createElement("span");
            kind.className = "ocop-suggestion-kind";
            kind.textContent = item.kind_label;
            link.appendChild(document.createTextNode(item.text + " "));
            link.appendChild(kind);
            li.appendChild(link);
            list.appendChild(li);
        });
        list.hidden = suggestions.length === 0;
        input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
    }

    function ask() {
        var text = input.value.trim();
        if (text.length < 2) { close(); return; }
        asked = text;
        fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" } })
            .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
            .then(function (data) { if (data.query === asked) { show(data.suggestions); } })
            .catch(close);
    }

    function move(step) {
        var options = list.querySelectorAll("li");
        if (!options.length) { return; }
        if (active >= 0) { options[active].classList.remove("active"); }
        active = (active + step + options.length) % options.length;
        options[active].classList.add("active");
        input.setAttribute("aria-activedescendant", options[active].id);
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 150); });
    input.addEventListener("keydown", function (event) {
        if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
        else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
        else if (event.key === "Escape") { close(); }
        else if (event.key === "Enter" && active >= 0) {
            event.preventDefault();
            window.location.href = list.querySelectorAll("li a")[active].href;
        }
    });
    document.addEventListener("click", function (event) { if (!form.contains(event.target)) { close(); } });
})();
