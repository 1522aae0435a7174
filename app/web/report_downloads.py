"""A report file (app/services/report_files.py) as an HTTP download, for
the report pages and the API alike."""
from flask import send_file


def report_download(report):
    """``report`` (a ReportFile) as an attachment, streamed from its temporary file."""
    response = send_file(report.written.file, mimetype=report.mimetype, as_attachment=True,
                         download_name=report.filename, conditional=False, etag=False)
    response.headers["X-Content-SHA256"] = report.written.sha256
    response.headers["Cache-Control"] = "no-store"
    return response
