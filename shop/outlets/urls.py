from django.urls import path

from shop.outlets import views

app_name = "outlets"

urlpatterns = [
    path("sales-points/", views.SalesPointListView.as_view(), name="sales-point-list"),
    path("sales-points/<slug:code>/", views.SalesPointDetailView.as_view(), name="sales-point-detail"),
    path("fairs/", views.FairListView.as_view(), name="fair-list"),
    path("fairs/<slug:slug>/", views.FairDetailView.as_view(), name="fair-detail"),
]
