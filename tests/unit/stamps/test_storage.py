from pathlib import Path

import pytest

from shop.stamps.storage import private_storage


def test_private_files_live_outside_the_public_media_and_have_no_url(settings):
    storage = private_storage()
    assert Path(storage.location) == Path(settings.PRIVATE_MEDIA_ROOT)
    assert not Path(storage.location).is_relative_to(Path(settings.MEDIA_ROOT))
    with pytest.raises(ValueError, match="no public URL"):
        storage.url("stamps/1/HT-2026-00000001_HT-2026-00000012.pdf")
