/* The card form of payments:card. Card details go from this page to Stripe only; our server sees
   a PaymentIntent's client secret and, on the second route below, a payment method's id.

   Production (Stripe.js v3): the Payment Element, confirmed in the browser with stripe.confirmPayment,
   which brings the buyer back to the return page (3-D Secure included).

   Development and tests use localstripe's stand-in for Stripe.js, which has no Payment Element and no
   confirmPayment: only a fake card element, createToken and confirmCardPayment. When confirmPayment is
   missing, this script says so honestly by taking that route: it makes a token, sends the token's card
   id to our server (payments:card-confirm), which creates and confirms the order's PaymentIntent with
   it, and when Stripe asks for 3-D Secure it lets confirmCardPayment complete it. */
(function () {
    "use strict";
    var form = document.getElementById("card_payment_form");
    if (!form) { return; }
    var errors = document.getElementById("card_errors");
    var button = document.getElementById("card_submit");
    var data = form.dataset;

    function showError(message) {
        errors.textContent = message || data.messageFailed;
        button.disabled = false;
    }

    if (typeof window.Stripe !== "function") {
        showError(data.messageUnavailable);
        button.disabled = true;
        return;
    }
    var stripe = window.Stripe(data.publishableKey, { locale: data.locale });

    function csrfToken() {
        var input = form.querySelector("input[name=csrfmiddlewaretoken]");
        return input ? input.value : "";
    }

    if (typeof stripe.confirmPayment === "function") {
        var elements = stripe.elements({ clientSecret: data.clientSecret, locale: data.locale });
        var paymentElement = elements.create("payment");
        paymentElement.mount("#card_element");
        paymentElement.on("ready", function () { button.disabled = false; });
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            button.disabled = true;
            errors.textContent = "";
            stripe.confirmPayment({ elements: elements, confirmParams: { return_url: data.returnUrl } })
                .then(function (result) {
                    // Only reached on an error: on success Stripe sends the buyer to return_url.
                    if (result.error) { showError(result.error.message); }
                });
        });
        return;
    }

    // The stand-in's route (localstripe): a card element, a token, and our server confirms.
    var card = stripe.elements().create("card");
    card.mount("#card_element");
    button.disabled = false;

    function finish(response) {
        if (response.error) {
            showError(response.error);
            return null;
        }
        if (response.status === "requires_action" && response.client_secret) {
            return stripe.confirmCardPayment(response.client_secret).then(function () {
                // Succeeded or not, the return page says where the payment is, from our database.
                window.location.assign(response.redirect);
            });
        }
        window.location.assign(response.redirect);
        return null;
    }

    form.addEventListener("submit", function (event) {
        event.preventDefault();
        button.disabled = true;
        errors.textContent = "";
        stripe.createToken(card).then(function (result) {
            if (result.error || !result.token || !result.token.card) {
                showError(result.error && result.error.message);
                return null;
            }
            return fetch(data.confirmUrl, {
                method: "POST",
                credentials: "same-origin",
                headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
                body: JSON.stringify({ payment_method: result.token.card.id })
            }).then(function (reply) {
                return reply.json();
            }).then(finish);
        }).catch(function () { showError(data.messageFailed); });
    });
}());
