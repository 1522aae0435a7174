"""A report file (app/services/report_files.py) as an HTTP download, for
the report pages and the API alike."""
from flask import send_file
from flask_babel import gettext as _

from app import clock
from app.services.report_files import report_file


def report_download(report):
    """``report`` (a ReportFile) as an attachment, streamed from its temporary file."""
    response = send_file(report.written.file, mimetype=report.mimetype, as_attachment=True,
                         download_name=report.filename, conditional=False, etag=False)
    response.headers["X-Content-SHA256"] = report.written.sha256
    response.headers["Cache-Control"] = "no-store"
    return response


def table_download(fmt: str, stem: str, title, header: list, rows, filters: dict, user):
    """A report page's table as an XLSX or CSV download whose About part names
    the report, its filters, who made the file and when. Raises
    ValidationFailed naming ``format``."""
    about = [(_("Report"), str(title)), *((name, value) for name, value in filters.items()),
             (_("Made by"), f"{user.display_name} ({user.username})"), (_("Made at"), clock.now().isoformat())]
    return report_download(report_file(fmt, stem, [str(h) for h in header], rows, about,
                                       sheet_names=(str(title)[:31], _("About"))))
