from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage():
    """Files that must not be public: stamp print files (they hold every code of a batch) and the
    photos buyers attach to counterfeit reports. Outside MEDIA_ROOT, served only by views that
    check who asks."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
