from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)  # noqa: F405
# runserver serves static files from the apps in development; WhiteNoise is for collected files.
MIDDLEWARE = [entry for entry in MIDDLEWARE if not entry.startswith("whitenoise.")]  # noqa: F405

# A demo account for VietQR transfers (Vietcombank's BIN), so that the option can be tried; production names its own.
VIETQR_BANK_BIN = env("VIETQR_BANK_BIN", default="970436")  # noqa: F405
VIETQR_ACCOUNT_NUMBER = env("VIETQR_ACCOUNT_NUMBER", default="0011004396666")  # noqa: F405
VIETQR_ACCOUNT_NAME = env("VIETQR_ACCOUNT_NAME", default="CHO OCOP DEMO")  # noqa: F405
