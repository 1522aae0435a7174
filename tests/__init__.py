"""The test suite, one package: every directory below is a package of
``tests``, so pytest imports each module under one name
(``tests.web.test_inbox``) whether it runs the suite or a single file.
Helpers shared between directories live in ``tests.support``."""
