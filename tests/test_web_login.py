from tests.support.logins import csrf_token_from


def test_pages_need_login(client):
    response = client.get("/requests")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_deep_link_says_why_the_sign_in_page_opened(client):
    client.get("/requests")
    page = client.get("/login").get_data(as_text=True)
    assert "请先登录" in page


def test_the_first_visit_to_the_site_opens_the_sign_in_page_without_a_reproach(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "请先登录" not in page


def test_login_success_shows_home(client, login, create_user):
    create_user("ann", display_name="安妮", roles=["sales_rep"])
    response = login("ann")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "安妮" in page and "销售代表" in page


def test_wrong_password_is_refused_with_a_message(client, login, create_user):
    create_user("ann")
    response = login("ann", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)  # the page's language
    assert client.get("/").status_code == 302


def test_unknown_user_gets_the_same_message(login):
    response = login("nobody", "whatever-it-is")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)  # the page's language


def test_inactive_user_cannot_sign_in(ctx, login, create_user):
    from app.extensions import db
    from app.models import User

    user_id = create_user("ann")
    db.session.get(User, user_id).active = False
    db.session.commit()
    assert login("ann").status_code == 401


def test_post_without_csrf_token_is_rejected(client, create_user):
    """The sign-in page open too long (or its cookie gone) is shown again,
    the username kept, the password not, and a word why, in the reader's language."""
    create_user("ann")
    response = client.post("/login", data={"username": "ann", "password": "correct-horse"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "登录页面打开时间过长，请重新登录。" in page
    assert 'value="ann"' in page and "correct-horse" not in page
    assert client.get("/").status_code == 302


def test_logout_needs_csrf_and_ends_the_session(client, login, create_user):
    create_user("ann")
    login("ann")
    assert client.post("/logout").status_code == 400
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_next_parameter_never_leaves_the_site(client, create_user):
    create_user("ann")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=//evil.example/x", data={"username": "ann", "password": "correct-horse", "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_unknown_page_is_a_readable_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "返回首页" in response.get_data(as_text=True)
