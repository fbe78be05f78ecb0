from django.urls import path

from shop.payments import views, webhooks

app_name = "payments"

urlpatterns = [
    path("card/<str:number>/<str:hash>/", views.CardPaymentView.as_view(), name="card"),
    path("card/<str:number>/<str:hash>/confirm/", views.confirm_card_payment, name="card-confirm"),
    path("card/<str:number>/<str:hash>/done/", views.CardReturnView.as_view(), name="card-return"),
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
]
