"""What the database engine searches: one row per product that may be found, folded as buyers type.

The database engine (search.engines.database) does not read the catalogue's tables when a buyer
searches: it reads these rows, written from each product's ProductRecord by update_products() and
rebuild(). The text columns hold folded text (search.text.fold) with a space before and after, so
that a whole word is matched with ``LIKE '% word %'`` (and a word's start, as the buyer types, with
``LIKE '% wo%'``) on SQLite and PostgreSQL alike.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductSearchEntry(models.Model):
    product = models.OneToOneField(
        "catalogue.Product",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name=_("product"),
    )
    # Folded text, " word word ... " (a space at each end).
    title = models.TextField(_("title (folded)"))
    producer = models.TextField(_("producer (folded)"))
    places = models.TextField(_("province and commune (folded)"))
    group_labels = models.TextField(_("group and sub-group labels (folded)"))
    description = models.TextField(_("description (folded)"))
    # All five, separated by " | ": a word is looked for in one LIKE, the columns above only rank.
    document = models.TextField(_("all the text (folded)"))
    # What the facets count and the sorts order by.
    stars = models.PositiveSmallIntegerField(_("stars"), db_index=True)
    price = models.BigIntegerField(_("price"), null=True, blank=True, db_index=True)
    group = models.CharField(_("product group"), max_length=32, db_index=True)
    subgroup = models.CharField(_("sub-group"), max_length=32, db_index=True)
    province_code = models.PositiveSmallIntegerField(_("province"), null=True, blank=True, db_index=True)
    producer_kind = models.CharField(_("producer kind"), max_length=32, blank=True, db_index=True)
    date_created = models.DateTimeField(_("date created"), db_index=True)
    at_sales_point = models.BooleanField(_("held by an open sales point"), default=False, db_index=True)
    # The last day of the last fair where the producer has a booth: "at a fair" on day d is fair_ends_on >= d.
    fair_ends_on = models.DateField(_("last fair ends on"), null=True, blank=True, db_index=True)
    # Whether it may be found: searchable, and valid_from <= the day <= valid_until (checked at query time).
    searchable = models.BooleanField(_("searchable"), default=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=16)

    class Meta:
        verbose_name = _("product search entry")
        verbose_name_plural = _("product search entries")

    def __str__(self):
        return self.title.strip()


class ProductSearchCategory(models.Model):
    """A category of an indexed product: the category filter is an EXISTS on these rows."""

    entry = models.ForeignKey(
        ProductSearchEntry, on_delete=models.CASCADE, related_name="categories", verbose_name=_("entry")
    )
    category_id = models.PositiveIntegerField(_("category"), db_index=True)

    class Meta:
        verbose_name = _("product search category")
        verbose_name_plural = _("product search categories")
        constraints = [models.UniqueConstraint(fields=["entry", "category_id"], name="search_category_once")]

    def __str__(self):
        return f"{self.entry_id}: {self.category_id}"


class PlaceSearchEntry(models.Model):
    """One searchable sales point or fair (search.place_records.PlaceRecord), folded as ProductSearchEntry is."""

    kind = models.CharField(_("kind"), max_length=16)  # search.place_records.PLACE_KINDS
    place_id = models.PositiveIntegerField(_("sales point or fair"))
    # Folded text, " word word ... " (a space at each end).
    name = models.TextField(_("name (folded)"))
    places = models.TextField(_("places (folded)"))
    other = models.TextField(_("other text (folded)"))
    products = models.TextField(_("products (folded)"))
    # All four, separated by " | ": a word is looked for in one LIKE, the columns above only rank.
    document = models.TextField(_("all the text (folded)"))
    name_sort = models.CharField(_("name (sort)"), max_length=255)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    # A fair's last day: found on day d when ends_on >= d (checked at query time); none for a sales point.
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=16)

    class Meta:
        verbose_name = _("place search entry")
        verbose_name_plural = _("place search entries")
        constraints = [models.UniqueConstraint(fields=["kind", "place_id"], name="search_place_entry_once")]
        indexes = [models.Index(fields=["kind", "ends_on"], name="search_place_entry_visible")]

    def __str__(self):
        return self.name.strip()
