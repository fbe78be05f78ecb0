from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def vietnamese_email(template_prefix, context, to):
    """An e-mail from ``<template_prefix>_subject.txt`` and ``_body.txt``, in Vietnamese whatever
    language the worker runs in (producers, and buyers until orders remember a language)."""
    with translation.override("vi"):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body = render_to_string(f"{template_prefix}_body.txt", context)
    return EmailMessage(subject, body, to=to, headers={"Content-Language": "vi"})
