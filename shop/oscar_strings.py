"""Oscar's buyer-facing strings that Oscar's own Vietnamese catalogue leaves untranslated.

Listed here, with Oscar's exact msgids, so that ``makemessages`` puts them in our
catalogue (locale/vi), which Django consults before Oscar's.
"""

from django.utils.translation import gettext_noop

OSCAR_MSGIDS = [
    gettext_noop("Your basket has got some issues. Please correct any validation errors below."),
    gettext_noop("No voucher found with id '%s'"),
    gettext_noop("A problem occurred while placing this order. Please contact customer services."),
    gettext_noop("Surcharges"),
    gettext_noop("\n        Your basket total is now <strong>%(total)s</strong>\n        "),
    gettext_noop("Edit this category"),
    gettext_noop("Variants:"),
    gettext_noop("Previous"),
    gettext_noop("Next"),
    gettext_noop(
        "You're receiving this email because your email address has been changed to <strong>%(email)s</strong>."
    ),
    gettext_noop("Reset password"),
    gettext_noop(
        "We are pleased to confirm your order %(order_number)s has been received and\n        will be processed shortly."
    ),
    gettext_noop(
        'You can view the status of this order by clicking <a href="%(absolute_status_url)s" title="order status">here</a>'
    ),
    gettext_noop("You can view the status of this order at the below URL:\n%(absolute_status_url)s"),
    gettext_noop("You're receiving this e-mail because your password has been changed at %(name)s."),
    gettext_noop(
        "\n            We are happy to inform you that our product '%(title)s' is back in stock:\n            %(url)s\n        "
    ),
    gettext_noop(
        "\n                Beware that the amount of items in stock is limited. Be quick or someone might get there first.\n            "
    ),
    gettext_noop(
        "\n            With this email we have disabled your alert automatically and you will not\n            receive any further email regarding this product.\n        "
    ),
    gettext_noop("\nWe are happy to inform you that our product '%(title)s' is back in stock:\n%(url)s\n"),
    gettext_noop(
        "\n        Hello,\n        <p>\n            Somebody (hopefully you) has requested an email alert when '%(title)s' is back in stock.\n            Please click the following link to confirm: %(confirm_url)s\n        </p>\n        <p>\n            You can cancel this alert at any time by clicking the following link: %(cancel_url)s\n        </p>\n\n        <p>\n            Thanks for your interest,\n            The %(site)s Team\n        </p>\n    "
    ),
    gettext_noop(
        "\nHello,\n\nSomebody (hopefully you) has requested an email alert when\n'%(title)s' is back in stock.  Please click the following link\nto confirm: %(confirm_url)s\n\nYou can cancel this alert at any time by clicking the following link:\n%(cancel_url)s\n\nThanks for your interest,\nThe %(site)s Team\n"
    ),
    gettext_noop("%(title)s is back in stock"),
    gettext_noop("\n%(title)s is back in stock\n"),
    gettext_noop("Re-ordering..."),
    gettext_noop("Re-order"),
    gettext_noop("Re-order all items"),
    gettext_noop("\n                        Page %(page_num)s of %(total_pages)s\n                    "),
    gettext_noop("\n                        Total: %(total)s\n                    "),
]
