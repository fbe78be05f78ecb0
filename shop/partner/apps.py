import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    name = "shop.partner"
    namespace = "partner"

    def get_urls(self):
        from django.urls import path

        from shop.partner import views

        urls = super().get_urls()
        urls += [
            path("", views.ProducerListView.as_view(), name="producer-list"),
            path("<slug:code>/", views.ProducerDetailView.as_view(), name="producer-detail"),
        ]
        return self.post_process_urls(urls)
