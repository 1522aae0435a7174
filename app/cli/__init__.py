"""Click commands; each calls the same use cases as the web and the API."""


def init_app(app):
    from app.cli.audit import audit
    from app.cli import audit_replay  # noqa: F401  (flask audit replay attaches to the audit group)
    from app.cli.dealers import dealers
    from app.cli.demo import demo
    from app.cli.ledger import ledger
    from app.cli.processes import processes
    from app.cli.users import users
    from app.cli.worker import worker_command

    for group in (users, demo, processes, audit, ledger, dealers):
        app.cli.add_command(group)
    app.cli.add_command(worker_command)
