"""An order of two producers as the checkout leaves it: the orange producer's part delivered, the tea
producer's part picked up at a sales point from the sales point's own stock; and its payment."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from catalog.models import today
from shop.order.models import FulfilmentChannel, FulfilmentGroup
from shop.partner.models import StockRecord
from shop.payments.services import new_payment
from tests.factories import ProducerFactory, SalesPointFactory, certified_product, partner_staff, placed_order


@dataclass
class SplitOrder:
    order: object
    orange_producer: object
    tea_producer: object
    sales_point: object
    orange_line: object
    tea_line: object
    delivery: object
    pickup: object

    @property
    def payment(self):
        return self.order.payment

    def stockrecords(self):
        """(num_in_stock, num_allocated) of the orange producer's record and of the sales point's tea record."""
        result = []
        for line in (self.orange_line, self.tea_line):
            record = StockRecord.objects.get(pk=line.stockrecord_id)
            result.append((record.num_in_stock, record.num_allocated))
        return result


def split_order(*, number="100101", language="vi", method="vietqr", buyer_email="lan@example.vn", tag=""):
    """``tag`` tells apart the staff e-mail addresses of a second order in the same test."""
    orange_producer = ProducerFactory(name="HTX Cam Vũ Quang", email="camvuquang@example.vn")
    partner_staff(orange_producer, f"hung{tag}@example.vn")
    tea_producer = ProducerFactory(name="HTX Chè Hương Sơn", email="chehuongson@example.vn")
    sales_point = SalesPointFactory(
        partner__name="Điểm bán OCOP Thành Sen",
        partner__email="diemban.thanhsen@example.vn",
        partner__street_address="25 Phan Đình Phùng",
        opening_hours="7:00–21:00 hằng ngày",
    )
    partner_staff(sales_point.partner, f"thu{tag}@example.vn")
    orange = certified_product(
        producer=orange_producer, title="Cam bù Vũ Quang – thùng 5 kg", stock=(Decimal("225000"), 20)
    )
    tea = certified_product(producer=tea_producer, title="Chè xanh Hương Sơn 500 g", stock=(Decimal("120000"), 30))
    buyer = None
    if buyer_email:
        buyer = get_user_model().objects.create_user(
            username=buyer_email, email=buyer_email, password="x", first_name="Nguyễn Thị", last_name="Lan"
        )
    order = placed_order([(orange, 2), (tea, 3)], user=buyer, number=number)
    order.language = language
    # The checkout adds each producer's shipping charge to the order's total (here the delivery's 30.000 ₫).
    order.shipping_incl_tax = order.shipping_excl_tax = Decimal("30000")
    order.total_incl_tax += Decimal("30000")
    order.total_excl_tax += Decimal("30000")
    order.save(update_fields=["language", "shipping_incl_tax", "shipping_excl_tax", "total_incl_tax", "total_excl_tax"])
    orange_line = order.lines.get(product=orange)
    tea_line = order.lines.get(product=tea)

    # The tea is collected at the sales point, from the sales point's stock (the checkout reserves it there).
    producer_record = tea_line.stockrecord
    producer_record.cancel_allocation(3)
    point_record = StockRecord.objects.create(
        product=tea,
        partner=sales_point.partner,
        partner_sku=f"SP-{tea.pk}",
        price=Decimal("120000"),
        price_currency="VND",
        num_in_stock=10,
        num_allocated=3,
    )
    delivery = FulfilmentGroup.objects.create(
        order=order, producer=orange_producer, method=FulfilmentChannel.DELIVERY, shipping_charge=Decimal("30000")
    )
    pickup = FulfilmentGroup.objects.create(
        order=order,
        producer=tea_producer,
        method=FulfilmentChannel.SALES_POINT_PICKUP,
        sales_point=sales_point,
        pickup_on=today() + timedelta(days=2),
    )
    order.lines.filter(pk=orange_line.pk).update(fulfilment_group=delivery)
    order.lines.filter(pk=tea_line.pk).update(
        fulfilment_group=pickup,
        stockrecord=point_record,
        fulfilment_channel=FulfilmentChannel.SALES_POINT_PICKUP,
    )
    orange_line.refresh_from_db()
    tea_line.refresh_from_db()
    new_payment(order, method)
    order.refresh_from_db()
    return SplitOrder(order, orange_producer, tea_producer, sales_point, orange_line, tea_line, delivery, pickup)
