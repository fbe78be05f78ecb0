"""The roles people play on the marketplace, as Django groups with permissions.

Officers' roles are scoped to the province in their StaffProfile; producer
staff and sales point operators to their Oscar partner (``Partner.users``).
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _


class Role:
    BUYER = "Buyers"
    PRODUCER_STAFF = "Producer staff"
    SALES_POINT_OPERATOR = "Sales point operators"
    TRADE_OFFICER = "Department of Industry and Trade officers"
    COORDINATION_OFFICER = "Coordination office officers"
    CMS_EDITOR = "Editors"  # Wagtail's own group, which carries its page permissions


ROLE_LABELS = {
    Role.BUYER: _("Buyer"),
    Role.PRODUCER_STAFF: _("Producer staff"),
    Role.SALES_POINT_OPERATOR: _("Sales point operator"),
    Role.TRADE_OFFICER: _("Department of Industry and Trade officer"),
    Role.COORDINATION_OFFICER: _("Coordination office officer"),
    Role.CMS_EDITOR: _("CMS editor"),
}

ROLE_PERMISSIONS = {
    Role.BUYER: [],
    # Partner staff work in our dashboard pages, which scope every object to their partner.
    # Model permissions such as catalogue.change_product would open Oscar's own pages,
    # which show every producer's products and orders.
    Role.PRODUCER_STAFF: ["partner.dashboard_access"],
    Role.SALES_POINT_OPERATOR: ["partner.dashboard_access"],
    Role.TRADE_OFFICER: [
        "outlets.view_salespoint",
        "outlets.add_salespoint",
        "outlets.change_salespoint",
        "outlets.view_fair",
        "outlets.add_fair",
        "outlets.change_fair",
        "outlets.view_booth",
        "outlets.add_booth",
        "outlets.change_booth",
        "outlets.delete_booth",
        "partner.view_partner",
        "partner.view_stockrecord",
    ],
    Role.COORDINATION_OFFICER: [
        "catalogue.view_product",
        "catalogue.view_ocopcertificate",
        "catalogue.add_ocopcertificate",
        "catalogue.change_ocopcertificate",
        "catalogue.view_certificateevent",
        "catalogue.add_certificateevent",
        "partner.view_partner",
    ],
    Role.CMS_EDITOR: ["wagtailadmin.access_admin"],
}


def ensure_role_groups(**kwargs):
    """Create each role's group and give it its permissions. Safe to run again.

    Connected to post_migrate for every app: permissions appear app by app, so
    each call gives each group those that exist by then, and the last call gives the whole set
    (and takes back a permission a role no longer has).
    """
    wanted = {tuple(dotted.split(".")) for permissions in ROLE_PERMISSIONS.values() for dotted in permissions}
    existing = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(
            codename__in={codename for _app, codename in wanted}
        ).select_related("content_type")
    }
    for name, permissions in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        found = [existing[key] for key in (tuple(dotted.split(".")) for dotted in permissions) if key in existing]
        if name == Role.CMS_EDITOR:
            group.permissions.add(*found)  # Wagtail's group: its page permissions stay
        else:
            group.permissions.set(found)
