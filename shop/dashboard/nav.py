from oscar.apps.dashboard.nav import *  # noqa: F403
from oscar.apps.dashboard.nav import _dashboard_url_names_to_config, default_access_fn

from shop.dashboard.access import (
    OFFICER_DASHBOARD_URL_NAMES,
    STAMP_DASHBOARD_URL_NAMES,
    is_coordination_officer,
    is_officer,
    producer_of,
    sales_point_of,
)

# Pages for a producer's staff only; a sales point operator's menu leaves them out.
PRODUCER_ONLY_APPS = {
    "listings_dashboard",
    "imports_dashboard",
    "fulfilment_dashboard",
    "producer_reports_dashboard",
    "delivery_dashboard",
    "transfers_dashboard",
}
# Pages for a sales point's staff only.
SALES_POINT_ONLY_APPS = {"pickups_dashboard"}


def dashboard_access_fn(user, url_name, url_args=None, url_kwargs=None):
    """Oscar's access rule, except that officers see only the pages they work in (the listing review),
    that a sales point's staff are not shown the pages of a producer's, and that the traceability stamp
    pages are shown to coordination officers and (the batches) to a producer's staff only."""
    if url_name is not None and url_name.split(":")[-1] in STAMP_DASHBOARD_URL_NAMES and not user.is_superuser:
        if is_coordination_officer(user):
            return True
        if producer_of(user) is None:
            return False
    if url_name is not None and is_officer(user) and not user.is_superuser:
        return url_name.split(":")[-1] in OFFICER_DASHBOARD_URL_NAMES
    if url_name is not None and not user.is_staff and producer_of(user) is None:
        config = _dashboard_url_names_to_config().get(url_name.split(":")[-1])
        if config is not None and config.label in PRODUCER_ONLY_APPS:
            return False
    if url_name is not None and sales_point_of(user) is None:
        config = _dashboard_url_names_to_config().get(url_name.split(":")[-1])
        if config is not None and config.label in SALES_POINT_ONLY_APPS:
            return False
    return default_access_fn(user, url_name, url_args, url_kwargs)
