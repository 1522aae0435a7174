"""A finished export file as an HTTP download, for the pages and the API
alike: the file streams from its temporary file (closed, and so deleted,
once sent), and its SHA-256 and row count travel in the headers, since a
file cannot carry its own hash."""
from flask import send_file


def file_response(exported):
    """``exported`` (app/services/population_export.py ExportedFile) as an attachment."""
    response = send_file(exported.written.file, mimetype=exported.mimetype, as_attachment=True,
                         download_name=exported.filename, conditional=False, etag=False)
    response.headers["X-Content-SHA256"] = exported.written.sha256
    response.headers["X-Row-Count"] = str(exported.manifest["totals"]["rows"])
    response.headers["Cache-Control"] = "no-store"
    return response
