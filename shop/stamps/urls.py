from django.urls import path

from shop.stamps import views

app_name = "stamps"

# Printed QR codes hold /t/<code>: these addresses are a promise (see DESIGN.md).
urlpatterns = [
    # Before "verify", whose <str:code> would take "abc.json" as a code.
    path("t/<str:code>.json", views.verify_stamp, {"as_json": True}, name="verify-json"),
    path("t/<str:code>", views.verify_stamp, name="verify"),
    path("t/<str:code>/report/", views.report_counterfeit, name="report"),
    path("t/<str:code>/report/thanks/", views.report_thanks, name="report-thanks"),
]
