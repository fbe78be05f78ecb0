"""Orders with fulfilment groups and payments, made directly (as the checkout makes them)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from shop.order.models import FulfilmentChannel, FulfilmentGroup
from shop.partner.models import StockRecord
from shop.payments.models import Payment, PaymentMethod, PaymentState
from shop.payments.services import transfer_note
from tests.factories import placed_order


def group_lines(order, producer, *, method=FulfilmentChannel.DELIVERY, shipping_charge=0, **place):
    """The group of ``producer``'s lines in ``order``, received by ``method`` at ``place`` (sales_point=…,
    or booth=… and pickup_on=…)."""
    group = FulfilmentGroup.objects.create(
        order=order, producer=producer, method=method, shipping_charge=Decimal(shipping_charge), **place
    )
    order.lines.filter(partner=producer).update(fulfilment_group=group, fulfilment_channel=method)
    return group


def stock_at(sales_point, product, num_in_stock=10, price=None):
    """The sales point's stock record of ``product``."""
    producer_record = product.stockrecords.filter(partner=product.producer).first()
    return StockRecord.objects.create(
        product=product,
        partner=sales_point.partner,
        partner_sku=f"SP-{sales_point.pk}-{product.pk}",
        price=price if price is not None else producer_record.price,
        price_currency="VND",
        num_in_stock=num_in_stock,
    )


def sales_point_order(items, sales_point, *, user=None, number=None):
    """An order of ``items`` (product, quantity) of one producer, picked up at ``sales_point`` from its stock:
    each line's stock record is the sales point's, its units allocated there (not at the producer's)."""
    order = placed_order(items, user=user, number=number)
    for line in order.lines.all():
        record = StockRecord.objects.filter(product=line.product, partner=sales_point.partner).first()
        line.stockrecord.cancel_allocation(line.quantity)
        record.allocate(line.quantity)
        line.stockrecord = record
        line.save(update_fields=["stockrecord"])
    producer = items[0][0].producer
    group_lines(order, producer, method=FulfilmentChannel.SALES_POINT_PICKUP, sales_point=sales_point)
    return order


def payment_for(order, method=PaymentMethod.VIETQR, state=None, amount=None, hours_left=24):
    """The order's payment, as shop.payments.services.new_payment makes it."""
    advance = method in (PaymentMethod.VIETQR, PaymentMethod.CARD)
    return Payment.objects.create(
        order=order,
        method=method,
        state=state or (PaymentState.AWAITING if advance else PaymentState.TO_COLLECT),
        amount=order.total_incl_tax if amount is None else Decimal(amount),
        pay_by=timezone.now() + timedelta(hours=hours_left) if advance else None,
        transfer_note=transfer_note(order) if method == PaymentMethod.VIETQR else "",
    )
