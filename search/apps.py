import oscar.apps.search.apps as apps
from django.urls import path


class SearchConfig(apps.SearchConfig):
    name = "search"

    def ready(self):
        super().ready()
        from search.indexing import connect_receivers

        connect_receivers()

    def get_urls(self):
        from search.views.places import FairSearchView, SalesPointSearchView
        from search.views.suggest import suggestions

        return [
            *super().get_urls(),
            path("suggest/", suggestions, name="suggest"),
            path("sales-points/", SalesPointSearchView.as_view(), name="sales-points"),
            path("fairs/", FairSearchView.as_view(), name="fairs"),
        ]
