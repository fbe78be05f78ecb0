from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files that must not be public: stamp print files (they hold every code of a batch) and the
    photos buyers attach to counterfeit reports. Outside MEDIA_ROOT, served only by views that
    check who asks; they have no public URL."""

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view that checks access.")


def private_storage():
    return PrivateStorage(location=settings.PRIVATE_MEDIA_ROOT)
