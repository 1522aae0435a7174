"""The icon browsers ask for on their own, before anyone signs in."""


def test_the_browsers_own_request_for_the_icon_is_answered(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).lstrip().startswith("<svg")


def test_pages_link_the_same_icon(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="icon"' in page and "favicon.svg" in page
