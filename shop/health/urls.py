from django.urls import path

from shop.health.views import healthz

urlpatterns = [path("healthz", healthz, name="healthz")]
