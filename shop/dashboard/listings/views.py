"""A producer's own listings and public page. Every object is looked up through the signed-in user's producer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView
from oscar.core.loading import get_model

from catalog.listings import (
    certificates_for_new_listing,
    create_listing,
    listing_status,
    proposal_in_progress,
    propose_listing_changes,
    with_listing_status,
)
from catalog.models import ListingRevision, Product, RevisionPhoto
from shop.dashboard.access import ProducerDashboardMixin
from shop.dashboard.listings.forms import ListingCreateForm, ListingUpdateForm, ProducerProfileForm

StockRecord = get_model("partner", "StockRecord")


def add_service_errors(form, error):
    """Put a service's ValidationError on the form's fields it names, the rest at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ProductListView(ProducerDashboardMixin, ListView):
    template_name = "oscar/dashboard/listings/product_list.html"
    context_object_name = "products"
    paginate_by = 20

    def get_queryset(self):
        products = with_listing_status(Product.objects.filter(producer=self.producer)).prefetch_related(
            "images",
            Prefetch("stockrecords", queryset=StockRecord.objects.filter(partner=self.producer), to_attr="own_stock"),
        )
        self.query = self.request.GET.get("q", "").strip()
        for word in self.query.split():
            products = products.filter(title__icontains=word)
        return products.order_by("title", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.query
        context["rows"] = [
            {"product": product, "status": listing_status(product), "stock": next(iter(product.own_stock), None)}
            for product in context["products"]
        ]
        context["can_create"] = certificates_for_new_listing(self.producer).exists()
        return context


class ProductCreateView(ProducerDashboardMixin, FormView):
    template_name = "oscar/dashboard/listings/product_create.html"
    form_class = ListingCreateForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["certificates"] = certificates_for_new_listing(self.producer)
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            product = create_listing(
                producer=self.producer,
                certificate=data["certificate"],
                packaging=data["packaging"],
                description=data["description"],
                price=data["price"],
                num_in_stock=data["num_in_stock"],
                photos=form.photos(),
                user=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if data["weight_grams"] is not None:
            # The shipping weight is not reviewed: it prices delivery and says nothing the certificate governs.
            Product.objects.filter(pk=product.pk).update(weight_grams=data["weight_grams"])
        messages.success(
            self.request,
            _("“%(title)s” was sent to the coordination office for review; it goes on sale once approved.")
            % {"title": product.title},
        )
        return redirect("dashboard:producer-product-update", pk=product.pk)


class ProductUpdateView(ProducerDashboardMixin, FormView):
    template_name = "oscar/dashboard/listings/product_update.html"
    form_class = ListingUpdateForm

    def get_product(self):
        if not hasattr(self, "_product"):
            self._product = get_object_or_404(
                Product.objects.select_related("certificate", "product_class"),
                pk=self.kwargs["pk"],
                producer=self.producer,
            )
        return self._product

    def get_draft(self):
        if not hasattr(self, "_draft"):
            self._draft = proposal_in_progress(self.get_product())
        return self._draft

    def get_form_kwargs(self):
        product = self.get_product()
        draft = self.get_draft()
        kwargs = super().get_form_kwargs()
        kwargs["images"] = product.images.all()
        kwargs["proposed_photos"] = draft.photos.all() if draft is not None else RevisionPhoto.objects.none()
        return kwargs

    def get_initial(self):
        source = self.get_draft() or self.get_product()
        initial = {
            "packaging": source.packaging,
            "description": source.description,
            "weight_grams": self.get_product().weight_grams,
        }
        if self.get_draft() is not None and self.get_draft().is_pending:
            initial["remove_images"] = list(self.get_draft().removed_images.all())
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = self.get_product()
        draft = self.get_draft()
        context["product"] = product
        context["certificate"] = product.certificate
        context["status"] = listing_status(product)
        context["draft"] = draft
        context["pending"] = draft if draft is not None and draft.is_pending else None
        latest = product.revisions.order_by("-submitted_at", "-pk").first()
        # The reason matters until the producer sends the listing again (or a later change is approved).
        context["last_sent_back"] = (
            latest if latest is not None and latest.status == ListingRevision.Status.SENT_BACK else None
        )
        context["stockrecords"] = StockRecord.objects.filter(product=product, partner=self.producer)
        return context

    def form_valid(self, form):
        product = self.get_product()
        data = form.cleaned_data
        draft = self.get_draft()
        # The form shows what the pending revision takes down ticked: an unticked one stays after all.
        proposed_removals = set(draft.removed_images.all()) if draft is not None and draft.is_pending else set()
        try:
            revision = propose_listing_changes(
                product,
                packaging=data["packaging"],
                description=data["description"],
                new_photos=form.photos(),
                removed_images=list(data["remove_images"]),
                withdrawn_photos=list(data["withdraw_photos"]),
                restored_images=list(proposed_removals - set(data["remove_images"])),
                user=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        weight_changed = data["weight_grams"] != product.weight_grams
        if weight_changed:
            # Live at once: the shipping weight prices delivery and is not part of the listing review.
            Product.objects.filter(pk=product.pk).update(weight_grams=data["weight_grams"])
            messages.success(self.request, _("The shipping weight is saved; it counts from now on."))
        if revision is not None:
            messages.success(
                self.request,
                _("Your changes were sent to the coordination office; buyers see them once they are approved."),
            )
        elif not weight_changed:
            messages.info(self.request, _("Nothing that needs review was changed."))
        return redirect("dashboard:producer-product-update", pk=product.pk)


class ProducerProfileView(ProducerDashboardMixin, FormView):
    """The producer's public page: story, contact, address and photo, live at once."""

    template_name = "oscar/dashboard/listings/producer_profile.html"
    form_class = ProducerProfileForm

    def get_initial(self):
        producer = self.producer
        return {
            "story": producer.story,
            "phone": producer.phone,
            "email": producer.email,
            "street_address": producer.street_address,
            "photo": producer.photo,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["producer"] = self.producer
        return context

    def form_valid(self, form):
        producer = self.producer
        data = form.cleaned_data
        for name in ("story", "phone", "email", "street_address"):
            setattr(producer, name, data[name])
        fields = ["story", "phone", "email", "street_address"]
        photo = data.get("photo")
        if photo is False:  # "clear" ticked
            producer.photo = ""
            fields.append("photo")
        elif isinstance(photo, ContentFile):  # a new photo, checked and re-encoded by PhotoField
            producer.photo.save(photo.name, photo, save=False)
            fields.append("photo")
        producer.save(update_fields=fields)
        messages.success(self.request, _("Your producer page was updated."))
        return redirect(reverse("dashboard:producer-profile"))
