from oscar.apps.dashboard.permissions import DashboardPermission as OscarDashboardPermission


class DashboardPermission(OscarDashboardPermission):
    """Oscar's own dashboard pages are for shop staff only.

    Oscar opens its catalogue and order pages to partner users too; there a producer
    could rename a product without the listing review, or change fields that the
    OCOP certificate governs. Producers and sales points work in our pages instead
    (shop.dashboard.listings, imports, fulfilment, producer_reports), which check
    every object against their own partner.
    """

    partner_dashboard_access = OscarDashboardPermission.staff
