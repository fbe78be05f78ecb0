/* The checkout. On the delivery-or-pickup page: each group shows the pickup list of the way chosen, the
   address is asked for only while something is delivered, the wards follow the province, and the
   sales points can be sorted nearest first from the buyer's location. Without this script the page
   still works: every field is shown and the server checks what is needed. */
(function () {
    "use strict";
    // "Place order" sends once: a second click while the first is on its way does nothing.
    document.querySelectorAll("form[data-once]").forEach(function (once) {
        once.addEventListener("submit", function (event) {
            if (once.dataset.sent) { event.preventDefault(); return; }
            once.dataset.sent = "1";
            once.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
        });
    });

    var form = document.getElementById("fulfilment-form");
    if (!form) { return; }

    function chosenMethod(group) {
        var checked = group.querySelector("input[type=radio]:checked");
        return checked ? checked.value : "delivery";
    }

    function showChoices() {
        var delivered = false;
        form.querySelectorAll(".fulfilment-group").forEach(function (group) {
            var method = chosenMethod(group);
            if (method === "delivery") { delivered = true; }
            var point = group.querySelector(".pickup-sales-point");
            var fair = group.querySelector(".pickup-fair");
            if (point) { point.hidden = method !== "sales_point_pickup"; }
            if (fair) { fair.hidden = method !== "fair_pickup"; }
        });
        var address = document.getElementById("delivery-address");
        if (address) { address.hidden = !delivered; }
    }
    form.addEventListener("change", function (event) {
        if (event.target.type === "radio") { showChoices(); }
    });
    showChoices();

    var province = document.getElementById("id_province_code");
    var ward = document.getElementById("id_ward_code");
    if (province && ward && window.fetch) {
        province.addEventListener("change", function () {
            var first = ward.options[0];
            ward.innerHTML = "";
            ward.appendChild(first);
            if (!province.value) { return; }
            fetch(form.dataset.wardsUrl + "?province=" + encodeURIComponent(province.value), {headers: {"Accept": "application/json"}})
                .then(function (response) { return response.json(); })
                .then(function (data) {
                    data.wards.forEach(function (item) {
                        var option = document.createElement("option");
                        option.value = item.code;
                        option.textContent = item.name;
                        ward.appendChild(option);
                    });
                });
        });
    }

    function km(lat1, lon1, lat2, lon2) {
        var rad = Math.PI / 180;
        var a = Math.pow(Math.sin((lat2 - lat1) * rad / 2), 2) +
            Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin((lon2 - lon1) * rad / 2), 2);
        return 6371 * 2 * Math.asin(Math.sqrt(a));
    }

    function sortNearestFirst(latitude, longitude) {
        form.elements.latitude.value = latitude;
        form.elements.longitude.value = longitude;
        form.querySelectorAll(".pickup-sales-point select").forEach(function (select) {
            var options = Array.prototype.slice.call(select.options, 1);
            options.forEach(function (option) {
                option.distance = km(latitude, longitude, parseFloat(option.dataset.latitude), parseFloat(option.dataset.longitude));
                option.textContent = option.dataset.name + " (" + option.distance.toFixed(1) + " km)";
            });
            options.sort(function (a, b) { return a.distance - b.distance; });
            options.forEach(function (option) { select.appendChild(option); });
        });
    }

    var share = document.getElementById("share-location");
    if (share) {
        if (!navigator.geolocation) { share.hidden = true; return; }
        share.addEventListener("click", function () {
            navigator.geolocation.getCurrentPosition(
                function (position) { sortNearestFirst(position.coords.latitude, position.coords.longitude); },
                function () { share.insertAdjacentText("afterend", " " + share.dataset.denied); }
            );
        });
    }
}());
