"""The demo: an organisation after the seed's staffing plan, master data for
it and a scripted month of business, loaded by ``flask demo load`` and
``flask ledger demo-month``. The product never imports it; only the
commands and the tests do."""
