"""Provinces and communes/wards: Vietnam's current two-level units (since July 2025)."""

from functools import lru_cache

from vietnam_provinces import Province, ProvinceCode, Ward, WardCode


@lru_cache(maxsize=1)
def province_choices():
    return sorted(((int(p.code), p.name) for p in Province.iter_all()), key=lambda choice: choice[1])


def province_name(code):
    try:
        return Province.from_code(ProvinceCode(code)).name
    except ValueError:
        return ""


def ward_name(code):
    try:
        return Ward.from_code(WardCode(code)).name
    except ValueError:
        return ""


def ward_belongs_to_province(ward_code, province_code):
    try:
        return int(Ward.from_code(WardCode(ward_code)).province_code) == int(province_code)
    except ValueError:
        return False


@lru_cache(maxsize=64)
def ward_choices(province_code):
    return sorted(
        ((int(w.code), w.name) for w in Ward.iter_by_province(ProvinceCode(province_code))),
        key=lambda choice: choice[1],
    )


def ward_code_by_name(province_code, name):
    """The code of a commune/ward of a province, looked up by its official name."""
    for code, ward in ward_choices(province_code):
        if ward == name:
            return code
    raise LookupError(f"No commune or ward named {name!r} in province {province_code}.")


def province_options(codes):
    """(code, name) of each distinct province code, sorted by name: a list page's province filter."""
    return sorted(((code, province_name(code)) for code in set(codes) if code), key=lambda choice: choice[1])


def province_in_query(request):
    """The province code chosen with ``?province=``, or None."""
    value = request.GET.get("province", "")
    return int(value) if value.isdigit() else None
