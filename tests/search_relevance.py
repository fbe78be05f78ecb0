"""Real buyer queries against the demo data, each with the product for sale that must be in the
first three results (by its title in fixtures/catalogue_data.py). Typed as buyers type: without
diacritics, with a typo, by place, by a synonym. (The demo's products that are not for sale are
never found: tests of the engines check that.)"""

QUERIES = [
    ("mật ong Hương Khê", "Mật ong hoa rừng Hương Khê – chai 500 ml"),
    ("nuoc mam ha tinh", "Nước mắm cá cơm Cẩm Nhượng 40 độ đạm – chai 500 ml"),
    ("cam vu quang", "Cam bù Vũ Quang – thùng 5 kg"),
    ("nhung nai say kho", "Nhung hươu Hương Sơn sấy khô thái lát – hộp 100 g"),
    ("nhung huou tuoi", "Nhung hươu tươi Hương Sơn – 100 g"),
    ("keo cu do", "Kẹo cu đơ Hà Tĩnh – hộp 300 g"),
    ("cu do gung", "Kẹo cu đơ gừng – hộp 300 g"),
    ("che lam phu quang", "Chè lam Phủ Quảng – hộp 300 g"),
    ("tra ca gai leo", "Trà túi lọc cà gai leo Đức Thọ – hộp 25 túi"),
    ("cao ca gai leo duc tho", "Cao cà gai leo Đức Thọ – lọ 100 g"),
    ("nem chua thanh hoa", "Nem chua Thanh Hóa – túi 50 chiếc"),
    ("banh gai tu tru", "Bánh gai Tứ Trụ – hộp 10 chiếc"),
    ("chieu coi nga son", "Chiếu cói Nga Sơn in hoa – khổ 1,6 m"),
    ("non la truong giang", "Nón lá Trường Giang"),
    ("ruou men la", "Rượu men lá Bá Thước – bình 1 lít"),
    ("ruou bap", "Rượu ngô men lá Bá Thước – chai 500 ml"),
    ("tinh dau que", "Tinh dầu quế Thường Xuân – lọ 50 ml"),
    ("tinh dau buoi", "Tinh dầu vỏ bưởi Phúc Trạch – lọ 50 ml"),
    ("buoi phuc trach", "Bưởi Phúc Trạch – quả loại 1 (1,2–1,5 kg)"),
    ("buoi luan van", "Bưởi Luận Văn – quả 1–1,3 kg"),
    ("mat mia kim tan", "Mật mía Kim Tân – chai 1 lít"),
    ("duong phen", "Đường phên Kim Tân – gói 1 kg"),
    ("muc kho sam son", "Mực khô Sầm Sơn loại 1 – 500 g"),
    ("ca thu sam son", "Cá thu một nắng Sầm Sơn – 1 kg"),
    ("tour pu luong", "Tour trekking Pù Luông 2 ngày 1 đêm"),
    ("homestay son kim", "Homestay bản Sơn Kim – 1 đêm kèm bữa tối"),
    ("lan ho diep", "Lan hồ điệp chậu 3 cành Hồng Lĩnh"),
    ("ca koi", "Cá chép Koi Đông Sơn – cặp 20 cm"),
    ("gio may dan", "Giỏ mây đan Can Lộc – bộ 3 chiếc"),
    ("tuong go di lac", "Tượng gỗ mít Di Lặc Thái Yên – cao 40 cm"),
    ("cha muc", "Chả mực Sầm Sơn – 500 g"),
    ("nuoc mamm ba lang", "Nước mắm Ba Làng 35 độ đạm – chai 500 ml"),
    ("chanh leo nhu xuan", "Nước cốt chanh leo Như Xuân – chai 500 ml"),
    ("phan hoa", "Phấn hoa Hương Khê – hũ 250 g"),
    ("son duong sap ong", "Son dưỡng sáp ong Hương Khê – thỏi 5 g"),
    ("cam say deo", "Cam bù Hương Sơn sấy dẻo – hộp 250 g"),
    ("cha tom thanh hoa", "Chả tôm Thanh Hóa – hộp 500 g"),
    ("nuoc buoi ep", "Nước bưởi Phúc Trạch ép lạnh – chai 330 ml"),
    ("khan tho cam", "Khăn thổ cẩm Thái Pù Luông dệt tay"),
    ("tra xanh nhu xuan", "Chè xanh Như Xuân sao khô – gói 500 g"),
]


def relevance(engine, products_by_title):
    """(share of QUERIES whose product is in the first three, [(query, expected, first three titles)] that miss)."""
    from search.engines.base import ProductQuery

    titles = {product.pk: title for title, product in products_by_title.items()}
    misses = []
    for text, expected in QUERIES:
        results = engine.search_products(ProductQuery(text=text, per_page=3))
        top = [titles.get(product_id, str(product_id)) for product_id in results.product_ids]
        if expected not in top:
            misses.append((text, expected, top))
    return (len(QUERIES) - len(misses)) / len(QUERIES), misses
