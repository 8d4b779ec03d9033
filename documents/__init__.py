"""Printable documents of a case (weasyprint + Jinja2): 申请表, 公示, payment voucher, dossier."""
