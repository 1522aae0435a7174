"""Click commands; each calls the same use cases as the web and the API."""


def init_app(app):
    from app.cli.demo import demo
    from app.cli.users import users

    app.cli.add_command(users)
    app.cli.add_command(demo)
