"""/reports/, the report pages' starting point: open to sales, finance,
management and analysts, linked from the header; refused to the warehouse,
which sees no link."""
def test_the_reports_page_and_its_header_link(web):
    page = web("rep_east1").get("/reports/")
    assert page.status_code == 200
    assert 'href="/reports/"' in page.get_data(as_text=True)
    refused = web("warehouse").get("/reports/")
    assert refused.status_code == 403
    assert 'href="/reports/"' not in web("warehouse").get("/").get_data(as_text=True)
