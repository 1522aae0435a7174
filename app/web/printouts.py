"""Printable pages of a request's documents."""
from flask import render_template
from flask_login import current_user, login_required

from app.services.printouts import printable_shipping_note
from app.web import bp
from app.web.form_fields import reader_locale


@bp.get("/instances/<int(max=2147483647):instance_id>/shipping-notes/<number>/print")
@login_required
def print_shipping_note(instance_id: int, number: str):
    note = printable_shipping_note(instance_id, number[:32], current_user, reader_locale())
    return render_template("shipping_note_print.html", note=note)
