from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def localised_email(template_prefix, context, to, language):
    """An e-mail from ``<template_prefix>_subject.txt`` and ``_body.txt``, written in ``language`` (a code
    of settings.LANGUAGES, such as an order's ``language``) whatever language the worker runs in."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body = render_to_string(f"{template_prefix}_body.txt", context)
    return EmailMessage(subject, body, to=to, headers={"Content-Language": language})


def vietnamese_email(template_prefix, context, to):
    """An e-mail in Vietnamese whatever language the worker runs in (producers, sales points, officers)."""
    return localised_email(template_prefix, context, to, "vi")
